// The originator's side: the Connector the proxy uses. For each stream it takes a round trip with both route headers
// sealed (prepared-route.ts: made ahead when one suits, else drawn and sealed now), sends OPEN and waits for the
// exit's answer on the back-route. An exit that cannot resolve the host is penalized for that host and another exit is tried; a route
// that times out or breaks before the answer is avoided for a while and another is tried.

import type { EphemeralSource, HopKeys } from '../crypto/index.js';
import type { OpenedCircuit, Switch } from '../hopper/index.js';
import { type OwnRoute, type RoundTrip, shortKey } from '../neighborhood/index.js';
import { type Connector, type FailureKind, StreamFailure, type Target, formatTarget } from '../mesh/index.js';
import { describeError, type Logger, MasqError } from '../system/index.js';
import { CELL_TYPE, DESTROY_REASON, type DestroyReason, OPEN_STATUS, openAnswerCodec, openRequestCodec, type OpenOutcome, type OpenStatus } from '../wire/index.js';
import { MeshDuplex, describeReason } from './duplex.js';
import { StreamEnd } from './end.js';
import { ExpiringSet } from './expiring.js';
import { INITIAL_WINDOW } from './flow.js';
import type { PayerPolicy } from './payer.js';
import { type PreparedRoute, prepareRoute, ReadyRoutes } from './prepared-route.js';

export type RouteFn = (q: { payloadSize: number; exitPenalty?(key: string): bigint; avoid?: ReadonlySet<string> }) => OwnRoute | undefined;

export interface OriginatorOptions {
  sw: Switch;
  route: RouteFn;
  /** The only countries routes may exit in, when the exit location limits them (no fallback routing). */
  requiredExitCountries?(): readonly string[] | undefined;
  payer: PayerPolicy;
  /** The route slots' ephemeral keys (an EphemeralPool's, in a Node); fresh ones when absent. */
  ephemeral?: EphemeralSource;
  /** Hears, when a stream ends, its round trip and the bytes it sent and received: what it owes the hops. */
  charge?(rt: RoundTrip, bytesOut: number, bytesIn: number): void;
  openTimeoutMs: number;
  /**
   * Given, round trips are drawn and sealed ahead of need in spare turns (prepared-route.ts) and used while `stamp`
   * (what a round trip was drawn from) is unchanged.
   */
  ahead?: { stamp(rt: RoundTrip): string; now(): number; defer(fn: () => void): void };
  log: Logger;
}

/** MASQ's budget of retries through other exits when one could not resolve the host (docs/MESH.md). */
export const DNS_RETRIES = 3;
/** New routes tried after a timeout or a broken route. */
export const ROUTE_RETRIES = 2;
export const AVOID_MS = 30_000;
/**
 * Added to the cost of routes through an exit that failed to resolve the host. MASQ adds 10^8, which rate packs in
 * wei outweigh (one 16 KiB estimate at MASQ's default byte rates is about 10^12), so a retry could take the same exit
 * again. 2^120 is above any route's rate cost (12 hops of u64 rates for 16 KiB stay under 2^83) and above every
 * exit-location weight (priorities in steps of 2^100, other countries 2^110): an exit that failed is the last
 * choice, after the next priority and, with fallback routing, after other countries.
 */
export const DNS_PENALTY = 1n << 120n;
const PENALTY_MS = 10 * 60_000;
const MAX_REMEMBERED = 4096;
/** The payload a route's cost is estimated for, as MASQ estimates it: one 16 KiB read. */
const ESTIMATE_PAYLOAD = 16 * 1024;
/** Streams waiting for their back OPEN at once. */
const MAX_PENDING = 1024;

const FAILURE_OF: Record<Exclude<OpenOutcome, typeof OPEN_STATUS.ok>, FailureKind> = {
  [OPEN_STATUS.dns]: 'dns',
  [OPEN_STATUS.connect]: 'connect',
  [OPEN_STATUS.timeout]: 'timeout',
  [OPEN_STATUS.refusedPrivate]: 'refused-private',
};

type Outcome = { status: OpenOutcome } | { lost: 'timeout' | 'route'; detail: string };

interface Pending {
  end: StreamEnd;
  settle(o: Outcome): void;
}

const exitOf = (rt: RoundTrip): string => rt.over[rt.over.length - 1] as string;
/**
 * A stream's errors before the proxy takes it. Made once here: a closure made in attempt() would keep attempt's
 * whole scope (both route headers, the OPEN's body) alive for the stream's life.
 */
const ignore = (): undefined => undefined;

export class Originator {
  private readonly pending = new Map<string, Pending>();
  /** "host\nexit" for exits that could not resolve host. */
  private readonly badExits = new ExpiringSet(PENALTY_MS, MAX_REMEMBERED);
  private readonly avoided = new ExpiringSet(AVOID_MS, MAX_REMEMBERED);
  originating = 0;
  /** The exit of our last stream, so the log says where our traffic leaves only when that changes. */
  private lastExit = '';
  readonly connector: Connector = { open: (t, s, early) => this.open(t, s, early) };

