// What to do with a received Gossip (docs/MESH.md): records to store, neighbors to add, the reply to
// send, a Node to Debut to, or an offence to ban for. Pure: reads the database, never changes it; the service
// applies the decision.

import { byCodeUnits } from '../system/index.js';
import { DecodeError, gossipCodec, type NodeAddress, type NodeRecord, nodeRecordCodec, openRecord, type SignedRecord } from '../wire/index.js';
import type { Offence } from './bans.js';
import { type NeighborhoodDatabase, keyOf, sameRates } from './database.js';
import type { GossipFailure } from './gossip-failure.js';
import { type GossipKind, classifyGossip } from './gossip-kind.js';
import { passTarget } from './pass-target.js';
import { MAX_WALK_HOPS, type Walk, startWalk } from './walk.js';

/** Most half-neighbors a Node keeps (MASQ's MAX_DEGREE). */
export const MAX_DEGREE = 5;
/**
 * Fewest half-neighbors a Node should keep. A neighbor whose changed record lists fewer (it lost a neighbor that
 * was its bridge to the rest) is introduced to one of ours, so the mesh heals without anyone restarting.
 */
export const WANTED_DEGREE = 3;
/** A Pass to an address we re-Debuted to this recently is a loop (MASQ: PassLoopFound). */
export const PASS_MEMORY_MS = 60_000;
/** Most records the database takes; beyond it only known records are updated. */
export const MAX_DB_RECORDS = 2048;

export interface Opened {
  signed: SignedRecord;
  record: NodeRecord;
}

export interface AcceptorContext {
  db: NeighborhoodDatabase;
  chainId: number;
  localIp?: string;
  minHops: number;
  now: number;
  /** The linked peer the Gossip came from and the IP its link comes from. */
  source: { key: string; ip: string };
  /** IP → when we last re-Debuted there because of a Pass. */
  passTargets: ReadonlyMap<string, number>;
  /** The source already sent its own record on this link: an older one after that is stale, not a restart. */
  ownSeenOnLink: boolean;
  /** Whether we are linked to this IP already (a Pass there, not answering our Debut, would loop). */
  linkedTo(ip: string): boolean;
  /** Whether we are dialing this IP (we Debut there once the link is up). */
  dialing(ip: string): boolean;
  /** The Gossip answers a Debut we sent the source: the walk that reached it (walk.ts). */
  walk?: Walk;
  /** Decodes a record and checks its signature; openRecord by default (the simulator shares checks among its Nodes). */
  openRecord?: typeof openRecord;
  /** Draws in [0, 1): which of equally good Nodes a full Node passes a debutant to. */
  random(): number;
}

export type Reply =
  | { kind: 'introduction'; introducee: string }
  | { kind: 'debutBack' }
  | { kind: 'pass'; target: string }
  | { kind: 'failure'; reason: GossipFailure };

export interface Decision {
  kind: GossipKind['kind'] | 'undecodable';
  /** In order; `replace` drops the held record first (its owner restarted with a lower version). */
  store: { opened: Opened; replace: boolean }[];
  /** Keys to make our half-neighbors. */
  addNeighbors: string[];
  reply?: Reply;
  /** Send our Debut to this Node (dialing it), going on with `walk`. */
  debut?: { key: Buffer; address: NodeAddress; walk: Walk };
  /** Send our Debut to the source again, going on with `walk`: its Pass led back to where the walk had been. */
  debutAgain?: Walk;
  /** Remember this IP as a pass target. */
  passTarget?: string;
  /** Our database changed: send Standard Gossip to our neighbors. */
  broadcast: boolean;
  offence?: { offence: Offence; detail: string };
  /** Why nothing happened, for the debug log. */
  note?: string;
  /** The Gossip carried the source's own record (later older ones on this link are stale). */
  ownRecord?: boolean;
}

const nothing = (kind: Decision['kind'], note?: string): Decision => ({ kind, store: [], addNeighbors: [], broadcast: false, ...(note ? { note } : {}) });

const offended = (kind: Decision['kind'], offence: Offence, detail: string): Decision => ({ ...nothing(kind), offence: { offence, detail } });

