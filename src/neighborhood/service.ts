// The Neighborhood: this Node's record, the links to its neighbors, Gossip in and out, bans, past neighbors and the
// connection stage (docs/MESH.md). The decisions are made by the pure acceptor and producer; this file does
// the I/O and keeps the state.

import { EventEmitter } from 'node:events';
import { keyPairFromPrivate, type NodeIdentity } from '../crypto/index.js';
import { type ExitLocation, type LinkMask, UNSET_EXIT_LOCATION } from '../config/index.js';
import { type Decoy, MAX_RECORD_BYTES as MAX_LINK_RECORD_BYTES, createDecoy } from '../link/index.js';
import { ReplayGuard, serverNameFor } from '../tls-mask/index.js';
import { type PeerTransport, RECORD_KINDS, type RecordKind } from '../mesh/index.js';
import { DecodeError, descriptorCodec, gossipCodec, type NodeAddress, type NodeRecord, type RatePack, type SignedRecord, type openRecord, signRecord } from '../wire/index.js';
import { BACKGROUND_TIMERS, type Clock, describeError, type Logger, SYSTEM_CLOCK, type Timers, unixSeconds } from '../system/index.js';
import { type Decision, MAX_DEGREE, PASS_MEMORY_MS, type Reply, introductionsDue, meshNeighbors, receiveGossip } from './acceptor.js';
import { Bans, type Offence, describeBan } from './bans.js';
import { NeighborhoodDatabase, keyOf, shortKey } from './database.js';
import { decodeGossipFailure, encodeGossipFailure } from './gossip-failure.js';
import { type PeerLinks, Peers, type PeersOptions } from './peers.js';
import { debutGossip, gossipFor, introductionGossip, passGossip } from './producer.js';
import { type RedialTarget, Redialer } from './redial.js';
import { AwaitedDebuts, type Walk, startWalk } from './walk.js';
import { type RoundTrip, findRoundTrip } from './routes.js';
import { cryptoRandom, marketChoice } from './route-choice.js';
import { type CountryLookup, type ExitReport, Exits } from './exits.js';
import { describeExitLocation } from './exit-countries.js';
import { UNKNOWN_COUNTRY } from '../geo/index.js';

export type ConnectionStage = 'NotConnected' | 'ConnectedToNeighbor' | 'RouteFound';
const STAGES: readonly ConnectionStage[] = ['NotConnected', 'ConnectedToNeighbor', 'RouteFound'];

export interface NeighborhoodOptions {
  identity: NodeIdentity;
  chain: string;
  chainId: number;
  mode: 'standard' | 'originate-only' | 'consume-only';
  /** Standard mode: our public IPv4, advertised in our record and descriptor (setPublicAddress changes it). */
  ip?: string;
  /** The port others reach us on, when a router maps another than the clandestine port. */
  advertisedPort?: number;
  /** Dial from `ip` (several Nodes on one host); only when `ip` is an address of this machine, not a router's. */
  dialFromIp?: boolean;
  clandestinePort: number;
  /** Default '0.0.0.0'. */
  listenHost?: string;
  earningWallet: Buffer;
  ratePack: RatePack;
  minHops: number;
  /** Descriptors from --neighbors, else past neighbors. */
  initialNeighbors: string[];
  savePastNeighbors(descriptors: string[]): Promise<void>;
  log: Logger;
  linkTimeouts?: { handshakeMs?: number; idleMs?: number };
  /** How links look on the wire (link-mask); plain by default. */
  linkMask?: LinkMask;
  banMs?: number;
  /** Decides bans, record versions and culls; SYSTEM_CLOCK by default. */
  clock?: Clock;
  /** Where our own routes should exit (exit-location); unset by default. */
  exitLocation?: ExitLocation;
  /** The country of an IP address (src/geo); every country unknown by default. */
  countryOf?: CountryLookup;
  // The seams the simulator (docs/SIMULATION.md) runs this class through; a Node leaves them unset.
  /** The links; TCP `Peers` by default. */
  makePeers?(o: PeersOptions): PeerLinks;
  /** The cull, upkeep and redial timers; BACKGROUND_TIMERS by default. */
  timers?: Timers;
  /**
   * The redial jitter and the choice among equally good Pass targets (Math.random by default), and the route choice
   * (crypto-random by default: route-choice.ts).
   */
  random?: () => number;
  /** Decodes a Gossip record and checks its signature; openRecord by default. */
  openRecord?: typeof openRecord;
}

