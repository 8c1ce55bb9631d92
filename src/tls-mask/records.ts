// The TLS record layer as a censor's box sees it (RFC 8446 §5.1): [type][legacy version][length u16][fragment].
// Pure and bounded: a fragment is at most 2^14 + 256 bytes (what TLS 1.3 allows for ciphertext), anything else is
// refused before a byte of it is kept.

import { MasqError } from '../system/index.js';

export const CONTENT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;
export const RECORD_HEADER_BYTES = 5;
/** The most plaintext one TLS 1.3 record carries. */
export const MAX_PLAINTEXT = 16_384;
/** The most a TLS 1.3 record carries on the wire (ciphertext expansion included). */
export const MAX_FRAGMENT = MAX_PLAINTEXT + 256;

export interface TlsRecord {
  type: number;
  /** The record's legacy_record_version: 0x0301 for a first ClientHello, else 0x0303. */
  version: number;
  fragment: Buffer;
}

/** Writes a record header at the start of `into` (RECORD_HEADER_BYTES) for a fragment of `length` bytes. */
export function writeRecordHeader(into: Buffer, type: number, length: number, version = 0x0303): void {
  if (length > MAX_FRAGMENT) throw new Error(`a TLS record carries at most ${MAX_FRAGMENT} bytes, not ${length}`);
  into.writeUInt8(type, 0);
  into.writeUInt16BE(version, 1);
  into.writeUInt16BE(length, 3);
}

export function tlsRecord(type: number, fragment: Buffer, version = 0x0303): Buffer {
  const head = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  writeRecordHeader(head, type, fragment.length, version);
  return Buffer.concat([head, fragment]);
}

const KNOWN = new Set<number>(Object.values(CONTENT));

/** Checks a record header and gives its fragment's length. */
function fragmentLength(buf: Buffer): number {
  const type = buf.readUInt8(0);
  const version = buf.readUInt16BE(1);
  const length = buf.readUInt16BE(3);
  if (!KNOWN.has(type)) throw new MasqError('WIRE_DECODE', `not a TLS record (content type ${type})`);
  if (version >> 8 !== 3) throw new MasqError('WIRE_DECODE', `not a TLS record (version 0x${version.toString(16)})`);
  if (length > MAX_FRAGMENT) throw new MasqError('WIRE_DECODE', `a TLS record of ${length} bytes is longer than TLS allows`);
  return length;
}

/** Checks the header of a record that must be application data (a link's records) and gives its fragment's length. */
export function applicationDataLength(header: Buffer): number {
  const length = fragmentLength(header);
  const type = header.readUInt8(0);
  if (type !== CONTENT.applicationData) throw new MasqError('WIRE_DECODE', `a TLS record of type ${type} inside the link`);
  return length;
}

function asRecord(buf: Buffer, length: number): TlsRecord {
  return { type: buf.readUInt8(0), version: buf.readUInt16BE(1), fragment: buf.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length) };
}

/**
 * Splits a byte stream into TLS records, keeping at most one record plus the chunk being pushed. Records are views
 * of the chunks; only a record cut by a chunk's end is copied, once, when its last byte comes.
 */
export class RecordReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): TlsRecord[] {
    const out: TlsRecord[] = [];
    let rest = chunk;
    while (this.buf.length > 0 && rest.length > 0) {
      const whole = this.buf.length < RECORD_HEADER_BYTES ? RECORD_HEADER_BYTES : RECORD_HEADER_BYTES + fragmentLength(this.buf);
      const take = Math.min(whole - this.buf.length, rest.length);
      this.buf = Buffer.concat([this.buf, rest.subarray(0, take)]);
      rest = rest.subarray(take);
      if (this.buf.length >= RECORD_HEADER_BYTES && this.buf.length === RECORD_HEADER_BYTES + fragmentLength(this.buf)) {
        out.push(asRecord(this.buf, this.buf.length - RECORD_HEADER_BYTES));
        this.buf = Buffer.alloc(0);
      }
    }
    if (this.buf.length > 0) return out;
    let at = 0;
    while (rest.length - at >= RECORD_HEADER_BYTES) {
      const length = fragmentLength(rest.subarray(at));
      if (rest.length - at < RECORD_HEADER_BYTES + length) break;
      out.push(asRecord(rest.subarray(at), length));
      at += RECORD_HEADER_BYTES + length;
    }
    this.buf = rest.subarray(at);
    return out;
  }
}
