// The entry DNS server's codec (MASQ's entry_dns): every standard IN query for A or AAAA is answered with the
// addresses given, anything else with NotImp or FormErr. Pure and bounded; the UDP server is entry-server.ts.

import { MasqError } from '../system/index.js';

/** The largest query taken: plain DNS over UDP without EDNS. */
export const MAX_QUERY_BYTES = 512;
export const HEADER_BYTES = 12;
export const ANSWER_TTL = 3600;
export const TYPE = { A: 1, AAAA: 28 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NOTIMP: 4, REFUSED: 5 } as const;

const MAX_LABEL = 63;
const MAX_NAME = 255;
/** More pointers than a name of 255 bytes could need means a loop. */
const MAX_POINTERS = 127;
const QR = 0x8000;
const RD = 0x0100;
const RA = 0x0080;

export interface Question {
  /** The name as it is on the wire, uncompressed, with its terminating zero. */
  name: Buffer;
  type: number;
  class: number;
}

export interface Query {
  id: number;
  opcode: number;
  rd: boolean;
  question: Question;
}

export interface AnswerAddresses {
  /** Dotted IPv4, the answer to A. */
  ipv4: string;
  /** IPv6 text, the answer to AAAA; without it AAAA gets an empty answer (NOERROR, no record), so clients use IPv4. */
  ipv6?: string;
}

function formErr(message: string): MasqError {
  return new MasqError('DNS', `A DNS query does not parse: ${message}.`);
}

