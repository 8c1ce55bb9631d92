// CORES cells (link record kind 3): stream set-up, data, flow control and tear-down on one circuit of one link.
// [type u8][circuit u32] then per type:
//   OPEN    [route header HEADER_BYTES][body ≤ MAX_OPEN_BODY]        body layered like data
//   DATA    [seq u64][last u8][payload ≤ MAX_DATA_PAYLOAD]            payload sealed end to end, layered per relay
//   WINDOW  [seq u64][sealed credit WINDOW_BODY_BYTES]                 sent on the stream's other circuit
//   ANSWER  [seq u64][sealed status ANSWER_BODY_BYTES]                 the exit's outcome, after an OPEN saying
//                                                                      `connecting` (seq 0, once per stream)
//   DESTROY [reason u8]                                                plaintext, travels both ways
// Pure and bounded: every length is checked before anything is taken.

import { AEAD_OVERHEAD, HEADER_BYTES } from '../crypto/index.js';
import { Reader, Writer } from './bytes.js';
import type { Codec } from './codec.js';

export const CELL_TYPE = { open: 1, data: 2, window: 3, destroy: 4, answer: 5 } as const;

/** Why a circuit ends (DESTROY). */
export const DESTROY_REASON = {
  normal: 0,
  linkLost: 1,
  protocol: 2,
  timeout: 3,
  /** The next hop could not be reached. */
  unreachable: 4,
  /** This Node does not relay or exit for others. */
  refused: 5,
  /** Too many circuits. */
  full: 6,
  /** A stream end's client or target connection failed. */
  aborted: 7,
} as const;
export type DestroyReason = (typeof DESTROY_REASON)[keyof typeof DESTROY_REASON];

/**
 * What the exit says in the back-route's OPEN: whether it reached the target, and if not, why; or `connecting`: the
 * back-route is opened while the exit still connects, and the outcome follows in an ANSWER cell.
 */
export const OPEN_STATUS = { ok: 0, dns: 1, connect: 2, timeout: 3, refusedPrivate: 4, connecting: 5 } as const;
export type OpenStatus = (typeof OPEN_STATUS)[keyof typeof OPEN_STATUS];
/** A status that is the exit's outcome: anything but `connecting`. */
export type OpenOutcome = Exclude<OpenStatus, typeof OPEN_STATUS.connecting>;

/**
 * Plaintext bytes per DATA cell at most. Sized so that a full cell in its link frame (Noise message: frame type,
 * record kind, the 14 bytes of fields, the payload's seal and Noise's tag, 48 bytes in all) fills three TLS records
 * of 16 KiB plaintext to the brim under the tls mask (3 × (16 401 − 4 chunk header) bytes), as a web server's bulk
 * records are. Larger than MASQ's 16 KiB reads: every cell costs a relay the same fixed work (three ciphers set up,
 * a table lookup, events), so fewer cells per megabyte is less CPU (docs/PERFORMANCE.md).
 */
export const MAX_CHUNK = 3 * (16_401 - 4) - 48;
export const MAX_DATA_PAYLOAD = MAX_CHUNK + AEAD_OVERHEAD;
export const MAX_OPEN_BODY = 4096;
/** A sealed u32 credit. */
export const WINDOW_BODY_BYTES = 4 + AEAD_OVERHEAD;
/** A sealed status byte. */
export const ANSWER_BODY_BYTES = 1 + AEAD_OVERHEAD;
/** Circuit ids are chosen by the Node sending OPEN: the high bit says which end of the link chose it. */
export const CIRCUIT_HIGH_BIT = 0x8000_0000;

export type Cell =
  | { type: typeof CELL_TYPE.open; circuit: number; header: Buffer; body: Buffer }
  | { type: typeof CELL_TYPE.data; circuit: number; seq: bigint; last: boolean; payload: Buffer }
  | { type: typeof CELL_TYPE.window; circuit: number; seq: bigint; body: Buffer }
  | { type: typeof CELL_TYPE.answer; circuit: number; seq: bigint; body: Buffer }
  | { type: typeof CELL_TYPE.destroy; circuit: number; reason: DestroyReason };

const REASONS = new Set<number>(Object.values(DESTROY_REASON));

/** A cell's bytes as [fixed fields, body]: the body (payload, OPEN body, credit) is the caller's buffer, not copied. */
export function encodeCellParts(c: Cell): Buffer[] {
  const w = new Writer().u8(c.type).u32(c.circuit);
  switch (c.type) {
    case CELL_TYPE.open:
      if (c.header.length !== HEADER_BYTES || c.body.length > MAX_OPEN_BODY) throw new RangeError('OPEN cell out of bounds');
      return [w.bytes(c.header).done(), c.body];
    case CELL_TYPE.data:
      if (c.payload.length > MAX_DATA_PAYLOAD) throw new RangeError('DATA payload out of bounds');
      return [w.u64(c.seq).u8(c.last ? 1 : 0).done(), c.payload];
    case CELL_TYPE.window:
      if (c.body.length !== WINDOW_BODY_BYTES) throw new RangeError('WINDOW body out of bounds');
      return [w.u64(c.seq).done(), c.body];
    case CELL_TYPE.answer:
      if (c.body.length !== ANSWER_BODY_BYTES) throw new RangeError('ANSWER body out of bounds');
      return [w.u64(c.seq).done(), c.body];
    case CELL_TYPE.destroy:
      return [w.u8(c.reason).done()];
  }
}

export function encodeCell(c: Cell): Buffer {
  return Buffer.concat(encodeCellParts(c));
}

/** Decodes one cell; throws a DecodeError (WIRE_DECODE) for anything malformed or out of bounds. */
export function decodeCell(buf: Buffer): Cell {
  const r = new Reader(buf, 'cell');
  const type = r.u8('type');
  const circuit = r.u32('circuit');
  switch (type) {
    case CELL_TYPE.open: {
      const header = r.bytes(HEADER_BYTES, 'route header');
      if (r.remaining() > MAX_OPEN_BODY) r.fail(`OPEN body of ${r.remaining()} bytes exceeds ${MAX_OPEN_BODY}`);
      return { type, circuit, header, body: r.bytes(r.remaining(), 'body') };
    }
    case CELL_TYPE.data: {
      const seq = r.u64('seq');
      const last = r.u8('last');
      if (last > 1) r.fail(`last flag ${last}`);
      if (r.remaining() > MAX_DATA_PAYLOAD) r.fail(`DATA payload of ${r.remaining()} bytes exceeds ${MAX_DATA_PAYLOAD}`);
      return { type, circuit, seq, last: last === 1, payload: r.bytes(r.remaining(), 'payload') };
    }
    case CELL_TYPE.window: {
      const seq = r.u64('seq');
      const body = r.bytes(WINDOW_BODY_BYTES, 'credit');
      r.end();
      return { type, circuit, seq, body };
    }
    case CELL_TYPE.answer: {
      const seq = r.u64('seq');
      const body = r.bytes(ANSWER_BODY_BYTES, 'status');
      r.end();
      return { type, circuit, seq, body };
    }
    case CELL_TYPE.destroy: {
      const reason = r.u8('reason');
      if (!REASONS.has(reason)) r.fail(`unknown DESTROY reason ${reason}`);
      r.end();
      return { type, circuit, reason: reason as DestroyReason };
    }
    default:
      return r.fail(`unknown cell type ${type}`);
  }
}

export const cellCodec: Codec<Cell> = { encode: encodeCell, decode: decodeCell };