/** A round trip for one of our own streams, with the country its exit is in. */
export type OwnRoute = RoundTrip & { exitCountry: string };

export const CULL_INTERVAL_MS = 60_000;
/**
 * How often a Node looks after its neighborhood: it introduces its neighbors that are leaves to one another, and
 * with no full neighbor that accepts connections it Debuts again (a Debut can go unanswered, nobody ever dials a
 * consume-only Node, and a Node whose neighbors are all consume-only reaches nothing through them).
 */
export const MAINTAIN_INTERVAL_MS = 10_000;
/** The payload size of the test route that decides RouteFound (as MASQ). */
export const PROBE_PAYLOAD_BYTES = 10_000;
const MAX_PASS_TARGETS = 256;
/** Known Nodes a Node that lost every neighbor Debuts to again. */
const REJOIN_TARGETS = 8;
const GOSSIP_BYTES = MAX_LINK_RECORD_BYTES - 1;

/** Runs `f` every `ms` (as setInterval) on `timers`; returns what stops it. */
function every(timers: Timers, ms: number, f: () => void): () => void {
  let handle: unknown;
  const tick = (): void => {
    handle = timers.setTimeout(tick, ms);
    f();
  };
  handle = timers.setTimeout(tick, ms);
  return () => timers.clearTimeout(handle);
}

export class Neighborhood extends EventEmitter<{ stage: [ConnectionStage] }> {
  readonly db: NeighborhoodDatabase;
  readonly publicKeyHex: string;
  readonly exits: Exits;
  private readonly peers: PeerLinks;
  private readonly bans: Bans;
  private readonly redial: Redialer;
  private readonly neighbors = new Set<string>();
  private readonly passTargets = new Map<string, number>();
  private readonly awaited = new AwaitedDebuts();
  /** Where we dialed each linked peer (at most one entry per link). */
  private readonly dialed = new Map<string, NodeAddress>();
  /** Peers that sent their own record on their current link. */
  private readonly ownSeen = new Set<string>();
  private readonly initial: { x25519: string; ip: string; port: number }[];
  private readonly initialRefusals = new Set<string>();
  private readonly stopCull: () => void;
  private readonly stopMaintain: () => void;
  private readonly decoy: Decoy | undefined;
  private readonly clock: Clock;
  private version: number;
  private minHops: number;
  /** Rises when the exit location or min-hops changes: part of every route's stamp. */
  private routeSettings = 0;
  private current: ConnectionStage = 'NotConnected';
  private lastFull = '';
  private closed = false;
  private address: NodeAddress | undefined;
  private earningWallet: Buffer;

