// The neighborhood database: every node record this Node knows, with MASQ's rules for accepting updates
// (docs/MESH.md, 'Kinds of Gossip'): versions only rise, the key and rate pack never change, an address once known
// is kept (only the acceptor replaces the record of a Node that restarted or moved). Pure: time is passed in. It is
// also the GraphView route selection reads.

import { byCodeUnits } from '../system/index.js';
import type { NodeAddress, NodeRecord, RatePack, SignedRecord } from '../wire/index.js';
import type { GraphView } from './routes.js';

export interface Entry {
  record: NodeRecord;
  /** The bytes and signature as received, forwarded unchanged. */
  signed: SignedRecord;
  address?: NodeAddress;
  lastUpdate: number;
}

export type UpdateResult = 'added' | 'updated' | 'stale' | 'conflict';

/**
 * Keys already made, by the Buffer they were made of: a record's key and its neighbors' keys are asked for over and
 * over (every Gossip received, every route search and cull), and hex-encoding them was the largest single cost of
 * taking a Gossip. Key Buffers are never written once made (a record is decoded into fresh copies and not changed
 * after), so the key of a Buffer seen before is the string made then; Maps keyed by it also hash it only once.
 */
const madeKeys = new WeakMap<Buffer, string>();

export function keyOf(publicKey: Buffer): string {
  let key = madeKeys.get(publicKey);
  if (key === undefined) {
    key = publicKey.toString('hex');
    madeKeys.set(publicKey, key);
  }
  return key;
}

/** The first 8 characters of the key as a descriptor shows it: enough to tell Nodes apart in logs. */
export const shortKey = (key: string): string => Buffer.from(key, 'hex').subarray(0, 6).toString('base64url');

/** Records nobody references and not updated for this long are culled (MASQ: 30 s grace). */
export const CULL_GRACE_MS = 30_000;

/**
 * A record's neighbors as keys, made once per record (a record never changes): route searches and Gossip ask for
 * them over and over, and hex-encoding the keys was most of that work.
 */
const neighborKeys = new WeakMap<NodeRecord, readonly string[]>();

export class NeighborhoodDatabase implements GraphView {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly rootKey: string) {}

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  size(): number {
    return this.entries.size;
  }

  /** What update() would do with the record, without doing it. */
  check(signed: SignedRecord, record: NodeRecord): UpdateResult {
    const old = this.entries.get(keyOf(record.publicKey));
    if (!old) return 'added';
    if (record.version <= old.record.version) return 'stale';
    if (!sameRates(record.ratePack, old.record.ratePack)) return 'conflict';
    if (old.address && signed.address && !sameAddress(old.address, signed.address)) return 'conflict';
    return 'updated';
  }

  /** Adds or updates a record whose signature has already been checked. */
  update(signed: SignedRecord, record: NodeRecord, now: number): UpdateResult {
    const key = keyOf(record.publicKey);
    const old = this.entries.get(key);
    const result = this.check(signed, record);
    if (result === 'stale' || result === 'conflict') return result;
    const address = old?.address ?? signed.address;
    this.entries.set(key, { record, signed: { signed: signed.signed, signature: signed.signature }, ...(address ? { address } : {}), lastUpdate: now });
    return result;
  }

  /** Our own record is replaced whenever we re-sign it. */
  setRoot(signed: SignedRecord, record: NodeRecord, now: number): void {
    const old = this.entries.get(this.rootKey);
    const address = signed.address ?? old?.address;
    this.entries.set(this.rootKey, { record, signed, ...(address ? { address } : {}), lastUpdate: now });
  }

  /** A Node's address proven by a link we dialed there (its key answered): kept unless one is known already. */
  learnAddress(key: string, address: NodeAddress): void {
    const e = this.entries.get(key);
    if (e && !e.address && key !== this.rootKey) this.entries.set(key, { ...e, address });
  }

  /** Forgets a Node's address (its connection broke); the record stays until culled. */
  forgetAddress(key: string): void {
    const e = this.entries.get(key);
    if (e?.address) {
      const { address: _gone, ...rest } = e;
      this.entries.set(key, rest);
    }
  }

  remove(key: string): void {
    if (key !== this.rootKey) this.entries.delete(key);
  }

  halfNeighbors(key: string): string[] {
    return [...this.listed(key)];
  }

  fullNeighbors(key: string): string[] {
    return this.listed(key).filter((n) => this.listed(n).includes(key));
  }

  /** The keys a Node's record lists, not copied: only for reading here (a route search asks thousands of times). */
  private listed(key: string): readonly string[] {
    const record = this.entries.get(key)?.record;
    if (!record) return [];
    let keys = neighborKeys.get(record);
    if (!keys) {
      keys = record.neighbors.map(keyOf);
      neighborKeys.set(record, keys);
    }
    return keys;
  }

  routesData(key: string): boolean {
    return this.entries.get(key)?.record.routesData ?? false;
  }

  ratePack(key: string): RatePack {
    const r = this.entries.get(key)?.record.ratePack;
    if (!r) throw new Error(`unknown node ${key.slice(0, 16)}`);
    return r;
  }

  /** Drops records that no known record references and that have not been updated within the grace time. */
  cull(now: number): string[] {
    const referenced = new Set<string>([this.rootKey]);
    for (const e of this.entries.values()) for (const n of e.record.neighbors) referenced.add(keyOf(n));
    const gone = [...this.entries.entries()].filter(([k, e]) => !referenced.has(k) && now - e.lastUpdate > CULL_GRACE_MS).map(([k]) => k);
    for (const k of gone) this.entries.delete(k);
    return gone;
  }

  /**
   * Graphviz DOT of the database, for masq neighborhood-graph: short keys, versions, addresses, countries (in the
   * label for people, as an attribute for programs), edges.
   */
  toDot(countryOf: (key: string) => string): string {
    const lines = ['digraph db {'];
    for (const [k, e] of [...this.entries.entries()].sort(([a], [b]) => byCodeUnits(a, b))) {
      const country = countryOf(k);
      const label = [shortKey(k), `v${e.record.version}`, e.address ? `${e.address.ip}:${e.address.ports.join('/')}` : '', country].filter(Boolean).join('\\n');
      lines.push(`  "${shortKey(k)}" [label="${label}" country="${country}"${k === this.rootKey ? ' style=filled' : ''}${e.record.routesData ? '' : ' shape=box'}];`);
    }
    for (const [k, e] of [...this.entries.entries()].sort(([a], [b]) => byCodeUnits(a, b))) {
      for (const n of e.record.neighbors) lines.push(`  "${shortKey(k)}" -> "${shortKey(keyOf(n))}";`);
    }
    lines.push('}');
    return lines.join('\n');
  }
}

export function sameRates(a: RatePack, b: RatePack): boolean {
  return a.routingByteRate === b.routingByteRate && a.routingServiceRate === b.routingServiceRate && a.exitByteRate === b.exitByteRate && a.exitServiceRate === b.exitServiceRate;
}

function sameAddress(a: NodeAddress, b: NodeAddress): boolean {
  return a.ip === b.ip && a.ports.length === b.ports.length && a.ports.every((p, i) => p === b.ports[i]);
}
