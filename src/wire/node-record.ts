// Signed node records and Gossip messages: our own compact, versioned binary codec (docs/MESH.md). Pure and bounded.
//
// Record (signed part): [format 1][public key 64][version u32][earning wallet 20][rate pack 4×u64][flags u8: 1 accepts
//                       connections, 2 routes data, 4 links with the tls mask]
//                       [neighbor count u8 ≤ MAX_NEIGHBORS][neighbor keys 64 each, strictly ascending][country 0|2+2]
// Signature: Ed25519 over "masq-node-record/1" ‖ chain id (u32) ‖ record, so a record signed for one chain is
// worthless on another. The exact received bytes are kept and forwarded, never re-encoded.
// Gossip: [format 1][count u8 ≤ MAX_GOSSIP_RECORDS] then per record [length u16][record][signature 64][addr flag u8]
//         [IPv4 4][port count u8 ≤ 8][ports u16…] when the flag is 1. The address lies outside the signature, as in
//         MASQ, so a relayer can strip it.

import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type NodeIdentity, verifyNodeSignature } from '../crypto/index.js';
import { DecodeError, ownCopy, Reader, Writer } from './bytes.js';
import type { Codec } from './codec.js';

export const RECORD_FORMAT = 1;
export const GOSSIP_FORMAT = 1;
export const MAX_NEIGHBORS = 32;
export const MAX_GOSSIP_RECORDS = 64;
export const MAX_ADDRESS_PORTS = 8;
export const MAX_RECORD_BYTES = 1 + PUBLIC_KEY_BYTES + 4 + 20 + 32 + 1 + 1 + MAX_NEIGHBORS * PUBLIC_KEY_BYTES + 3;
const FLAG_ACCEPTS = 0x01;
const FLAG_ROUTES = 0x02;
/** Dial me with the tls mask (docs/MESH.md, "Clandestine links"). */
const FLAG_TLS = 0x04;
const SIGNING_DOMAIN = Buffer.from('masq-node-record/1');

export interface RatePack {
  routingByteRate: bigint;
  routingServiceRate: bigint;
  exitByteRate: bigint;
  exitServiceRate: bigint;
}

export interface NodeRecord {
  publicKey: Buffer;
  version: number;
  /** 20-byte address. */
  earningWallet: Buffer;
  ratePack: RatePack;
  acceptsConnections: boolean;
  routesData: boolean;
  /** Public keys of this Node's (half-)neighbors. */
  neighbors: Buffer[];
  countryCode?: string;
  /** Its links look like HTTPS: dial it with the tls mask. */
  tlsLinks?: boolean;
}

export interface NodeAddress {
  ip: string;
  ports: number[];
}

/** A record as carried in Gossip: the signed bytes exactly as their owner made them. */
export interface SignedRecord {
  signed: Buffer;
  signature: Buffer;
  address?: NodeAddress;
}

const RATES: ReadonlyArray<keyof RatePack> = ['routingByteRate', 'routingServiceRate', 'exitByteRate', 'exitServiceRate'];

export function encodeRecord(r: NodeRecord): Buffer {
  const w = new Writer().u8(RECORD_FORMAT).bytes(r.publicKey).u32(r.version).bytes(r.earningWallet);
  for (const k of RATES) w.u64(r.ratePack[k]);
  w.u8((r.acceptsConnections ? FLAG_ACCEPTS : 0) | (r.routesData ? FLAG_ROUTES : 0) | (r.tlsLinks ? FLAG_TLS : 0));
  const sorted = [...r.neighbors].sort(Buffer.compare);
  w.u8(sorted.length);
  for (const n of sorted) w.bytes(n);
  if (r.countryCode) w.u8(2).bytes(Buffer.from(r.countryCode, 'ascii'));
  else w.u8(0);
  const out = w.done();
  // Encoding what we cannot decode would be a bug of ours; checking here keeps the two in step.
  decodeRecord(out);
  return out;
}

