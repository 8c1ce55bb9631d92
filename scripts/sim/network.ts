// The simulated links: what src/neighborhood/peers.ts does over TCP and Noise, as events. A dial takes the TCP
// and Noise IK round trips of the pair's latency and fails at once (after a round trip) when nobody listens there:
// a Node behind NAT accepts no connections. Records arrive in order after the latency and their bytes at the
// link's rate; a closed link drops what is still in flight. Per-pair latencies are log-normal.
// Links can also drop without notice (a crash, a partition, a Node's address changing): each side then learns it only
// when its idle timeout fires, and what is sent meanwhile is lost. A partition cuts a set of Nodes from the rest:
// links across it drop so, and dials across it fail after the handshake timeout.

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
  /**
   * How long a side takes to notice a link that dropped without notice, ms: the Link's idle timeout (60 s, checked
   * every third of it), so between it and 4/3 of it.
   */
  idleTimeoutMs: number;
  /** How long a dial into silence (across a partition) takes to fail: the handshake timeout, ms. */
  handshakeTimeoutMs: number;
}

export const DEFAULT_LINK_MODEL: LinkModel = { medianLatencyMs: 40, latencySigma: 0.6, bytesPerMs: 1250, idleTimeoutMs: 60_000, handshakeTimeoutMs: 5000 };

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

/**
 * One link's identity: a record sent on an older link between the same pair is lost with it. A dead link carries
 * nothing more, though a side may not know yet.
 */
type Link = { readonly id: number; dead: boolean };

export class SimNetwork {
  private readonly byIp = new Map<string, Endpoint>();
  private readonly byKey = new Map<string, Endpoint>();
  private readonly links = new Map<string, Map<string, Link>>();
  private readonly dials = new Map<string, Map<string, ((peer: string | undefined) => void)[]>>();
  private readonly latencies = new Map<string, number>();
  private readonly lastArrival = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private sentTotal = 0;
  /** Where each Node is now (an address change moves it). */
  private readonly ips = new Map<string, string>();
  /** The Nodes cut from the rest, while a partition lasts. */
  private island: ReadonlySet<string> | undefined;
  private nextLink = 0;

  constructor(private readonly engine: Engine, private readonly random: Random, private readonly model: LinkModel, private readonly trace: (line: string) => void) {}

  /** A Node starting (or starting again: a restart is a new Endpoint with the same key). */
  add(e: Endpoint): void {
    this.byIp.set(e.ip, e);
    this.byKey.set(e.key, e);
    this.ips.set(e.key, e.ip);
    this.links.set(e.key, new Map());
    this.dials.set(e.key, new Map());
  }

  /** Bytes of records a Node has sent. */
  bytesSent(key: string): number {
    return this.sent.get(key) ?? 0;
  }

  /** Bytes of records all Nodes have sent so far. */
  bytesSentTotal(): number {
    return this.sentTotal;
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
    return this.ips.get(peer);
  }

  /** Whether a record sent from a to b now would arrive: both sides hold the same live link. */
  carries(a: string, b: string): boolean {
    const link = this.linksOf(a).get(b);
    return link !== undefined && !link.dead && this.linksOf(b).get(a) === link;
  }

  /** Links between a Node in `side` and one outside it. */
  linksAcross(side: ReadonlySet<string>): number {
    let n = 0;
    for (const k of side) for (const peer of this.linksOf(k).keys()) if (!side.has(peer) && this.carries(k, peer)) n++;
    return n;
  }

  /** A crash: the Node's links drop without notice; its peers notice after their idle timeout. */
  crash(key: string): void {
    this.trace(`${this.engine.elapsed()} crash ${key.slice(0, 8)}`);
    for (const peer of [...this.linksOf(key).keys()]) this.drop(key, peer, false);
  }

  /**
   * The Node at `key` has a new address (its router's changed): dials to the old one fail from now on, and its links
   * drop without notice on both sides (their packets go to an address nobody holds).
   */
  move(key: string, ip: string): void {
    const e = this.byKey.get(key);
    const old = this.ips.get(key);
    if (!e || old === undefined) return;
    this.trace(`${this.engine.elapsed()} move ${key.slice(0, 8)} ${ip}`);
    if (this.byIp.get(old) === e) this.byIp.delete(old);
    this.byIp.set(ip, e);
    this.ips.set(key, ip);
    for (const peer of [...this.linksOf(key).keys()]) this.drop(key, peer, true);
  }

