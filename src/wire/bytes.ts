// Bounded byte reading and writing for the wire codecs. A Reader never reads past its buffer and fails with a
// DecodeError naming what it was reading; codecs check counts against their own limits before allocating.

import { MasqError } from '../system/index.js';

/** The one error a decoder throws for bad input: a WIRE_DECODE MasqError that names what was being read. */
export class DecodeError extends MasqError {
  constructor(readonly what: string, detail: string) {
    super('WIRE_DECODE', `${what}: ${detail}`);
    this.name = 'DecodeError';
  }
}

/**
 * A copy in memory of its own, for bytes kept long. A small slice of a bigger buffer keeps all of it alive: a Node
 * holding 1 000 streams kept an 8 KiB Buffer pool slab (or a whole cell) per stream for a 20-byte wallet.
 */
export function ownCopy(b: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(b.length);
  copy.set(b);
  return copy;
}

export class Reader {
  private at = 0;

  constructor(private readonly buf: Buffer, private readonly what: string) {}

  fail(detail: string): never {
    throw new DecodeError(this.what, detail);
  }

  remaining(): number {
    return this.buf.length - this.at;
  }

  bytes(n: number, field: string): Buffer {
    if (n < 0 || this.at + n > this.buf.length) this.fail(`truncated ${field}`);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u8(field: string): number {
    return this.bytes(1, field)[0] as number;
  }

  u16(field: string): number {
    return this.bytes(2, field).readUInt16BE(0);
  }

  u32(field: string): number {
    return this.bytes(4, field).readUInt32BE(0);
  }

  u64(field: string): bigint {
    return this.bytes(8, field).readBigUInt64BE(0);
  }

  /** A count, refused above `max` before anything is allocated for it. */
  count(field: string, max: number): number {
    const n = this.u8(field);
    if (n > max) this.fail(`${field} ${n} exceeds ${max}`);
    return n;
  }

  end(): void {
    if (this.at !== this.buf.length) this.fail(`${this.buf.length - this.at} unexpected trailing bytes`);
  }
}

export class Writer {
  private readonly parts: Buffer[] = [];

  bytes(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  u8(n: number): this {
    return this.bytes(Buffer.from([n & 0xff]));
  }

  u16(n: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return this.bytes(b);
  }

  u32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return this.bytes(b);
  }

  u64(n: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(n);
    return this.bytes(b);
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}