/** Reads a name at `at`, following backward compression pointers; returns it uncompressed and where it ended. */
export function readName(msg: Buffer, at: number): { name: Buffer; end: number } {
  const parts: Buffer[] = [];
  let length = 0;
  let pos = at;
  let end = -1;
  let pointers = 0;
  for (;;) {
    if (pos >= msg.length) throw formErr('a name runs past the end');
    const len = msg[pos] as number;
    if (len === 0) {
      parts.push(Buffer.of(0));
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) throw formErr('a compression pointer runs past the end');
      const target = ((len & 0x3f) << 8) | (msg[pos + 1] as number);
      // Only backward pointers: a forward one could loop or reach bytes no name owns.
      if (target >= pos) throw formErr('a compression pointer does not point back');
      if (++pointers > MAX_POINTERS) throw formErr('too many compression pointers');
      if (end < 0) end = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw formErr('a label has an unknown type');
    if (len > MAX_LABEL) throw formErr('a label is longer than 63 bytes');
    if (pos + 1 + len > msg.length) throw formErr('a label runs past the end');
    length += 1 + len;
    if (length + 1 > MAX_NAME) throw formErr('a name is longer than 255 bytes');
    parts.push(msg.subarray(pos, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: Buffer.concat(parts), end };
}

/** The query's header and its one question; throws a DNS MasqError for anything that does not parse. */
export function parseQuery(msg: Buffer): Query {
  if (msg.length < HEADER_BYTES) throw formErr('shorter than a header');
  if (msg.length > MAX_QUERY_BYTES) throw formErr(`longer than ${MAX_QUERY_BYTES} bytes`);
  const flags = msg.readUInt16BE(2);
  if (msg.readUInt16BE(4) !== 1) throw formErr('not exactly one question');
  const { name, end } = readName(msg, HEADER_BYTES);
  if (end + 4 > msg.length) throw formErr('the question is cut short');
  return {
    id: msg.readUInt16BE(0),
    opcode: (flags >> 11) & 0xf,
    rd: (flags & RD) !== 0,
    question: { name, type: msg.readUInt16BE(end), class: msg.readUInt16BE(end + 2) },
  };
}

function header(id: number, opcode: number, rd: boolean, rcode: number, questions: number, answers: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(QR | (opcode << 11) | (rd ? RD : 0) | RA | rcode, 2);
  h.writeUInt16BE(questions, 4);
  h.writeUInt16BE(answers, 6);
  return h;
}

function questionBytes(q: Question): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(q.type, 0);
  tail.writeUInt16BE(q.class, 2);
  return Buffer.concat([q.name, tail]);
}

function ipv4Bytes(text: string): Buffer {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new MasqError('DNS', `'${text}' is not an IPv4 address.`);
  return Buffer.from(parts);
}

function ipv6Bytes(text: string): Buffer {
  const halves = text.split('::');
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  const all = halves.length === 2 ? [...head, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tail] : head;
  if (halves.length > 2 || all.length !== 8 || (halves.length === 2 && missing < 1) || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) {
    throw new MasqError('DNS', `'${text}' is not an IPv6 address (dotted IPv4 tails are not taken).`);
  }
  const b = Buffer.alloc(16);
  all.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

/** The answer record: its name is a pointer to the question's, which always starts right after the header. */
function answerRecord(type: number, rdata: Buffer, ttl: number): Buffer {
  const r = Buffer.alloc(12);
  r.writeUInt16BE(0xc000 | HEADER_BYTES, 0);
  r.writeUInt16BE(type, 2);
  r.writeUInt16BE(CLASS_IN, 4);
  r.writeUInt32BE(ttl, 6);
  r.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([r, rdata]);
}

/** The header fields a response needs, or undefined when none is due: no ID to answer, or itself a response. */
function respondable(msg: Buffer): { id: number; flags: number } | undefined {
  if (msg.length < HEADER_BYTES) return undefined;
  const flags = msg.readUInt16BE(2);
  // Answering a response could loop two servers.
  if (flags & QR) return undefined;
  return { id: msg.readUInt16BE(0), flags };
}

/** The query parsed, or the FORMERR response it is owed. */
function parsedOr(msg: Buffer, h: { id: number; flags: number }): Query | Buffer {
  try {
    return parseQuery(msg);
  } catch (e) {
    if (!(e instanceof MasqError)) throw e;
    return header(h.id, (h.flags >> 11) & 0xf, (h.flags & RD) !== 0, RCODE.FORMERR, 0, 0);
  }
}

/**
 * The response to one datagram, or undefined when none is due (shorter than a header, or itself a response).
 * Answers carry `ttl` seconds: MASQ's hour by default; the whole-home mode gives less, so a device that stops
 * using the box does not hold on to its address for long.
 */
export function answerQuery(msg: Buffer, addresses: AnswerAddresses, ttl = ANSWER_TTL): Buffer | undefined {
  const h = respondable(msg);
  if (!h) return undefined;
  const q = parsedOr(msg, h);
  if (Buffer.isBuffer(q)) return q;
  const question = questionBytes(q.question);
  const { type } = q.question;
  if (q.opcode !== 0 || q.question.class !== CLASS_IN || (type !== TYPE.A && type !== TYPE.AAAA)) {
    return Buffer.concat([header(h.id, q.opcode, q.rd, RCODE.NOTIMP, 1, 0), question]);
  }
  const text = type === TYPE.A ? addresses.ipv4 : addresses.ipv6;
  if (text === undefined) return Buffer.concat([header(h.id, 0, q.rd, RCODE.NOERROR, 1, 0), question]);
  const rdata = type === TYPE.A ? ipv4Bytes(text) : ipv6Bytes(text);
  return Buffer.concat([header(h.id, 0, q.rd, RCODE.NOERROR, 1, 1), question, answerRecord(type, rdata, ttl)]);
}

/** REFUSED for a query this server will not answer (a client's resolver then asks its next server at once). */
export function refuseQuery(msg: Buffer): Buffer | undefined {
  const h = respondable(msg);
  if (!h) return undefined;
  const q = parsedOr(msg, h);
  if (Buffer.isBuffer(q)) return q;
  return Buffer.concat([header(h.id, q.opcode, q.rd, RCODE.REFUSED, 1, 0), questionBytes(q.question)]);
}

/** Checks answer addresses once, up front, so a bad one is a start-up error and not a failure per query. */
export function checkAddresses(addresses: AnswerAddresses): void {
  ipv4Bytes(addresses.ipv4);
  if (addresses.ipv6 !== undefined) ipv6Bytes(addresses.ipv6);
}