  private constructor(private readonly o: NeighborhoodOptions) {
    super();
    this.clock = o.clock ?? SYSTEM_CLOCK;
    this.version = unixSeconds(this.clock);
    this.earningWallet = o.earningWallet;
    this.address = o.mode === 'standard' && o.ip ? { ip: o.ip, ports: [o.advertisedPort ?? o.clandestinePort] } : undefined;
    this.publicKeyHex = keyOf(o.identity.publicKey);
    this.db = new NeighborhoodDatabase(this.publicKeyHex);
    this.exits = new Exits(this.db, o.countryOf ?? (() => UNKNOWN_COUNTRY), o.exitLocation ?? UNSET_EXIT_LOCATION);
    this.bans = new Bans(o.banMs);
    this.minHops = o.minHops;
    this.initial = o.initialNeighbors.flatMap((text) => {
      try {
        const d = descriptorCodec.decode(text);
        return d.ip !== undefined && d.ports[0] !== undefined ? [{ x25519: d.key.toString('hex'), ip: d.ip, port: d.ports[0] }] : [];
      } catch (e) {
        o.log.warn(`Ignoring neighbor descriptor: ${describeError(e)}`);
        return [];
      }
    });
    const staticKeys = keyPairFromPrivate(o.identity.encryptionPrivate);
    const tls = (o.linkMask ?? 'plain') === 'tls';
    // Under the tls mask strangers on our port meet an HTTPS server for the name our dialers present.
    this.decoy = tls ? createDecoy(serverNameFor(o.identity.encryptionPublic), o.log) : undefined;
    const decoy = this.decoy;
    this.peers = (o.makePeers ?? ((p: PeersOptions) => new Peers(p)))({
      link: {
        staticKeys,
        ...(decoy ? { tls: { listener: { staticKeys, certificateBytes: decoy.certificateBytes, decoy: (s, seen, why) => decoy.take(s, seen, why), replays: new ReplayGuard(), clock: this.clock } } } : {}),
        publicKey: o.identity.publicKey,
        chainId: o.chainId,
        ...(o.linkTimeouts?.handshakeMs !== undefined ? { handshakeTimeoutMs: o.linkTimeouts.handshakeMs } : {}),
        ...(o.linkTimeouts?.idleMs !== undefined ? { idleTimeoutMs: o.linkTimeouts.idleMs } : {}),
        // Several Nodes may share a host: dial from the address our record advertises, as neighbors check it.
        clock: this.clock,
        ...(o.mode === 'standard' && o.ip && o.dialFromIp ? { localAddress: o.ip } : {}),
      },
      addressOf: (peer) => {
        const a = this.db.get(peer)?.address;
        return a?.ports[0] !== undefined ? { ip: a.ip, port: a.ports[0] } : undefined;
      },
      dialsTls: (x25519Hex) => {
        const known = this.db.keys().find((k) => k.startsWith(x25519Hex));
        return known !== undefined ? this.db.get(known)?.record.tlsLinks === true : tls;
      },
      refused: (key, ip) => (key !== undefined && this.bans.keyBanned(key, this.clock.now())) || this.bans.ipBanned(ip, this.clock.now()),
      offence: (key, ip, offence, detail) => this.punish(key, ip, offence, detail),
      log: o.log,
    });
    this.redial = new Redialer({
      attempt: (t) => this.debutTo(t),
      wanted: () => this.neighbors.size < MAX_DEGREE,
      onGiveUp: (t) => o.log.info(`Giving up redialing ${t.ip}:${t.port}`),
      ...(o.timers ? { timers: o.timers } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
    this.peers.on('up', (peer, ip) => this.linkUp(peer, ip));
    this.peers.on('down', (peer) => this.linkDown(peer));
    this.peers.on('record', (peer, kind, body, ip) => this.received(peer, kind, body, ip));
    const timers = o.timers ?? BACKGROUND_TIMERS;
    this.stopCull = every(timers, CULL_INTERVAL_MS, () => this.cull());
    this.stopMaintain = every(timers, MAINTAIN_INTERVAL_MS, () => this.maintain());
    this.resign();
  }

  /** Listens (standard mode), then dials the initial neighbors and Debuts to them. */
  static async start(o: NeighborhoodOptions): Promise<Neighborhood> {
    const n = new Neighborhood(o);
    if (o.mode === 'standard') {
      try {
        await n.peers.listen(o.listenHost ?? '0.0.0.0', o.clandestinePort);
      } catch (e) {
        await n.close();
        throw e;
      }
    }
    for (const i of n.initial) {
      const target = { ip: i.ip, port: i.port, x25519: Buffer.from(i.x25519, 'hex') };
      void n.debutTo(target).then((ok) => {
        if (!ok) n.redial.schedule(target);
      });
    }
    return n;
  }

  get transport(): PeerTransport {
    return this.peers;
  }

  stage(): ConnectionStage {
    return this.current;
  }

  descriptor(): string | undefined {
    if (!this.address) return undefined;
    return descriptorCodec.encode({ chain: this.o.chain, key: this.o.identity.encryptionPublic, ip: this.address.ip, ports: this.address.ports });
  }

  /**
   * A standard Node's public address changed (its router's, learned by port mapping): the record is signed again
   * with a new version and gossiped, so neighbors and their neighbors reach us at the new address.
   */
  setPublicAddress(ip: string, port: number): void {
    if (this.o.mode !== 'standard' || (this.address?.ip === ip && this.address.ports[0] === port)) return;
    this.address = { ip, ports: [port] };
    this.version++;
    this.resign();
    this.o.log.info(`Advertising ${this.descriptor() ?? ''}`);
    this.gossipAll();
  }

  /** A new earning wallet (generated or recovered while the Node runs): re-signed and gossiped, so payers book to it. */
  setEarningWallet(wallet: Buffer): void {
    if (this.earningWallet.equals(wallet)) return;
    this.earningWallet = wallet;
    this.version++;
    this.resign();
    this.o.log.info(`Advertising earning wallet 0x${wallet.toString('hex')}`);
    this.gossipAll();
  }

  graphDot(): string {
    return this.db.toDot((k) => this.exits.countryOf(k));
  }

  /** A round trip for one of our streams, its exit allowed by the exit location and best by its preferences, drawn among the near-cheapest (route-choice.ts). */
  route(q: { payloadSize: number; exitPenalty?(key: string): bigint; avoid?: ReadonlySet<string> }): OwnRoute | undefined {
    const exitPenalty = (k: string): bigint | undefined => {
      const p = this.exits.penalty(k);
      return p === undefined ? undefined : p + (q.exitPenalty?.(k) ?? 0n);
    };
    const choice = marketChoice(this.db, this.publicKeyHex, this.o.random ?? cryptoRandom);
    const rt = findRoundTrip(this.db, { ...q, exitPenalty, origin: this.publicKeyHex, minHops: this.minHops }, choice);
    return rt && { ...rt, exitCountry: this.exits.countryOf(rt.over[rt.over.length - 1] as string) };
  }

  /**
   * What a round trip was drawn from: the versions of its Nodes' records (a record lists the Node's neighbors and
   * whether it routes; its rate pack never changes) and the route settings. While it is unchanged, the round trip
   * is still a route of this database under these settings.
   */
  routeStamp(rt: RoundTrip): string {
    const versions = [...rt.over, ...rt.back].map((k) => this.db.get(k)?.record.version ?? 'gone');
    return `${this.routeSettings}:${versions.join(',')}`;
  }

  /** A new exit location for the routes that follow. */
  setExitLocation(loc: ExitLocation): void {
    this.routeSettings++;
    this.exits.setting = loc;
    this.o.log.info(describeExitLocation(loc));
    this.review();
  }

  /** The only countries our routes may exit in, when the setting limits them (no fallback routing). */
  requiredExitCountries(): readonly string[] | undefined {
    const loc = this.exits.setting;
    return loc.groups.length > 0 && !loc.fallback ? loc.groups.flat() : undefined;
  }

  /** The countries with exits we can reach, and the listed ones that have none. */
  exitReport(): ExitReport {
    return this.exits.report(this.publicKeyHex, this.minHops);
  }

  setMinHops(n: number): void {
    this.routeSettings++;
    this.minHops = n;
    this.review();
  }

  penalize(peer: string, reason: string): void {
    this.punish(peer, this.peers.ipOf(peer), 'misbehaviour', reason);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopCull();
    this.stopMaintain();
    this.redial.close();
    this.decoy?.close();
    await this.peers.close();
  }

  // ── our record ──

  private ourAddress(): NodeAddress | undefined {
    return this.address;
  }

  /** As MASQ: a Node declares the country of its public address in its record; nothing when unknown. */
  private ownCountry(): { countryCode?: string } {
    const country = this.address && this.o.countryOf ? this.o.countryOf(this.address.ip) : UNKNOWN_COUNTRY;
    return country === UNKNOWN_COUNTRY ? {} : { countryCode: country };
  }

  private resign(): void {
    const record: NodeRecord = {
      publicKey: this.o.identity.publicKey,
      version: this.version,
      earningWallet: this.earningWallet,
      ratePack: this.o.ratePack,
      acceptsConnections: this.o.mode === 'standard',
      routesData: this.o.mode !== 'consume-only',
      neighbors: [...this.neighbors].map((k) => Buffer.from(k, 'hex')),
      ...(this.o.linkMask === 'tls' ? { tlsLinks: true } : {}),
      ...this.ownCountry(),
    };
    const signed = signRecord(this.o.identity, this.o.chainId, record);
    const address = this.ourAddress();
    this.db.setRoot({ ...signed, ...(address ? { address } : {}) }, record, this.clock.now());
  }

  /** Adds or drops a half-neighbor; true when our record changed (and was re-signed with a new version). */
  private setNeighbor(peer: string, on: boolean): boolean {
    if (on === this.neighbors.has(peer) || (on && this.neighbors.size >= MAX_DEGREE)) return false;
    if (on) this.neighbors.add(peer);
    else this.neighbors.delete(peer);
    this.version++;
    this.resign();
    return true;
  }

  // ── gossip out ──

  private sendGossip(peer: string, records: SignedRecord[]): void {
    if (records.length > 0) this.peers.send(peer, RECORD_KINDS.gossip, gossipCodec.encode(records));
  }

  /** Standard Gossip to every half-neighbor, dialing those not linked. */
  private gossipAll(): void {
    for (const n of this.neighbors) {
      if (this.peers.isLinked(n)) {
        this.sendGossip(n, gossipFor(this.db, n, GOSSIP_BYTES));
        continue;
      }
      this.peers.ensure(n).then(
        () => this.sendGossip(n, gossipFor(this.db, n, GOSSIP_BYTES)),
        (e: unknown) => this.o.log.debug(`Cannot gossip to ${shortKey(n)}: ${describeError(e)}`),
      );
    }
  }

  /** Links to a Node and sends it our Debut, a step of `walk` (walk.ts); true when the link came up. */
  private async debutTo(t: RedialTarget, walk: Walk = startWalk(t.ip)): Promise<boolean> {
    try {
      const peer = await this.peers.dial(t.ip, t.port, t.x25519);
      // Our own dial proved where it listens: its address need not wait for its Gossip to reveal it.
      this.dialed.set(peer, { ip: t.ip, ports: [t.port] });
      this.db.learnAddress(peer, { ip: t.ip, ports: [t.port] });
      this.o.log.debug(`Debut to ${shortKey(peer)} at ${t.ip}:${t.port}`);
      this.sendDebut(peer, walk);
      return true;
    } catch (e) {
      this.o.log.debug(`Cannot reach ${t.ip}:${t.port}: ${describeError(e)}`);
      return false;
    }
  }

  /** Our Debut over the link to `peer`, whose answer goes on with `walk`. */
  private sendDebut(peer: string, walk: Walk): void {
    this.sendGossip(peer, debutGossip(this.db));
    this.awaited.sent(peer, walk, this.clock.now());
  }

  private reply(peer: string, r: Reply): void {
    switch (r.kind) {
      case 'introduction':
        this.o.log.debug(`Introducing ${shortKey(peer)} to ${shortKey(r.introducee)}`);
        return this.sendGossip(peer, introductionGossip(this.db, r.introducee));
      case 'debutBack':
        return this.sendGossip(peer, debutGossip(this.db));
      case 'pass':
        this.o.log.debug(`Passing ${shortKey(peer)} to ${shortKey(r.target)}`);
        return this.sendGossip(peer, passGossip(this.db, r.target));
      case 'failure':
        this.o.log.debug(`Refusing the Debut of ${shortKey(peer)}: ${r.reason}`);
        this.peers.send(peer, RECORD_KINDS.gossipFailure, encodeGossipFailure(r.reason));
    }
  }

  // ── links ──

  private linkUp(peer: string, ip: string): void {
    this.ownSeen.delete(peer);
    this.redial.cancel(peer.slice(0, 64));
    // A Node we know linking again is a neighbor coming back.
    if (this.db.get(peer) && this.setNeighbor(peer, true)) {
      this.o.log.debug(`${shortKey(peer)} at ${ip} is back`);
      this.gossipAll();
      this.review();
    }
  }

  private linkDown(peer: string): void {
    this.ownSeen.delete(peer);
    this.awaited.forget(peer);
    this.dialed.delete(peer);
    const a = this.db.get(peer)?.address;
    const wasNeighbor = this.setNeighbor(peer, false);
    this.db.forgetAddress(peer);
    if (wasNeighbor) {
      this.o.log.info(`Lost the link to neighbor ${shortKey(peer)}`);
      this.gossipAll();
      if (a?.ports[0] !== undefined) this.redial.schedule({ ip: a.ip, port: a.ports[0], x25519: Buffer.from(peer.slice(0, 64), 'hex') });
      if (this.neighbors.size === 0) this.rejoin(peer);
    }
    this.review();
  }

  /**
   * The last neighbor is gone, or none ever came: waiting could leave this Node cut off for good (a consume-only
   * Node is never dialed). It Debuts again to the Nodes it knows an address of, the initial neighbors first.
   */
  private rejoin(lost?: string): void {
    const known = this.db.keys().flatMap((k) => {
      const at = this.db.get(k)?.address;
      return k !== lost && k !== this.publicKeyHex && at?.ports[0] !== undefined ? [{ x25519: k.slice(0, 64), ip: at.ip, port: at.ports[0] }] : [];
    });
    const seen = new Set<string>(lost !== undefined ? [lost.slice(0, 64)] : []);
    const targets = [...this.initial, ...known].filter((t) => !seen.has(t.x25519) && seen.add(t.x25519)).slice(0, REJOIN_TARGETS);
    if (targets.length === 0) return;
    // Said once when the last neighbor goes; the retries while nobody answers would only fill the log.
    if (lost !== undefined) this.o.log.info(`Lost every neighbor: Debuting again to ${targets.length} known Node(s)`);
    else this.o.log.debug(`Still no neighbor: Debuting again to ${targets.length} known Node(s)`);
    for (const t of targets) {
      const target = { ip: t.ip, port: t.port, x25519: Buffer.from(t.x25519, 'hex') };
      void this.debutTo(target).then((ok) => {
        if (!ok) this.redial.schedule(target);
      });
    }
  }

  private maintain(): void {
    if (this.closed) return;
    if (meshNeighbors(this.db).length === 0) {
      if (!this.peers.dialingAny()) this.rejoin();
      if (this.db.fullNeighbors(this.publicKeyHex).length === 0) return;
    }
    // Sent as a Pass: the neighbor most likely knows the record already (Standard Gossip carries it), and a Gossip
    // about a known Node is no Introduction; a Pass makes it Debut there all the same.
    for (const { to, introducee } of introductionsDue(this.db)) {
      if (!this.peers.isLinked(to)) continue;
      this.o.log.debug(`Passing ${shortKey(to)}, short of neighbors, to ${shortKey(introducee)}`);
      this.sendGossip(to, passGossip(this.db, introducee));
    }
  }

  private received(peer: string, kind: RecordKind, body: Buffer, ip: string): void {
    if (this.closed) return;
    if (kind === RECORD_KINDS.gossip) this.gossipIn(peer, body, ip);
    else if (kind === RECORD_KINDS.gossipFailure) this.failureIn(peer, body, ip);
  }

  private failureIn(peer: string, body: Buffer, ip: string): void {
    let reason: string;
    try {
      reason = decodeGossipFailure(body);
    } catch (e) {
      if (e instanceof DecodeError) return this.punish(peer, ip, 'undecodableGossip', e.message);
      throw e;
    }
    this.awaited.answered(peer, this.clock.now());
    this.o.log.info(`${shortKey(peer)} at ${ip} turned our Debut down: ${reason}`);
    const x = peer.slice(0, 64);
    if (!this.initial.some((i) => i.x25519 === x)) return;
    this.initialRefusals.add(x);
    if (this.initialRefusals.size === new Set(this.initial.map((i) => i.x25519)).size) {
      this.o.log.error('None of the Nodes listed in the --neighbors parameter could accept your Debut');
    }
  }

  private gossipIn(peer: string, body: Buffer, ip: string): void {
    const walk = this.awaited.answered(peer, this.clock.now());
    const d = receiveGossip(body, {
      db: this.db,
      chainId: this.o.chainId,
      ...(this.address ? { localIp: this.address.ip } : {}),
      minHops: this.minHops,
      now: this.clock.now(),
      source: { key: peer, ip },
      passTargets: this.passTargets,
      ownSeenOnLink: this.ownSeen.has(peer),
      linkedTo: (target) => this.peers.linked().some((k) => this.peers.ipOf(k) === target),
      dialing: (target) => this.peers.dialing(target),
      ...(walk ? { walk } : {}),
      ...(this.o.openRecord ? { openRecord: this.o.openRecord } : {}),
      random: this.o.random ?? Math.random,
    });
    this.apply(peer, ip, d);
  }

  private apply(peer: string, ip: string, d: Decision): void {
    if (d.offence) return this.punish(peer, ip, d.offence.offence, d.offence.detail);
    if (d.ownRecord) this.ownSeen.add(peer);
    this.o.log.debug(`${d.kind} Gossip from ${shortKey(peer)} at ${ip}: ${d.store.length} record(s)${d.note ? `; ${d.note}` : ''}`);
    const now = this.clock.now();
    for (const s of d.store) {
      if (s.replace) this.db.remove(keyOf(s.opened.record.publicKey));
      this.db.update(s.opened.signed, s.opened.record, now);
    }
    for (const s of d.store) {
      const k = keyOf(s.opened.record.publicKey);
      const at = this.dialed.get(k);
      if (at) this.db.learnAddress(k, at);
    }
    for (const k of d.addNeighbors) this.setNeighbor(k, true);
    if (d.reply) this.reply(peer, d.reply);
    if (d.passTarget !== undefined) this.rememberPass(d.passTarget, now);
    if (d.debut?.address.ports[0] !== undefined) {
      void this.debutTo({ ip: d.debut.address.ip, port: d.debut.address.ports[0], x25519: d.debut.key.subarray(0, 32) }, d.debut.walk);
    }
    if (d.debutAgain) this.sendDebut(peer, d.debutAgain);
    if (d.broadcast) this.gossipAll();
    this.review();
  }

  private rememberPass(ip: string, now: number): void {
    for (const [k, at] of this.passTargets) if (now - at >= PASS_MEMORY_MS || this.passTargets.size >= MAX_PASS_TARGETS) this.passTargets.delete(k);
    this.passTargets.set(ip, now);
  }

  private punish(key: string | undefined, ip: string | undefined, offence: Offence, detail: string): void {
    const now = this.clock.now();
    const ban = this.bans.offend({ ...(key !== undefined ? { key } : {}), ...(ip !== undefined ? { ip } : {}) }, offence, detail, now);
    if (!ban) {
      this.o.log.debug(`Offence by ${key ? shortKey(key) : ''} (${ip ?? '?'}): ${offence}: ${detail}`);
      return;
    }
    this.o.log.warn(describeBan(ban, now));
    if (key !== undefined) this.peers.disconnect(key);
  }

  // ── state ──

  /** After any change: persist a changed set of full neighbors, log new neighborships, move the stage. */
  private review(): void {
    if (this.closed) return;
    const full = this.db.fullNeighbors(this.publicKeyHex).sort();
    const joined = full.join(',');
    if (joined !== this.lastFull) {
      const before = new Set(this.lastFull.split(','));
      for (const k of full) if (!before.has(k)) this.o.log.info(`Established neighborship with ${shortKey(k)} at ${this.peers.ipOf(k) ?? 'an unknown address'}`);
      this.lastFull = joined;
      this.savePast(full);
    }
    const stage: ConnectionStage = full.length === 0
      ? 'NotConnected'
      // As MASQ: the stage is about the mesh, whatever exit location the user set (the proxy names the countries).
      : findRoundTrip(this.db, { payloadSize: PROBE_PAYLOAD_BYTES, origin: this.publicKeyHex, minHops: this.minHops }) ? 'RouteFound' : 'ConnectedToNeighbor';
    const rose = STAGES.indexOf(stage) > STAGES.indexOf(this.current);
    this.current = stage;
    if (rose) this.emit('stage', stage);
  }

  private savePast(full: string[]): void {
    const descriptors = full.flatMap((k) => {
      const a = this.db.get(k)?.address;
      return a ? [descriptorCodec.encode({ chain: this.o.chain, key: Buffer.from(k, 'hex').subarray(0, 32), ip: a.ip, ports: a.ports })] : [];
    });
    // Losing every neighbor (an outage, our own shutdown) must not erase what the next start joins through.
    if (descriptors.length === 0) return;
    this.o.savePastNeighbors(descriptors).then(
      () => this.o.log.info('Persisted neighbor changes for next run'),
      (e: unknown) => this.o.log.warn(`Could not persist the neighbors for the next run: ${describeError(e)}`),
    );
  }

  private cull(): void {
    const gone = this.db.cull(this.clock.now());
    if (gone.length > 0) this.o.log.debug(`Culled ${gone.length} record(s) nobody references`);
    // Links to Nodes that are not our neighbors either way only hold sockets open.
    for (const k of this.peers.linked()) {
      if (!this.neighbors.has(k) && !this.db.halfNeighbors(k).includes(this.publicKeyHex)) this.peers.disconnect(k);
    }
  }
}
