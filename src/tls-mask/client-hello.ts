// A ClientHello shaped like desktop Chrome's, as Debian's Chromium 156 sends it (captured on this project's build
// machine; test/integration/link-capture.test.ts compares the two): its 15 cipher suites, its 17 extensions in a
// fresh random order each time (as Chrome shuffles them) between a GREASE extension first and one last, GREASE
// values where Chrome puts them (signature algorithms included), ML-DSA among the signature algorithms, ALPN h2 and
// http/1.1, Chrome's trust anchor IDs, and a key share for X25519MLKEM768 (an ML-KEM-768 key of the right form:
// coefficients below q) beside X25519. Its JA4 is Chromium's: t13d1517h2_8daaf6152771_… The fields a Node needs
// (random, session id, the X25519 share, the server name) are the caller's; the parser reads them back from any
// ClientHello, bounded, for the listener.

import { CONTENT, MAX_FRAGMENT, RECORD_HEADER_BYTES, tlsRecord } from './records.js';

export const CHROME_CIPHERS = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035] as const;
/** After a GREASE value: ML-DSA-44, -65, -87, then ECDSA and RSA-PSS/PKCS#1 as Chrome has long sent them. */
export const CHROME_SIGNATURE_ALGORITHMS = [0x0904, 0x0905, 0x0906, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601] as const;
/**
 * Chromium 156's trust_anchors extension (draft-ietf-tls-trust-anchor-ids): the IDs of its root store's anchors, the
 * same bytes in every hello it sends (a fact of the browser, copied from its ClientHello).
 */
const CHROME_TRUST_ANCHORS = Buffer.from(
  '00b80582df1302010582df1302060582df13020d0582df13020e0582df13020f0582df1302120582df1302130582df13021408839a648c9b2d0107' +
  '08839a648c9b2d010808839a648c9b2d010908839a648c9b2d010a08839a648c9b2d010b08839a648c9b2d010c08839a648c9b2d010d08839a64' +
  '8c9b2d011208839a648c9b2d011304d679090104d679090404d679090504d679090604d679090704d679090804d679090a04d679090b04d67909' +
  '0c04d679090d04d679090f', 'hex');
export const GROUP = { x25519MlKem768: 0x11ec, x25519: 0x001d, secp256r1: 0x0017, secp384r1: 0x0018 } as const;
export const EXT = {
  serverName: 0x0000, statusRequest: 0x0005, supportedGroups: 0x000a, ecPointFormats: 0x000b, signatureAlgorithms: 0x000d,
  alpn: 0x0010, sct: 0x0012, compressCertificate: 0x001b, extendedMasterSecret: 0x0017, sessionTicket: 0x0023,
  supportedVersions: 0x002b, pskKeyExchangeModes: 0x002d, keyShare: 0x0033, applicationSettings: 0x44cd,
  encryptedClientHello: 0xfe0d, renegotiationInfo: 0xff01, trustAnchors: 0xca34,
} as const;
const ML_KEM_Q = 3329;
/** ML-KEM-768's encapsulation key: 3 × 256 coefficients of 12 bits, then the 32-byte seed ρ. */
const ML_KEM_768_EK_BYTES = 1184;
const X25519_BYTES = 32;

export interface Randomness {
  bytes(n: number): Buffer;
  /** An integer in [0, n). */
  below(n: number): number;
}

export interface HelloFields {
  random: Buffer;
  sessionId: Buffer;
  serverName: string;
  /** The X25519 share: the dialer's ephemeral public key. */
  x25519: Buffer;
  /** Another X25519 public key, the classical half of the hybrid share. */
  hybridX25519: Buffer;
}