/** Decodes, checks every signature, classifies and decides; never throws for any input. */
export function receiveGossip(body: Buffer, ctx: AcceptorContext): Decision {
  let signed: SignedRecord[];
  try {
    signed = gossipCodec.decode(body);
  } catch (e) {
    if (e instanceof DecodeError) return offended('undecodable', 'undecodableGossip', e.message);
    throw e;
  }
  const opened: Opened[] = [];
  for (const s of signed) {
    let record: NodeRecord;
    try {
      record = nodeRecordCodec.decode(s.signed);
    } catch (e) {
      if (e instanceof DecodeError) return offended('undecodable', 'undecodableGossip', e.message);
      throw e;
    }
    // Most Gossip repeats records we hold: the same bytes under the same signature were verified when we took them,
    // and signature checks are the bulk of a Node's Gossip work.
    const held = ctx.db.get(keyOf(record.publicKey));
    if (held && held.signed.signed.equals(s.signed) && held.signed.signature.equals(s.signature)) {
      opened.push({ signed: s, record: held.record });
      continue;
    }
    try {
      opened.push({ signed: s, record: (ctx.openRecord ?? openRecord)(ctx.chainId, s) });
    } catch (e) {
      // The record decoded above, so only its signature can be wrong: the whole Gossip goes (MASQ drops it too).
      if (e instanceof DecodeError) return offended('undecodable', 'forgedSignature', e.message);
      throw e;
    }
  }
  const kind = classifyGossip(opened.map((o) => ({ record: o.record, ...(o.signed.address ? { address: o.signed.address } : {}) })), {
    localKey: ctx.db.rootKey, ...(ctx.localIp ? { localIp: ctx.localIp } : {}), sourceIp: ctx.source.ip, sourceKey: ctx.source.key, known: (k) => ctx.db.get(k) !== undefined,
  });
  const ownRecord = opened.some((o) => keyOf(o.record.publicKey) === ctx.source.key);
  return { ...decide(opened, kind, ctx), ownRecord };
}

export function decide(records: readonly Opened[], gossip: GossipKind, ctx: AcceptorContext): Decision {
  switch (gossip.kind) {
    case 'malformed':
      return offended('malformed', 'malformedGossip', gossip.reason);
    case 'debut':
      return debut(records[0] as Opened, ctx);
    case 'pass':
      return pass(records[0] as Opened, gossip.target, ctx);
    case 'introduction':
      return introduction(records, gossip.introducer.record, gossip.introducee.record, gossip.introducee.address as NodeAddress, ctx);
    case 'standard':
      return standard(records, ctx);
  }
}

const degree = (db: NeighborhoodDatabase, key: string): number => db.halfNeighbors(key).length;

/** Least-connected first, then by key so every Node decides alike. */
function leastConnected(db: NeighborhoodDatabase, keys: readonly string[]): string | undefined {
  return [...keys].sort((a, b) => degree(db, a) - degree(db, b) || byCodeUnits(a, b))[0];
}

const reachable = (db: NeighborhoodDatabase, key: string): boolean => {
  const e = db.get(key);
  return e !== undefined && e.record.acceptsConnections && e.address !== undefined;
};

function debut(node: Opened, ctx: AcceptorContext): Decision {
  const { db } = ctx;
  const root = db.rootKey;
  const key = keyOf(node.record.publicKey);
  const ours = db.halfNeighbors(root);
  const theirs = new Set(node.record.neighbors.map(keyOf));
  const full = db.fullNeighbors(root).filter((k) => reachable(db, k));
  // A busier Node should not take what a well-connected but less busy neighbor can take instead.
  const better = leastConnected(db, full.filter((k) => degree(db, k) >= 3 && degree(db, k) < ours.length));
  if (better) return { ...nothing('debut'), reply: { kind: 'pass', target: better } };
  if (ours.length < MAX_DEGREE) {
    const accepted: Decision = { ...nothing('debut'), store: [{ opened: node, replace: false }], addNeighbors: [key], broadcast: true };
    // A debutant that already has neighbors will learn the rest from Standard Gossip.
    if (theirs.size > 0) return accepted;
    const introducee = leastConnected(db, full.filter((k) => k !== key && !theirs.has(k)));
    return { ...accepted, reply: introducee ? { kind: 'introduction', introducee } : { kind: 'debutBack' } };
  }
  const target = passTarget({
    db,
    candidates: ours.filter((k) => !theirs.has(k) && reachable(db, k)),
    avoid: new Set([root, key, ...theirs]),
    hasRoom: (k) => degree(db, k) < MAX_DEGREE && db.get(k)?.record.acceptsConnections === true,
    passable: (k) => db.get(k)?.record.acceptsConnections === true,
    random: ctx.random,
  });
  return { ...nothing('debut'), reply: target ? { kind: 'pass', target } : { kind: 'failure', reason: 'NoSuitableNeighbors' } };
}