  /** Cuts `side` from the rest until heal(): links across drop without notice, dials across time out. */
  partition(side: ReadonlySet<string>): void {
    this.trace(`${this.engine.elapsed()} partition ${side.size}`);
    this.island = side;
    for (const k of side) for (const peer of [...this.linksOf(k).keys()]) if (!side.has(peer)) this.drop(k, peer, true);
  }

  heal(): void {
    this.trace(`${this.engine.elapsed()} heal`);
    this.island = undefined;
  }

  private across(a: string, b: string): boolean {
    return this.island !== undefined && this.island.has(a) !== this.island.has(b);
  }

  /**
   * A link that drops without notice: dead at once (in-flight records are lost), forgotten by each side that is
   * still running after its idle timeout; a crashed side (`bothNotice` false) forgets it at once, silently.
   */
  private drop(key: string, peer: string, bothNotice: boolean): void {
    const link = this.linksOf(key).get(peer);
    if (!link) return;
    link.dead = true;
    const notice = (side: string, other: string): void => {
      const e = this.byKey.get(side);
      this.engine.after(this.model.idleTimeoutMs * (1 + this.random.next() / 3), () => {
        if (this.linksOf(side).get(other) !== link) return;
        this.linksOf(side).delete(other);
        this.trace(`${this.engine.elapsed()} timeout ${side.slice(0, 8)} ${other.slice(0, 8)}`);
        e?.linkDown(other);
      });
    };
    if (bothNotice) notice(key, peer);
    else this.linksOf(key).delete(peer);
    notice(peer, key);
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
    const fromIp = this.ips.get(from.key) ?? from.ip;
    if (to && this.across(from.key, to.key)) {
      this.trace(`${this.engine.elapsed()} unanswered ${from.key.slice(0, 8)} ${ip}`);
      this.engine.after(this.model.handshakeTimeoutMs, () => finish(undefined));
      return;
    }
    if (!to || !to.accepts || !to.key.startsWith(x25519Hex) || to.refuses(from.key, fromIp)) {
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

  /**
   * A link from a's side; one link per pair (as Peers keeps one), so a second handshake only confirms it. A side
   * still holding a dead link to the peer (it restarted before the idle timeout) takes the new one instead, with an
   * 'up' and no 'down', as Peers replaces it.
   */
  private open(a: Endpoint, b: Endpoint): void {
    const mine = this.linksOf(a.key);
    const theirs = this.linksOf(b.key).get(a.key);
    const held = mine.get(b.key);
    if (held && !held.dead) return;
    const link = theirs && !theirs.dead ? theirs : { id: this.nextLink++, dead: false };
    mine.set(b.key, link);
    this.trace(`${this.engine.elapsed()} up ${a.key.slice(0, 8)} ${b.key.slice(0, 8)}`);
    a.linkUp(b.key, this.ips.get(b.key) ?? b.ip);
  }

  /** Sends one record; false when no link is up (as PeerTransport.send). */
  send(from: Endpoint, to: string, kind: RecordKind, body: Buffer): boolean {
    const link = this.linksOf(from.key).get(to);
    const target = this.byKey.get(to);
    if (!link || !target) return false;
    this.sent.set(from.key, this.bytesSent(from.key) + body.length);
    this.sentTotal += body.length;
    const direction = `${from.key}>${to}`;
    const at = Math.max(this.engine.clock.now() + this.latency(from.key, to) + body.length / this.model.bytesPerMs, this.lastArrival.get(direction) ?? 0);
    this.lastArrival.set(direction, at);
    const fromIp = this.ips.get(from.key) ?? from.ip;
    this.engine.after(at - this.engine.clock.now(), () => {
      if (link.dead || this.linksOf(to).get(from.key) !== link) return;
      this.trace(`${this.engine.elapsed()} record ${kind} ${from.key.slice(0, 8)} ${to.slice(0, 8)} ${body.length}`);
      target.record(from.key, kind, body, fromIp);
    });
    return true;
  }

  /** Closes the pair's link: this side now, the other when the close reaches it. */
  disconnect(from: Endpoint, peer: string): void {
    const link = this.linksOf(from.key).get(peer);
    const other = this.byKey.get(peer);
    if (!link || !other) return;
    this.linksOf(from.key).delete(peer);
    // A dead link's other side learns it from its idle timeout, not from this close.
    if (link.dead) return;
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
