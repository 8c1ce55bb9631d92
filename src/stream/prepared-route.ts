// A round trip made ready for one stream: both route headers sealed (the back one travels to the exit inside the
// request) and the token that tells the originator which of its streams a back-route OPEN belongs to. Made on
// request, or ahead of it by ReadyRoutes (docs/MESH.md, 'Routes made ahead').
//
// A route made ahead is used by one stream only, with its own ephemeral keys and token, as one made on request:
// no circuit is shared, so nothing links two streams. Tor builds circuits ahead and lets streams share them; MASQ
// gives every stream its own route, so what can be done ahead is the drawing and the sealing. A ready route is used
// only while what it was drawn from holds (the records of its Nodes and the route settings: its stamp) and for
// READY_ROUTE_MAX_AGE_MS at most, so a change in the market reaches the next routes.

import { randomBytes } from 'node:crypto';
import { buildHeader, COMPONENT, type EphemeralSource, type HopKeys, type HopSpec, PAYER_BYTES, TOKEN_BYTES } from '../crypto/index.js';
import type { OwnRoute, RoundTrip } from '../neighborhood/index.js';
import { MadeAhead } from '../system/index.js';

export interface SealedHeader {
  header: Buffer;
  /** The keys each hop of the header shares with us, in route order. */
  keys: HopKeys[];
}

export interface PreparedRoute {
  rt: OwnRoute;
  over: SealedHeader;
  back: SealedHeader;
  token: Buffer;
}

/** Round trips kept ready: a burst of requests takes them faster than spare turns make them. */
export const READY_ROUTES = 2;
export const READY_ROUTE_MAX_AGE_MS = 30_000;

/** The originator's own slot at the end of the back-route: it does not pay itself. */
const NO_PAYER = Buffer.alloc(PAYER_BYTES);
const NO_TOKEN = Buffer.alloc(TOKEN_BYTES);

/** Slots for the hops after the first node of `path`, the last one with `lastComponent`; undefined when a payer slot is missing. */
function slots(path: readonly string[], lastComponent: HopSpec['record']['component'], payerFor: (key: Buffer) => Buffer | undefined, token?: Buffer): HopSpec[] | undefined {
  const out: HopSpec[] = [];
  for (let i = 1; i < path.length; i++) {
    const last = i === path.length - 1;
    const key = Buffer.from(path[i] as string, 'hex');
    const next = last ? undefined : Buffer.from(path[i + 1] as string, 'hex');
    const component = last ? lastComponent : COMPONENT.relay;
    const payer = component === COMPONENT.originator ? NO_PAYER : payerFor(key);
    if (!payer) return undefined;
    out.push({ key, record: { next, component, payer, token: (last ? token : undefined) ?? NO_TOKEN } });
  }
  return out;
}

/**
 * Seals both headers of `rt`. Every hop but our own slot gets the payer slot `payerFor` makes for its key; without
 * one (no consuming wallet) nothing is sealed and the answer is undefined.
 */
export function prepareRoute(rt: OwnRoute, payerFor: (key: Buffer) => Buffer | undefined, ephemeral?: EphemeralSource): PreparedRoute | undefined {
  const token = randomBytes(TOKEN_BYTES);
  const overSlots = slots(rt.over, COMPONENT.exit, payerFor);
  const backSlots = slots(rt.back, COMPONENT.originator, payerFor, token);
  if (!overSlots || !backSlots) return undefined;
  return { rt, over: buildHeader(overSlots, ephemeral), back: buildHeader(backSlots, ephemeral), token };
}

export interface ReadyRoutesOptions {
  /** Draws a round trip as for a request with no target yet (no exit penalties, nothing avoided). */
  route(): OwnRoute | undefined;
  prepare(rt: OwnRoute): PreparedRoute | undefined;
  /** What a round trip was drawn from now; a ready one whose stamp changed is dropped. */
  stamp(rt: RoundTrip): string;
  now(): number;
  /** Runs the function in a later turn of the event loop. */
  defer(fn: () => void): void;
}

interface Ready {
  route: PreparedRoute;
  stamp: string;
  madeAt: number;
}

export class ReadyRoutes {
  private readonly ready: MadeAhead<Ready>;

  constructor(o: ReadyRoutesOptions) {
    this.ready = new MadeAhead<Ready>({
      size: READY_ROUTES,
      make: () => {
        const rt = o.route();
        const route = rt && o.prepare(rt);
        return route && { route, stamp: o.stamp(rt), madeAt: o.now() };
      },
      stillGood: (r) => o.now() - r.madeAt <= READY_ROUTE_MAX_AGE_MS && o.stamp(r.route.rt) === r.stamp,
      defer: o.defer,
    });
  }

  /** A ready round trip that `fits` this request, or undefined (make one now); the next is made in a spare turn. */
  take(fits: (rt: OwnRoute) => boolean): PreparedRoute | undefined {
    return this.ready.take((r) => fits(r.route.rt))?.route;
  }

  close(): void {
    this.ready.close();
  }
}