const u8 = (n: number): Buffer => Buffer.from([n]);
const u16 = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n);
  return b;
};
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec8 = (b: Buffer): Buffer => Buffer.concat([u8(b.length), b]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const list16 = (values: readonly number[]): Buffer => Buffer.concat(values.map(u16));
const ext = (type: number, body: Buffer): Buffer => Buffer.concat([u16(type), vec16(body)]);

/** The 16 GREASE values of RFC 8701 (0x0a0a, 0x1a1a, … 0xfafa). */
export const GREASE = Array.from({ length: 16 }, (_, i) => (i << 12) | 0x0a00 | (i << 4) | 0x0a);
export const isGrease = (v: number): boolean => GREASE.includes(v);

/** Distinct GREASE values, as Chrome draws them per connection. */
function greases(n: number, rnd: Randomness): number[] {
  const pool = [...GREASE];
  return Array.from({ length: n }, () => pool.splice(rnd.below(pool.length), 1)[0] as number);
}

/** An ML-KEM-768 encapsulation key's form: uniform coefficients mod q packed 12 bits each, then a random seed. */
export function mlKemShapedKey(rnd: Randomness): Buffer {
  const out = Buffer.alloc(ML_KEM_768_EK_BYTES);
  for (let i = 0; i < 384; i++) {
    const [a, b] = [rnd.below(ML_KEM_Q), rnd.below(ML_KEM_Q)];
    out[i * 3] = a & 0xff;
    out[i * 3 + 1] = (a >> 8) | ((b & 0x0f) << 4);
    out[i * 3 + 2] = b >> 4;
  }
  rnd.bytes(32).copy(out, 1152);
  return out;
}

function shuffle<T>(items: T[], rnd: Randomness): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rnd.below(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** The whole first flight: one TLS record (legacy version 0x0301, as browsers send it) holding the ClientHello. */
export function buildClientHello(f: HelloFields, rnd: Randomness): Buffer {
  if (f.random.length !== 32 || f.sessionId.length !== 32 || f.x25519.length !== X25519_BYTES || f.hybridX25519.length !== X25519_BYTES) {
    throw new Error('a ClientHello needs a 32-byte random, session id and X25519 keys');
  }
  const [gCipher, gGroup, gExtFirst, gExtLast, gVersion, gSig] = greases(6, rnd) as [number, number, number, number, number, number];
  const name = Buffer.from(f.serverName, 'ascii');
  const middle = [
    ext(EXT.serverName, vec16(Buffer.concat([u8(0), vec16(name)]))),
    ext(EXT.extendedMasterSecret, Buffer.alloc(0)),
    ext(EXT.renegotiationInfo, u8(0)),
    ext(EXT.supportedGroups, vec16(list16([gGroup, GROUP.x25519MlKem768, GROUP.x25519, GROUP.secp256r1, GROUP.secp384r1]))),
    ext(EXT.ecPointFormats, vec8(u8(0))),
    ext(EXT.sessionTicket, Buffer.alloc(0)),
    ext(EXT.alpn, vec16(Buffer.concat([vec8(Buffer.from('h2')), vec8(Buffer.from('http/1.1'))]))),
    ext(EXT.statusRequest, Buffer.from([1, 0, 0, 0, 0])),
    ext(EXT.signatureAlgorithms, vec16(list16([gSig, ...CHROME_SIGNATURE_ALGORITHMS]))),
    ext(EXT.trustAnchors, CHROME_TRUST_ANCHORS),
    ext(EXT.sct, Buffer.alloc(0)),
    ext(EXT.keyShare, vec16(Buffer.concat([
      u16(gGroup), vec16(u8(0)),
      u16(GROUP.x25519MlKem768), vec16(Buffer.concat([mlKemShapedKey(rnd), f.hybridX25519])),
      u16(GROUP.x25519), vec16(f.x25519),
    ]))),
    ext(EXT.pskKeyExchangeModes, vec8(u8(1))),
    ext(EXT.supportedVersions, vec8(list16([gVersion, 0x0304, 0x0303]))),
    ext(EXT.compressCertificate, vec8(u16(0x0002))),
    ext(EXT.applicationSettings, vec16(vec8(Buffer.from('h2')))),
    // GREASE ECH: an outer hello's form, HKDF-SHA256 with AES-128-GCM, a fresh X25519-sized enc and a payload of
    // one of the lengths Chrome uses.
    ext(EXT.encryptedClientHello, Buffer.concat([u8(0), u16(0x0001), u16(0x0001), rnd.bytes(1), vec16(rnd.bytes(32)), vec16(rnd.bytes(144 + 32 * rnd.below(4)))])),
  ];
  const extensions = Buffer.concat([ext(gExtFirst, Buffer.alloc(0)), ...shuffle(middle, rnd), ext(gExtLast, u8(0))]);
  const body = Buffer.concat([
    u16(0x0303), f.random, vec8(f.sessionId), vec16(list16([gCipher, ...CHROME_CIPHERS])), vec8(u8(0)), vec16(extensions),
  ]);
  return tlsRecord(CONTENT.handshake, Buffer.concat([u8(1), u24(body.length), body]), 0x0301);
}

export type HelloResult =
  | { kind: 'incomplete' }
  | { kind: 'invalid'; why: string }
  | { kind: 'hello'; random: Buffer; sessionId: Buffer; serverName: string | undefined; x25519: Buffer | undefined; length: number };

/**
 * Reads the first TLS record as a ClientHello. Only what lies inside the record is trusted; every length is checked
 * against its bounds before it is followed.
 */
export function parseClientHello(buf: Buffer): HelloResult {
  if (buf.length < RECORD_HEADER_BYTES) return { kind: 'incomplete' };
  if (buf[0] !== CONTENT.handshake) return { kind: 'invalid', why: 'not a TLS handshake record' };
  if (buf[1] !== 0x03) return { kind: 'invalid', why: 'unknown TLS record version' };
  const recordLength = buf.readUInt16BE(3);
  if (recordLength > MAX_FRAGMENT || recordLength < 4) return { kind: 'invalid', why: 'bad record length' };
  if (buf.length < RECORD_HEADER_BYTES + recordLength) return { kind: 'incomplete' };
  const rec = buf.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + recordLength);
  if (rec[0] !== 0x01) return { kind: 'invalid', why: 'first handshake message is not a ClientHello' };
  const end = Math.min(rec.length, 4 + ((rec[1] as number) << 16 | rec.readUInt16BE(2)));
  let p = 4;
  const take = (n: number): Buffer | undefined => {
    if (p + n > end) return undefined;
    const out = rec.subarray(p, p + n);
    p += n;
    return out;
  };
  const takeVec = (lenBytes: 1 | 2): Buffer | undefined => {
    const len = take(lenBytes);
    return len && take(lenBytes === 1 ? len[0] as number : len.readUInt16BE(0));
  };
  if (!take(2)) return { kind: 'invalid', why: 'truncated ClientHello' };
  const random = take(32);
  const sessionId = takeVec(1);
  if (!random || !sessionId) return { kind: 'invalid', why: 'truncated random or session id' };
  if (!takeVec(2)) return { kind: 'invalid', why: 'truncated cipher suites' };
  if (!takeVec(1)) return { kind: 'invalid', why: 'truncated compression methods' };
  const length = RECORD_HEADER_BYTES + recordLength;
  const found = { kind: 'hello' as const, random: Buffer.from(random), sessionId: Buffer.from(sessionId), serverName: undefined as string | undefined, x25519: undefined as Buffer | undefined, length };
  if (p === end) return found;
  const extensions = takeVec(2);
  if (!extensions) return { kind: 'invalid', why: 'truncated extensions' };
  for (let q = 0; q + 4 <= extensions.length;) {
    const type = extensions.readUInt16BE(q);
    const len = extensions.readUInt16BE(q + 2);
    const body = extensions.subarray(q + 4, q + 4 + len);
    if (body.length !== len) return { kind: 'invalid', why: 'truncated extension' };
    q += 4 + len;
    if (type === EXT.serverName) {
      const name = serverNameOf(body);
      if (name === null) return { kind: 'invalid', why: 'server name is not a host name' };
      found.serverName = name;
    } else if (type === EXT.keyShare) {
      found.x25519 = x25519ShareOf(body);
    }
  }
  return found;
}

/** The host name of a server_name extension; undefined without one, null when it is not a host name. */
function serverNameOf(body: Buffer): string | undefined | null {
  if (body.length < 2) return undefined;
  const listEnd = Math.min(body.length, 2 + body.readUInt16BE(0));
  for (let q = 2; q + 3 <= listEnd;) {
    const nameType = body[q] as number;
    const nameLen = body.readUInt16BE(q + 1);
    q += 3;
    if (q + nameLen > listEnd) return null;
    if (nameType === 0) {
      const name = body.subarray(q, q + nameLen).toString('latin1');
      return /^[A-Za-z0-9._-]{1,253}$/.test(name) ? name.toLowerCase() : null;
    }
    q += nameLen;
  }
  return undefined;
}

function x25519ShareOf(body: Buffer): Buffer | undefined {
  if (body.length < 2) return undefined;
  const sharesEnd = Math.min(body.length, 2 + body.readUInt16BE(0));
  for (let q = 2; q + 4 <= sharesEnd;) {
    const group = body.readUInt16BE(q);
    const len = body.readUInt16BE(q + 2);
    q += 4;
    if (q + len > sharesEnd) return undefined;
    if (group === GROUP.x25519 && len === X25519_BYTES) return Buffer.from(body.subarray(q, q + len));
    q += len;
  }
  return undefined;
}
