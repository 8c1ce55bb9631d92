// The simulated links: what src/neighborhood/peers.ts does over TCP and Noise, as events. A dial takes the TCP
// and Noise IK round trips of the pair's latency and fails at once (after a round trip) when nobody listens there:
// a Node behind NAT accepts no connections. Records arrive in order after the latency and their bytes at the
// link's rate; a closed link drops what is still in flight. Per-pair latencies are log-normal.

import type { RecordKind } from '../../src/mesh/index.js';
import type { Engine } from './engine.js';
import type { Random } from './random.js';

export interface LinkModel {
  /** Median one-way latency, ms. */
  medianLatencyMs: number;
  /** Shape of the log-normal (σ of its normal). */
  latencySigma: number;
  /** What a link carries per ms, bytes (1250 = 10 Mbit/s). */
  bytesPerMs: number;
}

export const DEFAULT_LINK_MODEL: LinkModel = { medianLatencyMs: 40, latencySigma: 0.6, bytesPerMs: 1250 };

/** What a Node shows the links: src/mesh PeerTransportEvents as calls, and its listener's rules. */
export interface Endpoint {
  readonly key: string;
  readonly ip: string;
  /** Listens for links (standard mode); false for Nodes behind NAT. */
  readonly accepts: boolean;
  refuses(key: string, ip: string): boolean;
  linkUp(peer: string, ip: string): void;
  linkDown(peer: string): void;
  record(peer: string, kind: RecordKind, body: Buffer, ip: string): void;
}

/** One link's identity: a record sent on an older link between the same pair is lost with it. */
type Link = { readonly id: number };

export class SimNetwork {
  private readonly byIp = new Map<string, Endpoint>();
  private readonly byKey = new Map<string, Endpoint>();
  private readonly links = new Map<string, Map<string, Link>>();
  private readonly dials = new Map<string, Map<string, ((peer: string | undefined) => void)[]>>();
  private readonly latencies = new Map<string, number>();
  private readonly lastArrival = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private nextLink = 0;

  constructor(private readonly engine: Engine, private readonly random: Random, private readonly model: LinkModel, private readonly trace: (line: string) => void) {}

  add(e: Endpoint): void {
    this.byIp.set(e.ip, e);
    this.byKey.set(e.key, e);
    this.links.set(e.key, new Map());
    this.dials.set(e.key, new Map());
  }

  /** Bytes of records a Node has sent. */
  bytesSent(key: string): number {
    return this.sent.get(key) ?? 0;
  }

  latency(a: string, b: string): number {
    const pair = a < b ? `${a}|${b}` : `${b}|${a}`;
    let ms = this.latencies.get(pair);
    if (ms === undefined) {
      ms = this.random.logNormal(this.model.medianLatencyMs, this.model.latencySigma);
      this.latencies.set(pair, ms);
    }
    return ms;
  }

  linked(key: string): string[] {
    return [...(this.linksOf(key).keys())];
  }

  isLinked(key: string, peer: string): boolean {
    return this.linksOf(key).has(peer);
  }

  dialing(key: string, ip: string): boolean {
    return this.dialsOf(key).has(ip);
  }

  dialingAny(key: string): boolean {
    return this.dialsOf(key).size > 0;
  }

  ipOf(peer: string): string | undefined {
    return this.byKey.get(peer)?.ip;
  }

  /** Dials `ip`, expecting the Node whose X25519 key is `x25519Hex`; `done` hears its key, or undefined. */
  dial(from: Endpoint, ip: string, x25519Hex: string, done: (peer: string | undefined) => void): void {
    const waiting = this.dialsOf(from.key);
    const under = waiting.get(ip);
    if (under) {
      under.push(done);
      return;
    }
    waiting.set(ip, [done]);
    const finish = (peer: string | undefined): void => {
      const callbacks = waiting.get(ip) ?? [];
      waiting.delete(ip);
      for (const c of callbacks) c(peer);
    };
    const to = this.byIp.get(ip);
    if (!to || !to.accepts || !to.key.startsWith(x25519Hex) || to.refuses(from.key, from.ip)) {
      this.trace(`${this.engine.elapsed()} refused ${from.key.slice(0, 8)} ${ip}`);
      this.engine.after(2 * this.model.medianLatencyMs, () => finish(undefined));
      return;
    }
    const lat = this.latency(from.key, to.key);
    // TCP's SYN and SYN-ACK, then Noise IK's two messages: the listener holds a link after three latencies, the dialer after four.
    this.engine.after(3 * lat, () => this.open(to, from));
    this.engine.after(4 * lat, () => {
      this.open(from, to);
      finish(this.isLinked(from.key, to.key) ? to.key : undefined);
    });
  }

  /** A link from a's side; one link per pair (as Peers keeps one), so a second handshake only confirms it. */
  private open(a: Endpoint, b: Endpoint): void {
    const mine = this.linksOf(a.key);
    if (mine.has(b.key)) return;
    const link = this.linksOf(b.key).get(a.key) ?? { id: this.nextLink++ };
    mine.set(b.key, link);
    this.trace(`${this.engine.elapsed()} up ${a.key.slice(0, 8)} ${b.key.slice(0, 8)}`);
    a.linkUp(b.key, b.ip);
  }

  /** Sends one record; false when no link is up (as PeerTransport.send). */
  send(from: Endpoint, to: string, kind: RecordKind, body: Buffer): boolean {
    const link = this.linksOf(from.key).get(to);
    const target = this.byKey.get(to);
    if (!link || !target) return false;
    this.sent.set(from.key, this.bytesSent(from.key) + body.length);
    const direction = `${from.key}>${to}`;
    const at = Math.max(this.engine.clock.now() + this.latency(from.key, to) + body.length / this.model.bytesPerMs, this.lastArrival.get(direction) ?? 0);
    this.lastArrival.set(direction, at);
    this.engine.after(at - this.engine.clock.now(), () => {
      if (this.linksOf(to).get(from.key) !== link) return;
      this.trace(`${this.engine.elapsed()} record ${kind} ${from.key.slice(0, 8)} ${to.slice(0, 8)} ${body.length}`);
      target.record(from.key, kind, body, from.ip);
    });
    return true;
  }

  /** Closes the pair's link: this side now, the other when the close reaches it. */
  disconnect(from: Endpoint, peer: string): void {
    const link = this.linksOf(from.key).get(peer);
    const other = this.byKey.get(peer);
    if (!link || !other) return;
    this.linksOf(from.key).delete(peer);
    this.trace(`${this.engine.elapsed()} down ${from.key.slice(0, 8)} ${peer.slice(0, 8)}`);
    from.linkDown(peer);
    this.engine.after(this.latency(from.key, peer), () => {
      if (this.linksOf(peer).get(from.key) !== link) return;
      this.linksOf(peer).delete(from.key);
      other.linkDown(from.key);
    });
  }

  private linksOf(key: string): Map<string, Link> {
    return this.links.get(key) ?? new Map();
  }

  private dialsOf(key: string): Map<string, ((peer: string | undefined) => void)[]> {
    return this.dials.get(key) ?? new Map();
  }
}
