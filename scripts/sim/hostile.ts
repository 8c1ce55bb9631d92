// Hostile behaviour the real Neighborhood cannot be made to do through its options. A hostile Node is the real class
// (its cheap rate pack is only an option); this module adds what colluders do beyond it, within what signatures
// allow: each signs only records of the colluders (they share their keys), never another Node's.
//  - A forged clique: every colluder's record leaves a colluder re-signed to list the other colluders as neighbors.
//    src/neighborhood/database.ts counts two Nodes as full neighbors when each record lists the other, so every
//    database sees a densely connected clique, though no link joins its members.
//  - An eclipse: colluders link to one victim again and again and send it their record, so whenever it has room
//    for a neighbor (the acceptor adds any linked Node that gossips to it then), a colluder takes it.

import type { NodeIdentity } from '../../src/crypto/index.js';
import { RECORD_KINDS, type RecordKind } from '../../src/mesh/index.js';
import { MAX_DEGREE, type PeerLinks, type PeersOptions, keyOf } from '../../src/neighborhood/index.js';
import { MAX_NEIGHBORS, type SignedRecord, gossipCodec, nodeRecordCodec, signRecord } from '../../src/wire/index.js';
import { SimLinks } from './links.js';
import type { SimNetwork } from './network.js';
import { SIM_PORT, type SimNode } from './node.js';

/** Colluders a forged record lists beside the real neighbors, within the record codec's bound. */
const MAX_LISTED = MAX_NEIGHBORS - MAX_DEGREE;
/** Forged records remembered (by the honest signature they replace); beyond it the memo starts afresh. */
const MAX_REMEMBERED = 1 << 16;
/** How often each colluder tries the victim again. */
export const ECLIPSE_EVERY_MS = 10_000;

/** A colluder's links: SimLinks whose outgoing Gossip carries the colluders' records forged. */
class ForgingLinks extends SimLinks {
  constructor(ip: string, net: SimNetwork, p: PeersOptions, private readonly collusion: Collusion) {
    super(ip, net, p);
  }

  override send(peer: string, kind: RecordKind, body: Buffer | readonly Buffer[]): boolean {
    if (kind !== RECORD_KINDS.gossip) return super.send(peer, kind, body);
    return super.send(peer, kind, this.collusion.rewrite(Buffer.isBuffer(body) ? body : Buffer.concat(body)));
  }
}

export class Collusion {
  private readonly identities = new Map<string, NodeIdentity>();
  private readonly links = new Map<string, SimLinks>();
  /** Signature (base64) of a record as its owner's Neighborhood signed it → what colluders send instead. */
  private readonly forged = new Map<string, SignedRecord | null>();

  constructor(private readonly chainId: number, private readonly clique: boolean) {}

  has(key: string): boolean {
    return this.identities.has(key);
  }

  /** A new colluder: the factory of its links (SimNodeOptions.links). */
  enlist(identity: NodeIdentity): (ip: string, net: SimNetwork, p: PeersOptions) => PeerLinks {
    const key = keyOf(identity.publicKey);
    this.identities.set(key, identity);
    return (ip, net, p) => {
      const l = new ForgingLinks(ip, net, p, this);
      this.links.set(key, l);
      return l;
    };
  }

  /** A Gossip with every colluder's record forged (unchanged without the clique). */
  rewrite(body: Buffer): Buffer {
    if (!this.clique) return body;
    const records = gossipCodec.decode(body);
    const out = records.map((s) => this.forge(s));
    return out.some((s, i) => s !== records[i]) ? gossipCodec.encode(out) : body;
  }

  private forge(s: SignedRecord): SignedRecord {
    const id = s.signature.toString('base64');
    let f = this.forged.get(id);
    if (f === undefined) {
      f = this.forgeOnce(s);
      if (this.forged.size >= MAX_REMEMBERED) this.forged.clear();
      this.forged.set(id, f);
      // A forged record a colluder passes on again is sent as it is.
      if (f) this.forged.set(f.signature.toString('base64'), null);
    }
    return f ? { ...f, ...(s.address ? { address: s.address } : {}) } : s;
  }

  /** The same record, same version and rate pack, listing the first colluders too; null for an honest Node's. */
  private forgeOnce(s: SignedRecord): SignedRecord | null {
    const record = nodeRecordCodec.decode(s.signed);
    const key = keyOf(record.publicKey);
    const identity = this.identities.get(key);
    if (!identity) return null;
    const listed = new Set(record.neighbors.map(keyOf));
    const others = [...this.identities.keys()].filter((k) => k !== key && !listed.has(k)).slice(0, MAX_LISTED);
    const neighbors = [...record.neighbors, ...others.map((k) => Buffer.from(k, 'hex'))];
    return signRecord(identity, this.chainId, { ...record, neighbors });
  }

  /**
   * One round of the eclipse: each running colluder the victim does not list (as the colluder's database knows the
   * victim's record) links to it and sends its own record, unless that record shows the victim full.
   */
  pressure(victim: SimNode, colluders: readonly SimNode[]): void {
    if (!victim.running) return;
    const x25519 = Buffer.from(victim.key.slice(0, 64), 'hex');
    for (const c of colluders) {
      const links = this.links.get(c.key);
      if (!c.running || !links) continue;
      const listed = c.neighborhood.db.halfNeighbors(victim.key);
      if (listed.includes(c.key) || listed.length >= MAX_DEGREE) continue;
      links.dial(victim.ip, SIM_PORT, x25519).then((peer) => {
        const own = c.neighborhood.db.get(c.key);
        if (own) links.send(peer, RECORD_KINDS.gossip, gossipCodec.encode([{ ...own.signed, ...(own.address ? { address: own.address } : {}) }]));
      }, () => {
        // Refused (full, banned, gone): the next round tries again.
      });
    }
  }
}
