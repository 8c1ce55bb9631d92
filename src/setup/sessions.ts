// Sessions of the page: a visitor who gave the right setup code (until they choose the admin password), and a
// logged-in administrator. Kept in memory only (a restart of masq-setup logs everyone out), bounded, each id 256
// random bits, a new id at every login.

import { randomBytes } from 'node:crypto';
import type { Clock } from '../system/index.js';

export const SESSION_COOKIE = 'masq_session';
export const IDLE_MS = 30 * 60_000;
export const MAX_AGE_MS = 12 * 3600_000;
const MAX_SESSIONS = 64;

export type SessionKind = 'code' | 'admin';

export interface Session {
  id: string;
  kind: SessionKind;
  created: number;
  seen: number;
  /** A code session: the setup code it proved, needed again to claim. */
  code?: string;
  /** A generated phrase waiting for its words to be confirmed; dropped once they are. */
  pendingWords?: { words: string[]; positions: number[] };
}

export class Sessions {
  private readonly all = new Map<string, Session>();

  constructor(private readonly clock: Clock) {}

  create(kind: SessionKind, extra: Partial<Pick<Session, 'code'>> = {}): Session {
    this.sweep();
    if (this.all.size >= MAX_SESSIONS) {
      const oldest = [...this.all.values()].sort((a, b) => a.seen - b.seen)[0];
      if (oldest) this.all.delete(oldest.id);
    }
    const now = this.clock.now();
    const s: Session = { id: randomBytes(32).toString('base64url'), kind, created: now, seen: now, ...extra };
    this.all.set(s.id, s);
    return s;
  }

  /** The live session of this id, touched; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const s = this.all.get(id);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.seen > IDLE_MS || now - s.created > MAX_AGE_MS) {
      this.all.delete(id);
      return undefined;
    }
    s.seen = now;
    return s;
  }

  destroy(id: string | undefined): void {
    if (id !== undefined) this.all.delete(id);
  }

  /** After a password change or a claim reset, every other session ends. */
  destroyAllBut(keep?: string): void {
    for (const id of [...this.all.keys()]) if (id !== keep) this.all.delete(id);
  }

  private sweep(): void {
    for (const id of [...this.all.keys()]) this.get(id);
  }
}

/** The value of one cookie from a Cookie header; bounded, no decoding beyond what the ids need. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(v) ? v : undefined;
    }
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), the whole page's path. */
export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${MAX_AGE_MS / 1000}`;
}

export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}