function pass(target: Opened, address: NodeAddress, ctx: AcceptorContext): Decision {
  const walk = ctx.walk ?? startWalk(ctx.source.ip);
  const follow: Decision = { ...nothing('pass'), debut: { key: target.record.publicKey, address, walk: { hops: walk.hops + 1, visited: [...walk.visited, address.ip] } }, passTarget: address.ip };
  if (keyOf(target.record.publicKey) === ctx.db.rootKey || ctx.dialing(address.ip)) return nothing('pass', `PassLoopFound: already trying ${address.ip}`);
  // The answer to our own Debut while we have no way into the mesh: the walk goes on until its hops are spent. A
  // Pass back to where it has been asks the source again instead (it picks among equals at random), so the walk
  // keeps moving on rather than to and fro.
  if (ctx.walk !== undefined && meshNeighbors(ctx.db).length === 0) {
    if (walk.hops >= MAX_WALK_HOPS) return nothing('pass', `the walk ended after ${walk.hops} Passes`);
    return walk.visited.includes(address.ip) ? { ...nothing('pass'), debutAgain: { hops: walk.hops + 1, visited: walk.visited } } : follow;
  }
  // A Pass nobody asked for (a neighbor's Introduction by Pass, or anyone's) is followed as MASQ follows it.
  const last = ctx.passTargets.get(address.ip);
  if ((last !== undefined && ctx.now - last < PASS_MEMORY_MS) || ctx.linkedTo(address.ip)) return nothing('pass', `PassLoopFound: already tried ${address.ip}`);
  return follow;
}

function introduction(records: readonly Opened[], introducer: NodeRecord, introducee: NodeRecord, address: NodeAddress, ctx: AcceptorContext): Decision {
  const { db } = ctx;
  if (degree(db, db.rootKey) >= MAX_DEGREE) return nothing('introduction', `already ${MAX_DEGREE} neighbors`);
  const key = keyOf(introducer.publicKey);
  const opened = records.find((r) => r.record === introducer) as Opened;
  const result = storeOne(opened, ctx);
  if (result.offence) return { ...nothing('introduction'), offence: result.offence };
  return {
    ...nothing('introduction'),
    store: result.store ? [result.store] : [],
    addNeighbors: db.halfNeighbors(db.rootKey).includes(key) ? [] : [key],
    debut: { key: introducee.publicKey, address, walk: startWalk(address.ip) },
    broadcast: true,
  };
}

interface StoreOne {
  store?: { opened: Opened; replace: boolean };
  offence?: { offence: Offence; detail: string };
}

/** The database's update rules plus ours: restarts, stale own records and contradictions. */
function storeOne(o: Opened, ctx: AcceptorContext): StoreOne {
  const { db } = ctx;
  const key = keyOf(o.record.publicKey);
  const own = key === ctx.source.key;
  const held = db.get(key);
  if (!held) {
    // An unknown Node's address is believed only from the Node itself, at the address its link comes from.
    if (o.signed.address && !(own && o.signed.address.ip === ctx.source.ip)) return {};
    return db.size() < MAX_DB_RECORDS ? { store: { opened: o, replace: false } } : {};
  }
  if (own && o.record.version <= held.record.version && !o.signed.signed.equals(held.signed.signed)) {
    // Later on the same link it is stale, not an offence: the link proves the owner sent it, so nobody else replayed
    // it, and an owner's Gossip can overtake its own (two links racing while both ends dial). Banning for it cut
    // healthy Nodes off the mesh for ten minutes.
    if (ctx.ownSeenOnLink) return {};
    // The first own record on a new link is authoritative: its owner restarted and counts its versions afresh.
    return { store: { opened: o, replace: true } };
  }
  switch (db.check(o.signed, o.record)) {
    case 'added':
    case 'updated':
      return { store: { opened: o, replace: false } };
    case 'stale':
      return {};
    case 'conflict':
      if (!sameRates(o.record.ratePack, held.record.ratePack)) return { offence: { offence: 'contradictoryRecord', detail: 'its rate pack changed' } };
      // A newer record from its owner, over the owner's own authenticated link, with another address: the Node moved
      // (its router's public address changed). MASQ exits then (MASQ-Node-issues#499); here the new address wins.
      // A relayer's copy may just be older than ours, so it is taken without its address.
      if (own) return { store: { opened: o, replace: true } };
      return { store: { opened: { ...o, signed: { signed: o.signed.signed, signature: o.signed.signature } }, replace: false } };
  }
}

