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
 * A frame body as the pieces it came in, in order: views of the chunks written, one piece when one chunk held it. A
 * body that spans reads is handed on as it is, not joined: its one reader (the link's cipher) reads the pieces.
 */
export type FramePieces = readonly Buffer[];

/** The pieces as one buffer: the piece itself when there is one, else a copy. */
export function joinPieces(pieces: FramePieces): Buffer {
  return pieces.length === 1 ? pieces[0] as Buffer : Buffer.concat(pieces);
}

/**
 * Where a decoder puts the frames it finds, as their bytes arrive: a frame's body length, its body in pieces, its
 * end. A piece is a view of the chunk being written and may be read only during the call: a link reads into one
 * buffer that the next read overwrites, and opens each piece straight from it.
 */
export interface FrameSink {
  begin(length: number): void;
  part(piece: Buffer): void;
  end(): void;
}

/** Anything that turns stream chunks into frame bodies. */
export interface FrameUnwrapper {
  /** Hands the frames in this chunk to `sink` as they arrive; throws MasqError WIRE_DECODE for input it refuses. */
  write(chunk: Buffer, sink: FrameSink): void;
}

/** A frame's body length: the sum of its pieces. */
function lengthOf(pieces: FramePieces): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}

/** Keeps whole frames as their pieces: views of the chunks written, so a chunk's memory must not be reused. */
export class FrameCollector implements FrameSink {
  private frame: Buffer[] = [];
  private frames: FramePieces[] = [];
  /** The body length of a frame begun and not yet ended, or null. */
  private open: number | null = null;

  begin(length: number): void {
    this.open = length;
  }

  part(piece: Buffer): void {
    this.frame.push(piece);
  }

  end(): void {
    this.frames.push(this.frame);
    this.frame = [];
    this.open = null;
  }

  /** How many frames have ended and not been taken. */
  get pending(): number {
    return this.frames.length;
  }

  /** The oldest frame ended and not yet taken. */
  shift(): FramePieces | undefined {
    return this.frames.shift();
  }

  /** The frames ended since the last call, in order. */
  take(): FramePieces[] {
    const done = this.frames;
    this.frames = [];
    return done;
  }

  /** Hands what it holds to `sink` as if it arrived now, in order: every frame not taken, then one begun as far as it has come. */
  handOver(sink: FrameSink): void {
    for (const frame of this.take()) {
      sink.begin(lengthOf(frame));
      for (const piece of frame) sink.part(piece);
      sink.end();
    }
    if (this.open === null) return;
    sink.begin(this.open);
    for (const piece of this.frame) sink.part(piece);
    this.frame = [];
    this.open = null;
  }
}

/** The frames a chunk completes, as pieces, for a caller that keeps its chunks (tests, a handshake's frames). */
export function collectFrames(unwrap: FrameUnwrapper): (chunk: Buffer) => FramePieces[] {
  const collector = new FrameCollector();
  return (chunk) => {
    unwrap.write(chunk, collector);
    return collector.take();
  };
}

/**
 * Splits a byte stream into frame bodies, holding nothing but a length prefix cut by a chunk's end. After a refusal
 * it stays refused: the stream is out of step and the link has to be dropped.
 */
export class FrameDecoder implements FrameUnwrapper {
  readonly maxFrameBytes: number;
  private readonly head = Buffer.alloc(FRAME_HEADER_BYTES);
  private headHave = 0;
  /** The body bytes of the current frame still to come, once its prefix is in; null between frames. */
  private left: number | null = null;
  private refused: MasqError | null = null;

  constructor(opts?: FrameOptions) {
    this.maxFrameBytes = maxFrom(opts);
  }

  /** Bytes held for an incomplete frame: at most a prefix. */
  get bufferedBytes(): number {
    return this.headHave;
  }

  write(chunk: Buffer, sink: FrameSink): void {
    if (this.refused) throw this.refused;
    let at = 0;
    for (;;) {
      if (this.left === null) {
        const n = Math.min(FRAME_HEADER_BYTES - this.headHave, chunk.length - at);
        chunk.copy(this.head, this.headHave, at, at + n);
        this.headHave += n;
        at += n;
        if (this.headHave < FRAME_HEADER_BYTES) return;
        this.headHave = 0;
        const length = this.head.readUInt32BE(0);
        if (length > this.maxFrameBytes) {
          this.refused = new MasqError('WIRE_DECODE', `A neighbor announced a ${length}-byte frame; the limit is ${this.maxFrameBytes}.`, 'The link is dropped; nothing to do unless it keeps happening.');
          throw this.refused;
        }
        this.left = length;
        sink.begin(length);
      }
      const n = Math.min(this.left, chunk.length - at);
      if (n > 0) {
        sink.part(n === chunk.length ? chunk : chunk.subarray(at, at + n));
        this.left -= n;
        at += n;
      }
      if (this.left > 0) return;
      this.left = null;
      sink.end();
    }
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
