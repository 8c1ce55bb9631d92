// The plaintexts of the two OPEN bodies of a stream, sealed end to end (src/crypto/onion.ts) before they travel:
//   request (over-route, for the exit): [host length u8][host][port u16][back header HEADER_BYTES]
//                                       [first back hop key 64][initial window u32]
//   answer (back-route, for the originator): [status u8]
// Pure and bounded.

import { HEADER_BYTES, PUBLIC_KEY_BYTES } from '../crypto/index.js';
import { Reader, Writer } from './bytes.js';
import { OPEN_STATUS, type OpenStatus } from './cells.js';
import type { Codec } from './codec.js';

export const MAX_HOST_BYTES = 255;

export interface OpenRequest {
  host: string;
  port: number;
  /** The back-route's header, which the exit sends in its own OPEN. */
  backHeader: Buffer;
  /** Where the exit sends that OPEN: the back-route's first hop after the exit. */
  backFirst: Buffer;
  /** Bytes the exit may send before the originator grants more. */
  window: number;
}

export function encodeOpenRequest(q: OpenRequest): Buffer {
  const host = Buffer.from(q.host, 'utf8');
  if (host.length === 0 || host.length > MAX_HOST_BYTES) throw new RangeError(`a host name has 1 to ${MAX_HOST_BYTES} bytes`);
  if (q.backHeader.length !== HEADER_BYTES || q.backFirst.length !== PUBLIC_KEY_BYTES) throw new RangeError('back-route out of bounds');
  return new Writer().u8(host.length).bytes(host).u16(q.port).bytes(q.backHeader).bytes(q.backFirst).u32(q.window).done();
}

export function decodeOpenRequest(buf: Buffer): OpenRequest {
  const r = new Reader(buf, 'stream request');
  const n = r.u8('host length');
  if (n === 0) r.fail('empty host');
  const host = r.bytes(n, 'host').toString('utf8');
  const port = r.u16('port');
  if (port === 0) r.fail('port 0');
  const backHeader = Buffer.from(r.bytes(HEADER_BYTES, 'back header'));
  const backFirst = Buffer.from(r.bytes(PUBLIC_KEY_BYTES, 'back first hop'));
  const window = r.u32('window');
  r.end();
  return { host, port, backHeader, backFirst, window };
}

const STATUSES = new Set<number>(Object.values(OPEN_STATUS));

export function encodeOpenAnswer(status: OpenStatus): Buffer {
  return Buffer.from([status]);
}

export function decodeOpenAnswer(buf: Buffer): OpenStatus {
  const r = new Reader(buf, 'stream answer');
  const s = r.u8('status');
  if (!STATUSES.has(s)) r.fail(`unknown status ${s}`);
  r.end();
  return s as OpenStatus;
}

export const openRequestCodec: Codec<OpenRequest> = { encode: encodeOpenRequest, decode: decodeOpenRequest };
export const openAnswerCodec: Codec<OpenStatus> = { encode: encodeOpenAnswer, decode: decodeOpenAnswer };
