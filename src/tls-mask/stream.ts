// The link's bytes once the handshake's shape is done: TLS application-data records whose content is the Noise
// frames under a ChaCha20 keystream, so nothing in them (not even a frame's length) stands out from ciphertext.
// Inside the keystream, chunks: [u32 header][bytes], a frame when the header's top bit is clear (its length), padding
// to drop when it is set. Small records get 0–255 bytes of padding, so equal cells do not make equal records; bulk
// (records of 8 KiB and more) gets none. A frame larger than a record spans several. Pure, bounded.

import { createCipheriv, hkdfSync } from 'node:crypto';
import { MasqError } from '../system/index.js';
import { CONTENT, MAX_PLAINTEXT, RecordReader } from './records.js';
import type { Randomness } from './client-hello.js';

const PAD_FLAG = 0x8000_0000;
const CHUNK_HEADER = 4;
/** The most an application-data record carries: 16 KiB of plaintext, its content type byte and the AES-GCM tag. */
export const MAX_DATA_RECORD = MAX_PLAINTEXT + 1 + 16;
/** Records this long or longer are bulk and get no padding. */
export const PAD_BELOW = 8192;
export const MAX_PAD = 255;

export interface Keystream {
  xor(data: Buffer): Buffer;
}

/** One direction's keystream, from the hello's secret and both randoms. */
export function keystream(secret: Buffer, clientRandom: Buffer, serverRandom: Buffer, direction: 'dialer' | 'listener'): Keystream {
  const okm = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([clientRandom, serverRandom]), `masq-tls-mask/1 ${direction}`, 48));
  const cipher = createCipheriv('chacha20', okm.subarray(0, 32), okm.subarray(32));
  return { xor: (data) => cipher.update(data) };
}

/** Turns one encoded frame (u32 length + body, from encodeFrame) into application-data records. */
export function sealFrame(frame: Buffer, ks: Keystream, rnd: Randomness): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < frame.length;) {
    // The frame's own header starts the first part; a continuation is a chunk of its own so the reader can tell.
    const lead = at === 0 ? 0 : CHUNK_HEADER;
    const part = frame.subarray(at, at + MAX_DATA_RECORD - CHUNK_HEADER - MAX_PAD - lead);
    at += part.length;
    const body = lead + part.length;
    const padLen = body + CHUNK_HEADER < PAD_BELOW ? rnd.below(MAX_PAD + 1) : 0;
    // One buffer per record, zeros where the padding goes; the keystream makes every byte of it look alike.
    const plain = Buffer.alloc(body + (padLen > 0 ? CHUNK_HEADER + padLen : 0));
    if (lead > 0) plain.writeUInt32BE(part.length, 0);
    part.copy(plain, lead);
    if (padLen > 0) plain.writeUInt32BE((PAD_FLAG | padLen) >>> 0, body);
    out.push(Buffer.from([CONTENT.applicationData, 0x03, 0x03, plain.length >> 8, plain.length & 0xff]), ks.xor(plain));
  }
  return Buffer.concat(out);
}

/**
 * Turns received bytes back into frame bodies. Holds at most one record, one frame of maxFrameBytes and the chunk
 * being pushed; anything but application data, or a chunk header out of bounds, is an error.
 */
export class StreamReader {
  private readonly records = new RecordReader();
  private inner: Buffer = Buffer.alloc(0);
  private frame: Buffer[] = [];
  private frameLeft = 0;
  private frameSize = 0;

  constructor(private readonly ks: Keystream, private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (const r of this.records.push(chunk)) {
      if (r.type !== CONTENT.applicationData) throw new MasqError('WIRE_DECODE', `a TLS record of type ${r.type} inside the link`);
      this.inner = this.inner.length === 0 ? this.ks.xor(r.fragment) : Buffer.concat([this.inner, this.ks.xor(r.fragment)]);
      this.drain(out);
    }
    return out;
  }

  private drain(out: Buffer[]): void {
    while (this.inner.length > 0) {
      if (this.frameLeft > 0 && this.frame.length > 0) {
        // A frame spanning records continues with a chunk of its own.
        if (this.inner.length < CHUNK_HEADER) return;
        const n = this.inner.readUInt32BE(0);
        if (n & PAD_FLAG) { if (!this.skipPad()) return; continue; }
        if (n === 0 || n > this.frameLeft) throw new MasqError('WIRE_DECODE', 'a frame\'s continuation does not fit it');
        if (this.inner.length < CHUNK_HEADER + n) return;
        this.frame.push(this.inner.subarray(CHUNK_HEADER, CHUNK_HEADER + n));
        this.frameLeft -= n;
        this.inner = this.inner.subarray(CHUNK_HEADER + n);
      } else {
        if (this.inner.length < CHUNK_HEADER) return;
        const n = this.inner.readUInt32BE(0);
        if (n & PAD_FLAG) { if (!this.skipPad()) return; continue; }
        if (n > this.maxFrameBytes) throw new MasqError('WIRE_DECODE', `a frame of ${n} bytes is more than ${this.maxFrameBytes}`);
        this.frameSize = n;
        const here = Math.min(n, this.inner.length - CHUNK_HEADER);
        this.frame = [this.inner.subarray(CHUNK_HEADER, CHUNK_HEADER + here)];
        this.frameLeft = n - here;
        this.inner = this.inner.subarray(CHUNK_HEADER + here);
      }
      if (this.frameLeft === 0) {
        const body = Buffer.concat(this.frame);
        if (body.length !== this.frameSize) throw new MasqError('WIRE_DECODE', 'a frame came out of its records short');
        out.push(body);
        this.frame = [];
      }
    }
  }

  /** Drops a padding chunk when it is all here; false to wait for more. */
  private skipPad(): boolean {
    const n = this.inner.readUInt32BE(0) & ~PAD_FLAG;
    if (n > MAX_PAD) throw new MasqError('WIRE_DECODE', `padding of ${n} bytes is more than ${MAX_PAD}`);
    if (this.inner.length < CHUNK_HEADER + n) return false;
    this.inner = this.inner.subarray(CHUNK_HEADER + n);
    return true;
  }
}
