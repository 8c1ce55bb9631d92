// Length-prefixed records on a byte stream, pure of I/O.
//
// Frame layout:  [length u32 big-endian][body: length bytes]
//
// The prefix is 4 bytes, not 2: the default limit (a 64 KiB record plus the Noise tag) does not fit in 16 bits, and
// a mask may want records larger than one Noise message. The decoder refuses a declared length above its limit as
// soon as the 4 prefix bytes are in, before it keeps any of the body, so a neighbor cannot make it buffer more than
// one largest frame plus the chunk being pushed. Version bytes and record meaning belong to the link layer above.

import { MasqError } from '../system/index.js';

export const FRAME_HEADER_BYTES = 4;
/** 64 KiB of record plus the 16-byte Noise (ChaCha20-Poly1305) tag. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 + 16;
const LARGEST_LENGTH = 0xffff_ffff;

export interface FrameOptions {
  /** The largest body accepted or written; at most 2^32-1. Default DEFAULT_MAX_FRAME_BYTES. */
  maxFrameBytes?: number;
}

function maxFrom(opts: FrameOptions | undefined): number {
  const max = opts?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(max) || max < 0 || max > LARGEST_LENGTH) throw new Error(`maxFrameBytes must be an integer from 0 to ${LARGEST_LENGTH}`);
  return max;
}

/** Prefixes a body with its length; a body above the limit is the caller's bug and throws a plain Error. */
export function encodeFrame(body: Buffer, opts?: FrameOptions): Buffer {
  return Buffer.concat([frameHeader(body.length, opts), body]);
}

/**
 * A frame body as the pieces it came in, in order: views of the pushed chunks, one piece when one chunk held it. A
 * body that spans reads is handed on as it is, not joined: its one reader (the link's cipher) reads the pieces.
 */
export type FramePieces = readonly Buffer[];

/** The pieces as one buffer: the piece itself when there is one, else a copy. */
export function joinPieces(pieces: FramePieces): Buffer {
  return pieces.length === 1 ? pieces[0] as Buffer : Buffer.concat(pieces);
}

/** Anything that turns stream chunks into whole record bodies. */
export interface FrameUnwrapper {
  /**
   * The bodies completed by this chunk, in order; throws MasqError WIRE_DECODE for input it refuses. Bodies are
   * views into the pushed chunks, so a caller must not reuse a chunk's memory after pushing it.
   */
  push(chunk: Buffer): FramePieces[];
}

/**
 * Splits a byte stream into frame bodies. After a refusal it stays refused: the stream is out of step and the link
 * has to be dropped.
 */
export class FrameDecoder implements FrameUnwrapper {
  readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The body length of the frame being collected, once its prefix is in. */
  private need: number | null = null;
  private refused: MasqError | null = null;

  constructor(opts?: FrameOptions) {
    this.maxFrameBytes = maxFrom(opts);
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): FramePieces[] {
    if (this.refused) throw this.refused;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const bodies: FramePieces[] = [];
    for (;;) {
      if (this.need === null) {
        if (this.buffered < FRAME_HEADER_BYTES) break;
        const length = joinPieces(this.take(FRAME_HEADER_BYTES)).readUInt32BE(0);
        if (length > this.maxFrameBytes) {
          this.refused = new MasqError('WIRE_DECODE', `A neighbor announced a ${length}-byte frame; the limit is ${this.maxFrameBytes}.`, 'The link is dropped; nothing to do unless it keeps happening.');
          this.chunks = [];
          this.buffered = 0;
          throw this.refused;
        }
        this.need = length;
      }
      if (this.buffered < this.need) break;
      bodies.push(this.take(this.need));
      this.need = null;
    }
    return bodies;
  }

  /** Removes n buffered bytes (n <= buffered), as views of the chunks that hold them. */
  private take(n: number): Buffer[] {
    this.buffered -= n;
    const out: Buffer[] = [];
    while (n > 0) {
      const next = this.chunks[0] as Buffer;
      const used = Math.min(next.length, n);
      out.push(used === next.length ? next : next.subarray(0, used));
      if (used === next.length) this.chunks.shift();
      else this.chunks[0] = next.subarray(used);
      n -= used;
    }
    return out;
  }
}

/** The length prefix of a frame whose body is `length` bytes; above the limit is the caller's bug (plain Error). */
export function frameHeader(length: number, opts?: FrameOptions): Buffer {
  const max = maxFrom(opts);
  if (length > max) throw new Error(`a frame body has at most ${max} bytes, not ${length}`);
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  out.writeUInt32BE(length, 0);
  return out;
}

/**
 * A masquerade: how frames look on the wire. `wrap` turns one frame body, given in parts, into the buffers to
 * write in order (views of the parts where it can, so a link writes them with one writev and no copy); `unwrap`
 * gives a fresh per-stream decoder that turns received bytes back into frame bodies.
 */
export interface Mask {
  readonly name: string;
  wrap(body: readonly Buffer[]): Buffer[];
  unwrap(opts?: FrameOptions): FrameUnwrapper;
}

/** The identity mask: frames go on the wire as they are. */
export const PLAIN_MASK: Mask = Object.freeze({
  name: 'plain',
  wrap: (body: readonly Buffer[]): Buffer[] => [frameHeader(body.reduce((n, p) => n + p.length, 0)), ...body],
  unwrap: (opts?: FrameOptions): FrameUnwrapper => new FrameDecoder(opts),
});