  private readonly ready: ReadyRoutes | undefined;

  constructor(private readonly o: OriginatorOptions) {
    const ahead = o.ahead;
    this.ready = ahead && new ReadyRoutes({
      route: () => this.inSpareTurn('drawn', () => o.route({ payloadSize: ESTIMATE_PAYLOAD })),
      prepare: (rt) => this.inSpareTurn('sealed', () => this.prepare(rt)),
      ...ahead,
    });
  }

  /**
   * Work for a route made ahead has no request to fail: a hop's unusable key (a record can carry any X25519 point)
   * or any other error is told and the round trip left unmade, and a request meeting it fails as it always has.
   */
  private inSpareTurn<T>(what: string, f: () => T | undefined): T | undefined {
    try {
      return f();
    } catch (e) {
      const message = `A route made ahead could not be ${what}: ${describeError(e)}`;
      if (e instanceof MasqError) this.o.log.debug(message);
      else this.o.log.warn(message);
      return undefined;
    }
  }

  private prepare(rt: OwnRoute): PreparedRoute | undefined {
    return prepareRoute(rt, (key) => this.o.payer.slotFor(key), this.o.ephemeral);
  }

  /** A ready round trip that suits this target (its exit resolved the host before, it avoids no Node we avoid now), or one drawn and sealed now. */
  private pickRoute(target: Target): PreparedRoute | undefined {
    const exitPenalty = (key: string): bigint => (this.badExits.has(`${target.host}\n${key}`) ? DNS_PENALTY : 0n);
    const avoid = this.avoided.current();
    const ready = this.ready?.take((rt) => exitPenalty(exitOf(rt)) === 0n && ![...rt.over, ...rt.back].some((n) => avoid.has(n)));
    if (ready) return ready;
    const q = { payloadSize: ESTIMATE_PAYLOAD, exitPenalty };
    const rt = (avoid.size > 0 ? this.o.route({ ...q, avoid }) : undefined) ?? this.o.route(q);
    if (!rt) return undefined;
    const prepared = this.prepare(rt);
    if (!prepared) throw new StreamFailure('payment', target, 'this Node has no consuming wallet to pay the route with');
    return prepared;
  }

  private async open(target: Target, signal: AbortSignal, early?: Buffer): Promise<MeshDuplex> {
    let dnsLeft = DNS_RETRIES;
    let routesLeft = ROUTE_RETRIES;
    for (;;) {
      if (signal.aborted) throw new StreamFailure('connect', target, 'the client left');
      const prepared = this.pickRoute(target);
      if (!prepared) throw this.noRoute(target);
      const rt = prepared.rt;
      const { duplex, end, outcome } = await this.attempt(prepared, target, signal, early);
      if ('status' in outcome && outcome.status === OPEN_STATUS.ok) {
        this.originating++;
        duplex.once('close', () => this.originating--);
        this.exitIn(rt);
        end.once('closed', () => this.o.charge?.(rt, end.bytesSent, end.bytesReceived));
        return duplex;
      }
      duplex.destroy();
      const exit = exitOf(rt);
      if ('status' in outcome) {
        const kind = FAILURE_OF[outcome.status as keyof typeof FAILURE_OF];
        if (kind !== 'dns') throw new StreamFailure(kind, target, `the exit ${exit.slice(0, 12)} could not open ${formatTarget(target)}: ${kind}`);
        this.badExits.add(`${target.host}\n${exit}`);
        if (dnsLeft-- > 0) continue;
        throw new StreamFailure('dns', target, `exits could not resolve ${target.host}`);
      }
      this.o.log.debug(`Route to ${formatTarget(target)} through ${rt.over.length - 1} hops failed: ${outcome.detail}`);
      for (const n of [...rt.over.slice(1), ...rt.back.slice(1, -1)]) this.avoided.add(n);
      if (routesLeft-- > 0) continue;
      throw new StreamFailure(outcome.lost, target, `routes to ${formatTarget(target)} failed: ${outcome.detail}`);
    }
  }

  private noRoute(target: Target): StreamFailure {
    const countries = this.o.requiredExitCountries?.();
    if (countries && countries.length > 0) {
      return new StreamFailure('exit-country', target, `no route to an exit in ${countries.join(', ')} for ${formatTarget(target)}`, countries.join(', '));
    }
    return new StreamFailure('route', target, `no route to an exit for ${formatTarget(target)}`);
  }

  /** Tells the user (only about their own streams: relayed ones never reach here) where their traffic leaves. */
  private exitIn(rt: OwnRoute): void {
    const exit = exitOf(rt);
    if (exit === this.lastExit) return;
    this.lastExit = exit;
    this.o.log.info(`Your traffic now exits in ${rt.exitCountry} through Node ${shortKey(exit)}`);
  }

