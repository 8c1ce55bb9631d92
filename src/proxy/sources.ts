// Who may open a connection to the proxy: a caller's rule on the source address, a fair share of the connections
// per source, and the total. The counting is pure: index.ts feeds it each accepted socket's address and acts on the
// answer. Warnings about refusals are paced (per source) so that a flood cannot flood the log too.

import { unmappedIPv4 } from '../address-ranges/index.js';
import type { Clock, Logger } from '../system/index.js';

/** A single source never takes more than this share of the proxy, and never less than FLOOR_PER_SOURCE. */
const SHARE_DIVISOR = 8;
const FLOOR_PER_SOURCE = 32;

/** The default most connections one source address may hold: max(32, maxConnections / 8). */
export function fairShare(maxConnections: number): number {
  return Math.max(FLOOR_PER_SOURCE, Math.floor(maxConnections / SHARE_DIVISOR));
}

/** One warning per source per this many ms. */
export const NOTICE_EVERY_MS = 60_000;
/** Sources remembered for pacing; past it the oldest is forgotten (and may be warned about again sooner). */
export const MAX_NOTICED_SOURCES = 1024;

/** Says yes at most once per key per NOTICE_EVERY_MS, remembering at most MAX_NOTICED_SOURCES keys. */
export class Notices {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  due(key: string): boolean {
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev < NOTICE_EVERY_MS) return false;
    // Re-inserting keeps the map in order of the last notice, so the first key is the one to forget.
    this.last.delete(key);
    if (this.last.size >= MAX_NOTICED_SOURCES) this.last.delete(this.last.keys().next().value as string);
    this.last.set(key, t);
    return true;
  }
}

export type Admission = { ok: true; source: string } | { ok: false; source: string; why: 'not-allowed' | 'share' | 'full' };

export interface SourceRules {
  maxConnections: number;
  maxPerSource: number;
  allowed?: (ip: string) => boolean;
  /** Sources held to no share (only to the total). */
  unlimited?: (ip: string) => boolean;
}

/** Counts open connections per source; `admit` and `release` must pair up for every admitted connection. */
export class SourceCounter {
  private readonly open = new Map<string, number>();
  private total = 0;

  constructor(private readonly rules: SourceRules) {}

  admit(remoteAddress: string | undefined): Admission {
    // A socket already reset has no address: refusing it costs nothing.
    const source = unmappedIPv4(remoteAddress ?? '');
    if (source === '' || !this.permitted(source)) return { ok: false, source, why: 'not-allowed' };
    if (this.total >= this.rules.maxConnections) return { ok: false, source, why: 'full' };
    const held = this.open.get(source) ?? 0;
    if (held >= this.rules.maxPerSource && !this.rules.unlimited?.(source)) return { ok: false, source, why: 'share' };
    this.open.set(source, held + 1);
    this.total += 1;
    return { ok: true, source };
  }

  /** The caller's rule; one that throws refuses, logged as any refusal (a mistaken rule must not take the Node down). */
  private permitted(source: string): boolean {
    if (!this.rules.allowed) return true;
    try {
      return this.rules.allowed(source);
    } catch {
      return false;
    }
  }

  release(source: string): void {
    const held = this.open.get(source) ?? 0;
    if (held <= 1) this.open.delete(source);
    else this.open.set(source, held - 1);
    this.total -= 1;
  }
}

/** At most one "proxy full" warning per this many ms, counting the connections closed in between. */
const FULL_WARN_MS = 10_000;

/** Tells the log about refused connections, paced. */
export class Refusals {
  private readonly notices: Notices;
  private fullSinceWarn = 0;
  private lastFullWarn = -Infinity;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly limits: { maxConnections: number; maxPerSource: number },
  ) {
    this.notices = new Notices(() => clock.now());
  }

  /** Whether a warning about `key` (a kind and a source) may be logged now. */
  due(key: string): boolean {
    return this.notices.due(key);
  }

  tell(a: Admission & { ok: false }): void {
    if (a.why === 'not-allowed') {
      if (a.source !== '' && this.due(`source ${a.source}`)) this.log.warn(`Refused a connection from ${a.source}: not on this box's local networks`);
    } else if (a.why === 'share') {
      if (this.due(`share ${a.source}`)) this.log.warn(`Closed new connections from ${a.source} at once: it holds ${this.limits.maxPerSource}, the most one source may hold`);
    } else {
      this.fullSinceWarn += 1;
      const now = this.clock.now();
      if (now - this.lastFullWarn < FULL_WARN_MS) return;
      this.log.warn(`Closed ${this.fullSinceWarn} new connection(s) at once: ${this.limits.maxConnections} are open, the most this proxy takes`);
      this.lastFullWarn = now;
      this.fullSinceWarn = 0;
    }
  }
}
