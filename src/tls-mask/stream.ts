// The link's bytes once the handshake's shape is done: TLS application-data records carrying the Noise frames.
// Inside a record, chunks: [u32 header][bytes], a frame's part when the header's top bit is clear, padding to drop
// when it is set. The first chunk of a frame gives the frame's whole length; a frame larger than one record goes on
// in the next records, each starting with a chunk that gives its part's length. Only the chunk headers go under a
// ChaCha20 keystream: the frames are Noise ciphertext and the padding random bytes, so every byte of a record looks
// alike and nothing (not even a frame's length) stands out, while the bulk is not enciphered a second time. Small
// records get 0–255 bytes of padding, so equal cells do not make equal records; bulk (records of 8 KiB and more)
// gets none. Chunks never cross records. Pure, bounded.

import { createCipheriv, hkdfSync } from 'node:crypto';
import { MasqError } from '../system/index.js';
import { applicationDataLength, CONTENT, MAX_PLAINTEXT, RECORD_HEADER_BYTES, writeRecordHeader } from './records.js';
import type { Randomness } from './client-hello.js';

const PAD_FLAG = 0x8000_0000;
const CHUNK_HEADER = 4;
/** A TLS record header and a chunk header. */
const RECORD_HEAD = RECORD_HEADER_BYTES + CHUNK_HEADER;
/** The most an application-data record carries: 16 KiB of plaintext, its content type byte and the AES-GCM tag. */
export const MAX_DATA_RECORD = MAX_PLAINTEXT + 1 + 16;
/** Records this long or longer are bulk and get no padding. */
export const PAD_BELOW = 8192;
export const MAX_PAD = 255;

export interface Keystream {
  /** The next four bytes of the keystream, big-endian: what a chunk header is XORed with. */
  nextWord(): number;
}

/** Keystream made this many bytes at a time: one cipher call per thousand chunk headers, not one per header. */
const KEYSTREAM_BATCH = 4096;
const ZEROS = Buffer.alloc(KEYSTREAM_BATCH);

/** One direction's keystream, from the hello's secret and both randoms. */
export function keystream(secret: Buffer, clientRandom: Buffer, serverRandom: Buffer, direction: 'dialer' | 'listener'): Keystream {
  const okm = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([clientRandom, serverRandom]), `masq-tls-mask/1 ${direction}`, 48));
  const cipher = createCipheriv('chacha20', okm.subarray(0, 32), okm.subarray(32));
  let block = Buffer.alloc(0);
  let at = 0;
  return {
    nextWord() {
      if (at === block.length) {
        block = cipher.update(ZEROS);
        at = 0;
      }
      const word = block.readUInt32BE(at);
      at += CHUNK_HEADER;
      return word;
    },
  };
}

/** A record's header and its first chunk's header, enciphered, as one buffer. */
function recordHead(length: number, chunk: number, ks: Keystream): Buffer {
  const h = Buffer.allocUnsafe(RECORD_HEAD);
  writeRecordHeader(h, CONTENT.applicationData, length);
  h.writeUInt32BE((chunk ^ ks.nextWord()) >>> 0, RECORD_HEADER_BYTES);
  return h;
}

function chunkHeader(value: number, ks: Keystream): Buffer {
  const h = Buffer.allocUnsafe(CHUNK_HEADER);
  h.writeUInt32BE((value ^ ks.nextWord()) >>> 0, 0);
  return h;
}

/** Takes up to `n` bytes off the front of `parts` (views, no copy). */
function takeParts(parts: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  while (n > 0 && parts.length > 0) {
    const p = parts[0] as Buffer;
    if (p.length <= n) {
      out.push(p);
      parts.shift();
      n -= p.length;
    } else {
      out.push(p.subarray(0, n));
      parts[0] = p.subarray(n);
      n = 0;
    }
  }
  return out;
}

/**
 * Turns one frame body, given in parts (a Noise message), into application-data records: the buffers to write in
 * order, the frame's bytes among them as views of the parts.
 */
