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

export function tlsRecord(type: number, fragment: Buffer, version = 0x0303): Buffer {
  if (fragment.length > MAX_FRAGMENT) throw new Error(`a TLS record carries at most ${MAX_FRAGMENT} bytes, not ${fragment.length}`);
  const head = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  head.writeUInt8(type, 0);
  head.writeUInt16BE(version, 1);
  head.writeUInt16BE(fragment.length, 3);
  return Buffer.concat([head, fragment]);
}

const KNOWN = new Set<number>(Object.values(CONTENT));

/** Splits a byte stream into TLS records, keeping at most one record plus the chunk being pushed. */
export class RecordReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): TlsRecord[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: TlsRecord[] = [];
    while (this.buf.length >= RECORD_HEADER_BYTES) {
      const type = this.buf.readUInt8(0);
      const version = this.buf.readUInt16BE(1);
      const length = this.buf.readUInt16BE(3);
      if (!KNOWN.has(type)) throw new MasqError('WIRE_DECODE', `not a TLS record (content type ${type})`);
      if (version >> 8 !== 3) throw new MasqError('WIRE_DECODE', `not a TLS record (version 0x${version.toString(16)})`);
      if (length > MAX_FRAGMENT) throw new MasqError('WIRE_DECODE', `a TLS record of ${length} bytes is longer than TLS allows`);
      if (this.buf.length < RECORD_HEADER_BYTES + length) break;
      out.push({ type, version, fragment: this.buf.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length) });
      this.buf = this.buf.subarray(RECORD_HEADER_BYTES + length);
    }
    return out;
  }

  /** Bytes received after the last whole record. */
  rest(): Buffer {
    return this.buf;
  }
}
