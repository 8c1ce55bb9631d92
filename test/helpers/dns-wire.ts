// Hand-built DNS queries and a small independent reader of responses, for the entry DNS codec's tests.

export function encodeName(name: string): Buffer {
  const labels = name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l, 'ascii')]));
  return Buffer.concat([...labels, Buffer.of(0)]);
}

export interface QueryOptions {
  id?: number;
  opcode?: number;
  rd?: boolean;
  type?: number;
  cls?: number;
  qdcount?: number;
}

export function buildQuery(name: string, o: QueryOptions = {}): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(o.id ?? 0x1234, 0);
  h.writeUInt16BE(((o.opcode ?? 0) << 11) | ((o.rd ?? true) ? 0x0100 : 0), 2);
  h.writeUInt16BE(o.qdcount ?? 1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(o.type ?? 1, 0);
  tail.writeUInt16BE(o.cls ?? 1, 2);
  return Buffer.concat([h, encodeName(name), tail]);
}

export interface Parsed {
  id: number;
  qr: boolean;
  opcode: number;
  rd: boolean;
  ra: boolean;
  rcode: number;
  qdcount: number;
  questionName?: string;
  questionType?: number;
  answers: { type: number; cls: number; ttl: number; data: Buffer; namePointer: number }[];
}

function readPlainName(b: Buffer, at: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = at;
  for (let guard = 0; guard < 128; guard++) {
    const len = b[pos];
    if (len === undefined) throw new Error('name past the end');
    if (len === 0) return { name: labels.join('.'), end: pos + 1 };
    labels.push(b.subarray(pos + 1, pos + 1 + len).toString('latin1'));
    pos += 1 + len;
  }
  throw new Error('name too long');
}

/** Reads a response as the codec writes it: header, at most one uncompressed question, answers named by a pointer. */
export function parseResponse(b: Buffer): Parsed {
  if (b.length < 12) throw new Error('short response');
  const flags = b.readUInt16BE(2);
  const qdcount = b.readUInt16BE(4);
  const ancount = b.readUInt16BE(6);
  const p: Parsed = {
    id: b.readUInt16BE(0), qr: (flags & 0x8000) !== 0, opcode: (flags >> 11) & 0xf, rd: (flags & 0x100) !== 0,
    ra: (flags & 0x80) !== 0, rcode: flags & 0xf, qdcount, answers: [],
  };
  let pos = 12;
  if (qdcount > 1) throw new Error('more than one question');
  if (qdcount === 1) {
    const { name, end } = readPlainName(b, pos);
    p.questionName = name;
    p.questionType = b.readUInt16BE(end);
    pos = end + 4;
  }
  for (let i = 0; i < ancount; i++) {
    const namePointer = b.readUInt16BE(pos);
    const len = b.readUInt16BE(pos + 10);
    p.answers.push({ namePointer, type: b.readUInt16BE(pos + 2), cls: b.readUInt16BE(pos + 4), ttl: b.readUInt32BE(pos + 6), data: b.subarray(pos + 12, pos + 12 + len) });
    pos += 12 + len;
  }
  if (pos !== b.length) throw new Error(`response has ${b.length - pos} trailing bytes`);
  return p;
}
