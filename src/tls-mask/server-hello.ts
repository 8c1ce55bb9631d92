// The rest of the handshake's shape, after the ClientHello: the listener's ServerHello (TLS 1.3 with
// TLS_AES_128_GCM_SHA256 and an X25519 share, extensions in OpenSSL's order, as the Node's own decoy HTTPS server
// answers strangers), ChangeCipherSpec, then four application-data records the sizes of an encrypted
// EncryptedExtensions, Certificate, CertificateVerify and Finished; the dialer's ChangeCipherSpec and a Finished-sized
// record. None of it is ever decrypted as TLS: the bytes are random, and the Noise link starts after them.

import { createHmac } from 'node:crypto';
import type { AuthKeys } from './auth.js';
import type { Randomness } from './client-hello.js';
import { CONTENT, RECORD_HEADER_BYTES, tlsRecord } from './records.js';

export const TLS_AES_128_GCM_SHA256 = 0x1301;
/** A TLS 1.3 AES-GCM record: a handshake message, its content type byte and the 16-byte tag. */
const sealed = (messageBytes: number): number => messageBytes + 1 + 16;
/**
 * As the decoy (OpenSSL) answers a Chrome ClientHello: EncryptedExtensions with ALPN http/1.1, CertificateVerify with
 * an ECDSA P-256 signature (DER: 70 to 72 bytes, as r and s need a leading zero or not), Finished with SHA-256.
 */
export const SERVER_RECORDS = { encryptedExtensions: sealed(4 + 2 + 15), finished: sealed(4 + 32) } as const;
const certificateVerify = (rnd: Randomness): number => sealed(4 + 2 + 2 + 70 + rnd.below(2) + rnd.below(2));
export const CLIENT_FINISHED = sealed(4 + 32);
/** The four encrypted records after the ServerHello: what the dialer skips before the link starts. */
export const SERVER_SEALED_RECORDS = 4;

const CCS = tlsRecord(CONTENT.changeCipherSpec, Buffer.from([1]));

/** The listener's random: proof to the dialer that a neighbor answers, not the decoy (for its log). */
export function serverRandom(keys: AuthKeys, clientRandom: Buffer): Buffer {
  return createHmac('sha256', keys.auth).update('server').update(clientRandom).digest();
}

/**
 * The listener's flight. `certificateBytes`: the Certificate message's size in the decoy's handshake, so that a peer's
 * answer and a stranger's are the same sizes.
 */
export function buildServerFlight(f: { random: Buffer; sessionId: Buffer; x25519: Buffer }, certificateBytes: number, rnd: Randomness): Buffer {
  const extensions = Buffer.concat([
    Buffer.from([0x00, 0x2b, 0x00, 0x02, 0x03, 0x04]),
    Buffer.from([0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20]), f.x25519,
  ]);
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]), f.random, Buffer.from([f.sessionId.length]), f.sessionId,
    Buffer.from([TLS_AES_128_GCM_SHA256 >> 8, TLS_AES_128_GCM_SHA256 & 0xff, 0x00]),
    Buffer.from([extensions.length >> 8, extensions.length & 0xff]), extensions,
  ]);
  const hello = tlsRecord(CONTENT.handshake, Buffer.concat([Buffer.from([2, 0, body.length >> 8, body.length & 0xff]), body]));
  const sizes = [SERVER_RECORDS.encryptedExtensions, sealed(certificateBytes), certificateVerify(rnd), SERVER_RECORDS.finished];
  return Buffer.concat([hello, CCS, ...sizes.map((n) => tlsRecord(CONTENT.applicationData, rnd.bytes(n)))]);
}

/** The dialer's second flight: ChangeCipherSpec and its Finished. */
export function buildClientFinish(rnd: Randomness): Buffer {
  return Buffer.concat([CCS, tlsRecord(CONTENT.applicationData, rnd.bytes(CLIENT_FINISHED))]);
}

export type ServerHelloResult = { kind: 'incomplete' } | { kind: 'invalid'; why: string } | { kind: 'hello'; random: Buffer; length: number };

/** Reads a ServerHello record (bounded): its random is all the dialer needs. */
export function parseServerHello(buf: Buffer): ServerHelloResult {
  if (buf.length < RECORD_HEADER_BYTES) return { kind: 'incomplete' };
  if (buf[0] !== CONTENT.handshake || buf[1] !== 0x03) return { kind: 'invalid', why: 'not a TLS handshake record' };
  const length = RECORD_HEADER_BYTES + buf.readUInt16BE(3);
  if (buf.length < length) return { kind: 'incomplete' };
  if (length < RECORD_HEADER_BYTES + 4 + 2 + 32 || buf[RECORD_HEADER_BYTES] !== 2) return { kind: 'invalid', why: 'not a ServerHello' };
  return { kind: 'hello', random: Buffer.from(buf.subarray(RECORD_HEADER_BYTES + 6, RECORD_HEADER_BYTES + 38)), length };
}