export function sealFrame(body: readonly Buffer[], ks: Keystream, rnd: Randomness): Buffer[] {
  const left = body.filter((p) => p.length > 0);
  let remaining = left.reduce((n, p) => n + p.length, 0);
  const out: Buffer[] = [];
  let first = true;
  do {
    const n = Math.min(remaining, MAX_DATA_RECORD - CHUNK_HEADER);
    // The first chunk's header is the frame's length; a continuation's is its own part's.
    const chunk = first ? remaining : n;
    const used = CHUNK_HEADER + n;
    const padLen = used < PAD_BELOW ? rnd.below(MAX_PAD + 1) : 0;
    const length = used + (padLen > 0 ? CHUNK_HEADER + padLen : 0);
    // The keystream runs in the order the reader meets the headers: the frame's chunk, then the padding's.
    out.push(recordHead(length, chunk, ks), ...takeParts(left, n));
    if (padLen > 0) out.push(chunkHeader(PAD_FLAG | padLen, ks), rnd.bytes(padLen));
    remaining -= n;
    first = false;
  } while (remaining > 0);
  return out;
}

/** Where the reader puts frames as their bytes arrive (the wire's FrameSink: this floor cannot import it). */
export interface FrameSink {
  begin(length: number): void;
  part(piece: Buffer): void;
  end(): void;
}

/**
 * Turns received bytes back into frame bodies, handed to a sink as they arrive: a body's pieces are views of the
 * chunk being written, cut where a record or a read ends (a 48 KiB cell spans three records, and reads of 64 KiB cut
 * some of them). Nothing is copied but a header cut by a read (at most 5 bytes), and nothing else is held between
 * chunks. A frame is at most maxFrameBytes; anything but application data, or a chunk out of its record's bounds,
 * is an error.
 */
export class StreamReader {
  /** A record's header or a chunk's header, as far as it has come. */
  private readonly head = Buffer.alloc(RECORD_HEADER_BYTES);
  private headHave = 0;
  /** The current record's bytes not yet read; 0 between records. */
  private recordLeft = 0;
  /** The current chunk's bytes not yet read, and whether they are padding. */
  private chunkLeft = 0;
  private padding = false;
  private frameLeft = 0;

  constructor(private readonly ks: Keystream, private readonly maxFrameBytes: number) {}

  write(chunk: Buffer, sink: FrameSink): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.chunkLeft > 0) {
        const n = Math.min(this.chunkLeft, chunk.length - at);
        this.chunkLeft -= n;
        this.recordLeft -= n;
        if (!this.padding) this.framePart(n === chunk.length ? chunk : chunk.subarray(at, at + n), sink);
        at += n;
        continue;
      }
      const want = this.recordLeft === 0 ? RECORD_HEADER_BYTES : CHUNK_HEADER;
      if (want === CHUNK_HEADER && this.recordLeft < CHUNK_HEADER) throw new MasqError('WIRE_DECODE', 'a chunk header cut by its record\'s end');
      const n = Math.min(want - this.headHave, chunk.length - at);
      chunk.copy(this.head, this.headHave, at, at + n);
      this.headHave += n;
      at += n;
      if (this.headHave < want) break;
      this.headHave = 0;
      if (want === RECORD_HEADER_BYTES) this.recordLeft = applicationDataLength(this.head);
      else this.chunkHeader((this.head.readUInt32BE(0) ^ this.ks.nextWord()) >>> 0, sink);
    }
  }

  private chunkHeader(n: number, sink: FrameSink): void {
    this.recordLeft -= CHUNK_HEADER;
    const room = this.recordLeft;
    this.padding = (n & PAD_FLAG) !== 0;
    if (this.padding) {
      const pad = n & ~PAD_FLAG;
      if (pad > MAX_PAD || pad > room) throw new MasqError('WIRE_DECODE', `padding of ${pad} bytes does not fit its record`);
      this.chunkLeft = pad;
    } else if (this.frameLeft > 0) {
      // A frame spanning records goes on with a chunk of its own.
      if (n === 0 || n > this.frameLeft || n > room) throw new MasqError('WIRE_DECODE', 'a frame\'s continuation does not fit it');
      this.chunkLeft = n;
    } else {
      // A frame's first chunk gives the whole frame's length; what its record holds of it follows.
      if (n > this.maxFrameBytes) throw new MasqError('WIRE_DECODE', `a frame of ${n} bytes is more than ${this.maxFrameBytes}`);
      this.frameLeft = n;
      this.chunkLeft = Math.min(n, room);
      sink.begin(n);
      // An empty frame is whole at once: no pieces.
      if (n === 0) sink.end();
    }
  }

  private framePart(piece: Buffer, sink: FrameSink): void {
    sink.part(piece);
    this.frameLeft -= piece.length;
    if (this.frameLeft === 0) sink.end();
  }
}