export function decodeRecord(buf: Buffer): NodeRecord {
  if (buf.length > MAX_RECORD_BYTES) throw new DecodeError('node record', `${buf.length} bytes exceeds ${MAX_RECORD_BYTES}`);
  // A record lives as long as the database holds it: its fields share one copy of its own bytes, not the caller's
  // buffer (which may be reused) nor a Buffer pool slab that short-lived buffers filled around them.
  const r = new Reader(ownCopy(buf), 'node record');
  if (r.u8('format') !== RECORD_FORMAT) r.fail('unknown format');
  const publicKey = r.bytes(PUBLIC_KEY_BYTES, 'public key');
  const version = r.u32('version');
  const earningWallet = r.bytes(20, 'earning wallet');
  const rates = RATES.map((k) => r.u64(k));
  const flags = r.u8('flags');
  if ((flags & ~(FLAG_ACCEPTS | FLAG_ROUTES | FLAG_TLS)) !== 0) r.fail('unknown flags');
  const count = r.count('neighbor count', MAX_NEIGHBORS);
  const neighbors: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const n = r.bytes(PUBLIC_KEY_BYTES, 'neighbor key');
    const prev = neighbors[i - 1];
    if (prev && Buffer.compare(prev, n) >= 0) r.fail('neighbor keys not strictly ascending');
    if (n.equals(publicKey)) r.fail('a node cannot be its own neighbor');
    neighbors.push(n);
  }
  const ccLen = r.u8('country code length');
  let countryCode: string | undefined;
  if (ccLen === 2) {
    countryCode = r.bytes(2, 'country code').toString('latin1');
    if (!/^[A-Z]{2}$/.test(countryCode)) r.fail('country code is not two capital letters');
  } else if (ccLen !== 0) {
    r.fail('country code length must be 0 or 2');
  }
  r.end();
  const [routingByteRate, routingServiceRate, exitByteRate, exitServiceRate] = rates as [bigint, bigint, bigint, bigint];
  return {
    publicKey, version, earningWallet, ratePack: { routingByteRate, routingServiceRate, exitByteRate, exitServiceRate },
    acceptsConnections: (flags & FLAG_ACCEPTS) !== 0, routesData: (flags & FLAG_ROUTES) !== 0, neighbors,
    ...(countryCode ? { countryCode } : {}),
    ...((flags & FLAG_TLS) !== 0 ? { tlsLinks: true } : {}),
  };
}

function signingInput(chainId: number, signed: Buffer): Buffer {
  return Buffer.concat([SIGNING_DOMAIN, new Writer().u32(chainId).done(), signed]);
}

export function signRecord(identity: NodeIdentity, chainId: number, record: NodeRecord): SignedRecord {
  if (!record.publicKey.equals(identity.publicKey)) throw new Error('a Node signs only its own record');
  const signed = encodeRecord(record);
  return { signed, signature: identity.sign(signingInput(chainId, signed)) };
}

/** The record if its bytes decode and its owner signed them for this chain; DecodeError otherwise. */
export function openRecord(chainId: number, s: SignedRecord): NodeRecord {
  const record = decodeRecord(s.signed);
  if (!verifyNodeSignature(record.publicKey, signingInput(chainId, s.signed), s.signature)) {
    throw new DecodeError('node record', 'signature does not verify');
  }
  return record;
}

export function encodeGossip(records: readonly SignedRecord[]): Buffer {
  if (records.length > MAX_GOSSIP_RECORDS) throw new Error(`at most ${MAX_GOSSIP_RECORDS} records per Gossip`);
  const w = new Writer().u8(GOSSIP_FORMAT).u8(records.length);
  for (const s of records) {
    w.u16(s.signed.length).bytes(s.signed).bytes(s.signature);
    if (!s.address) {
      w.u8(0);
      continue;
    }
    w.u8(1).bytes(Buffer.from(s.address.ip.split('.').map(Number))).u8(s.address.ports.length);
    for (const p of s.address.ports) w.u16(p);
  }
  return w.done();
}

/** Structure only: signatures are checked per record by openRecord. */
export function decodeGossip(buf: Buffer): SignedRecord[] {
  const r = new Reader(buf, 'gossip');
  if (r.u8('format') !== GOSSIP_FORMAT) r.fail('unknown format');
  const count = r.count('record count', MAX_GOSSIP_RECORDS);
  const out: SignedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const len = r.u16('record length');
    if (len > MAX_RECORD_BYTES) r.fail(`record of ${len} bytes exceeds ${MAX_RECORD_BYTES}`);
    // Kept as long as the record: copies of their own, not slices of the message or of a pool slab.
    const signed = ownCopy(r.bytes(len, 'record'));
    const signature = ownCopy(r.bytes(SIGNATURE_BYTES, 'signature'));
    const flag = r.u8('address flag');
    if (flag === 0) {
      out.push({ signed, signature });
      continue;
    }
    if (flag !== 1) r.fail('address flag must be 0 or 1');
    const ip = [...r.bytes(4, 'address')].join('.');
    const n = r.count('port count', MAX_ADDRESS_PORTS);
    if (n === 0) r.fail('an address needs at least one port');
    const ports: number[] = [];
    for (let j = 0; j < n; j++) ports.push(r.u16('port'));
    out.push({ signed, signature, address: { ip, ports } });
  }
  r.end();
  return out;
}

/** A node record's signed bytes; its signature is opened apart (openRecord). */
export const nodeRecordCodec: Codec<NodeRecord> = { encode: encodeRecord, decode: decodeRecord };

/** A Gossip message's records, their signatures not yet checked. */
export const gossipCodec: Codec<SignedRecord[]> = { encode: encodeGossip, decode: decodeGossip };