  /** One try over one round trip: the stream and what became of its OPEN. */
  private async attempt(p: PreparedRoute, target: Target, signal: AbortSignal, early: Buffer | undefined): Promise<{ duplex: MeshDuplex; end: StreamEnd; outcome: Outcome }> {
    const { rt, over, back, token } = p;
    const exitKeys = over.keys[over.keys.length - 1] as HopKeys;
    const layerKeys = (ks: HopKeys[]): Buffer[] => ks.slice(0, -1).map((k) => k.layer);
    const end = new StreamEnd(this.o.sw, {
      sendKey: exitKeys.request,
      sendLayers: layerKeys(over.keys),
      recvKey: exitKeys.response,
      recvLayers: layerKeys(back.keys),
    }, INITIAL_WINDOW, INITIAL_WINDOW);
    // The Duplex exists before OPEN goes out: cells right behind the answer must find their reader. Until the proxy
    // takes it, an error has no one else to go to.
    const duplex = new MeshDuplex(end, true);
    duplex.on('error', ignore);
    const first = rt.over[1] as string;
    const body = end.openBody(openRequestCodec.encode({
      host: target.host,
      port: target.port,
      backHeader: back.header,
      backFirst: Buffer.from(rt.back[1] as string, 'hex'),
      window: INITIAL_WINDOW,
    }));
    try {
      await this.o.sw.transport.ensure(first);
    } catch (e) {
      return { duplex, end, outcome: { lost: 'route', detail: `cannot reach ${first.slice(0, 12)}: ${describeError(e)}` } };
    }
    if (this.pending.size >= MAX_PENDING) return { duplex, end, outcome: { lost: 'route', detail: 'too many streams opening' } };
    const circuit = end.bindOut(first);
    if (circuit === undefined) return { duplex, end, outcome: { lost: 'route', detail: 'too many circuits' } };
    const key = token.toString('hex');
    const outcome = await new Promise<Outcome>((resolve) => {
      const settle = (o: Outcome): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        end.removeListener('closed', onClosed);
        end.removeListener('answer', onAnswer);
        this.pending.delete(key);
        resolve(o);
      };
      const timer = setTimeout(() => settle({ lost: 'timeout', detail: `no answer within ${this.o.openTimeoutMs} ms` }), this.o.openTimeoutMs);
      const onAbort = (): void => settle({ lost: 'route', detail: 'the client left' });
      const onClosed = (reason: DestroyReason): void => settle({ lost: 'route', detail: describeReason(reason) });
      // The exit's outcome, when its back-route OPEN came while it was still connecting.
      const onAnswer = (status: OpenOutcome): void => settle({ status });
      signal.addEventListener('abort', onAbort, { once: true });
      end.once('closed', onClosed);
      end.once('answer', onAnswer);
      this.pending.set(key, { end, settle });
      if (!this.o.sw.send(first, { type: CELL_TYPE.open, circuit, header: over.header, body })) {
        settle({ lost: 'route', detail: `the link to ${first.slice(0, 12)} went down` });
      } else if (early && early.length > 0) {
        // Optimistic data, as Tor's: the client's first bytes follow the OPEN at once, and the exit holds them
        // until the target answers. A failed attempt loses them with its stream; the next one sends them again.
        duplex.write(early);
      }
    });
    if (signal.aborted) {
      duplex.destroy();
      throw new StreamFailure('connect', target, 'the client left');
    }
    return { duplex, end, outcome };
  }

  /** The back-route's OPEN for one of our streams, with the exit's answer. */
  backOpen(o: OpenedCircuit): void {
    const p = this.pending.get(o.record.token.toString('hex'));
    if (!p) return this.o.sw.destroy(o.from, o.circuit, DESTROY_REASON.protocol);
    if (!p.end.bindIn(o.from, o.circuit)) {
      this.o.sw.destroy(o.from, o.circuit, DESTROY_REASON.full);
      return p.settle({ lost: 'route', detail: 'too many circuits' });
    }
    let status: OpenStatus;
    try {
      status = openAnswerCodec.decode(p.end.readOpenBody(o.body));
    } catch (e) {
      if (!(e instanceof MasqError)) throw e;
      return p.settle({ lost: 'route', detail: `the exit's answer did not open: ${e.message}` });
    }
    // Still connecting: the route stands and the stream waits, within its time, for the ANSWER cell.
    if (status !== OPEN_STATUS.connecting) p.settle({ status });
  }

  /** Fails every stream still opening (their ends are destroyed by the switch). */
  close(): void {
    this.ready?.close();
    for (const p of [...this.pending.values()]) p.settle({ lost: 'route', detail: 'the Node is closing' });
  }
}
