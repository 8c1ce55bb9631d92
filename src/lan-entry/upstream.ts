// The box's own DNS queries, when its resolver is the box itself: passed on to a real server (the default gateway,
// where home routers answer DNS) and the answer handed back. Bounded in queries waiting and in time; an answer is
// taken only from the server asked, from port 53, with the ID it was sent with and the same question.

import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { HEADER_BYTES, MAX_QUERY_BYTES, parseQuery } from '../dns/index.js';
import { MasqError } from '../system/index.js';

export const FORWARD_TIMEOUT_MS = 3000;
export const MAX_PENDING = 256;
/** The largest answer passed back: plain DNS over UDP, as the box's resolver asked without EDNS or with it. */
const MAX_ANSWER_BYTES = 4096;

interface Pending {
  id: number;
  server: string;
  question: Buffer;
  reply(answer: Buffer): void;
  timer: NodeJS.Timeout;
}

export interface UpstreamOptions {
  /** Where to ask, best first (only the first is asked: the box's resolver retries by itself). */
  servers(): string[];
  port?: number;
  timeoutMs?: number;
  onError(e: unknown): void;
}

export class Upstream {
  private socket: Socket | undefined;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly o: UpstreamOptions) {}

  /** Sends the query on; false when it cannot be (no server, malformed, too many waiting): refuse it then. */
  forward(query: Buffer, reply: (answer: Buffer) => void): boolean {
    const server = this.o.servers()[0];
    if (server === undefined || this.pending.size >= MAX_PENDING || query.length > MAX_QUERY_BYTES) return false;
    let question: Buffer;
    try {
      const q = parseQuery(query);
      question = query.subarray(HEADER_BYTES, HEADER_BYTES + q.question.name.length + 4);
    } catch (e) {
      // A query that does not parse is not sent anywhere: the door refuses it.
      if (e instanceof MasqError) return false;
      throw e;
    }
    let id = randomInt(0x10000);
    for (let tries = 0; this.pending.has(id) && tries < 16; tries++) id = randomInt(0x10000);
    if (this.pending.has(id)) return false;
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    const timer = setTimeout(() => this.pending.delete(id), this.o.timeoutMs ?? FORWARD_TIMEOUT_MS);
    this.pending.set(id, { id: query.readUInt16BE(0), server, question: Buffer.from(question), reply, timer });
    this.ensureSocket().send(out, this.o.port ?? 53, server, (e) => {
      if (!e) return;
      clearTimeout(timer);
      this.pending.delete(id);
      this.o.onError(e);
    });
    return true;
  }

  private ensureSocket(): Socket {
    if (this.socket) return this.socket;
    const s = createSocket('udp4');
    s.on('message', (msg, rinfo) => this.answered(msg, rinfo));
    s.on('error', (e) => this.o.onError(e));
    // Bound to a random port of the kernel's choosing, which a spoofer would have to guess along with the ID.
    s.bind(0);
    this.socket = s;
    return s;
  }

  private answered(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length < HEADER_BYTES || msg.length > MAX_ANSWER_BYTES || rinfo.port !== (this.o.port ?? 53)) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    if (!p || p.server !== rinfo.address || !msg.subarray(HEADER_BYTES, HEADER_BYTES + p.question.length).equals(p.question)) return;
    clearTimeout(p.timer);
    this.pending.delete(msg.readUInt16BE(0));
    const answer = Buffer.from(msg);
    answer.writeUInt16BE(p.id, 0);
    p.reply(answer);
  }

  waiting(): number {
    return this.pending.size;
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.socket?.close();
    this.socket = undefined;
  }
}