/** Keys within `hops` of us, edges taken both ways from the Gossip's records (preferred) and ours. */
export function patch(db: NeighborhoodDatabase, records: readonly Opened[], sourceKey: string, hops: number): Set<string> {
  const lists = new Map<string, string[]>();
  for (const k of db.keys()) lists.set(k, db.halfNeighbors(k));
  for (const r of records) lists.set(keyOf(r.record.publicKey), r.record.neighbors.map(keyOf));
  const adjacent = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    adjacent.set(a, (adjacent.get(a) ?? new Set()).add(b));
  };
  for (const [k, ns] of lists) for (const n of ns) {
    link(k, n);
    link(n, k);
  }
  // The source is linked to us, one hop away, whatever the records say yet.
  link(db.rootKey, sourceKey);
  const within = new Set([db.rootKey]);
  let frontier = [db.rootKey];
  for (let d = 0; d < hops && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const k of frontier) for (const n of adjacent.get(k) ?? []) {
      if (!within.has(n)) {
        within.add(n);
        next.push(n);
      }
    }
    frontier = next;
  }
  return within;
}

function standard(records: readonly Opened[], ctx: AcceptorContext): Decision {
  const { db } = ctx;
  const keep = patch(db, records, ctx.source.key, Math.max(3, ctx.minHops));
  const store: { opened: Opened; replace: boolean }[] = [];
  for (const o of records) {
    if (!keep.has(keyOf(o.record.publicKey))) continue;
    const r = storeOne(o, ctx);
    if (r.offence) return { ...nothing('standard'), offence: r.offence };
    if (r.store) store.push(r.store);
  }
  const ours = db.halfNeighbors(db.rootKey);
  const addNeighbors = !ours.includes(ctx.source.key) && ours.length < MAX_DEGREE ? [ctx.source.key] : [];
  const changed = store.find((s) => keyOf(s.opened.record.publicKey) === ctx.source.key)?.opened;
  const reply = changed ? introductionFor(changed, ctx) : undefined;
  return { ...nothing('standard'), store, addNeighbors, broadcast: store.length > 0 || addNeighbors.length > 0, ...(reply ? { reply } : {}) };
}

/** An Introduction for a source with fewer than WANTED_DEGREE neighbors, to our least connected one it lacks. */
function introductionFor(source: Opened, ctx: AcceptorContext): Reply | undefined {
  const introducee = introduceeFor(ctx.db, ctx.source.key, source.record.neighbors.map(keyOf));
  return introducee ? { kind: 'introduction', introducee } : undefined;
}

/** Our least connected reachable full neighbor that `key` (listing `theirs`) lacks, if it lists fewer than `below`. */
function introduceeFor(db: NeighborhoodDatabase, key: string, theirs: readonly string[], below = WANTED_DEGREE): string | undefined {
  // An introducer must give its own address (an Introduction without it is malformed).
  if (theirs.length >= below || !reachable(db, db.rootKey)) return undefined;
  const lacks = new Set(theirs);
  return leastConnected(db, db.fullNeighbors(db.rootKey).filter((k) => k !== key && !lacks.has(k) && reachable(db, k)));
}

/**
 * Our full neighbors that accept connections at an address we know: through them the rest of the mesh is reached.
 * A Node left with none (its neighbors all consume-only) is as cut off as one with no neighbor at all.
 */
export function meshNeighbors(db: NeighborhoodDatabase): string[] {
  return db.fullNeighbors(db.rootKey).filter((k) => reachable(db, k));
}

/**
 * A leaf (one neighbor) is owed a second. Not more: in a small network, every Node wanting WANTED_DEGREE would make
 * everyone everyone's neighbor, and an exit may not be the originator's neighbor, so no route would be left.
 */
export const LEAF_DEGREE = 2;

/**
 * Introductions our full neighbors that are leaves are owed. A Node that was a leaf all along never sends a changed
 * record, so the service asks this now and then: without it a star around us has no 3-hop route.
 */
export function introductionsDue(db: NeighborhoodDatabase): { to: string; introducee: string }[] {
  return db.fullNeighbors(db.rootKey).flatMap((to) => {
    const introducee = introduceeFor(db, to, db.halfNeighbors(to), LEAF_DEGREE);
    return introducee ? [{ to, introducee }] : [];
  });
}
