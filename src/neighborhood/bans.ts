// Bans of misbehaving neighbors, by public key and by IP address, with expiry. MASQ only logs malefactors
// (docs/MESH.md, 'Gossip'); we refuse their links for a while. Pure: time is passed in; both tables are bounded.

import { shortKey } from './database.js';

/** What a peer can do wrong, and how much it weighs; reaching BAN_THRESHOLD within OFFENCE_WINDOW_MS bans. */
export const OFFENCES = {
  forgedSignature: { weight: 3, text: 'a record whose signature does not verify' },
  undecodableGossip: { weight: 3, text: 'Gossip that does not decode or exceeds a limit' },
  malformedGossip: { weight: 3, text: 'malformed Gossip' },
  contradictoryRecord: { weight: 3, text: 'a record contradicting what it said before' },
  unknownRecord: { weight: 3, text: 'a link record of unknown kind' },
  misbehaviour: { weight: 3, text: 'misbehaviour reported by the hopper' },
  // One broken handshake can be a network accident; three in a minute from one address are not.
  handshake: { weight: 1, text: 'a failed handshake or garbage on the clandestine port' },
} as const;

export type Offence = keyof typeof OFFENCES;

export const BAN_THRESHOLD = 3;
export const OFFENCE_WINDOW_MS = 60_000;
export const DEFAULT_BAN_MS = 10 * 60_000;
/** Most bans (and most offenders under watch) held at once; the oldest give way first. */
export const MAX_BANS = 4096;

export interface Offender {
  key?: string;
  ip?: string;
}

export interface Ban extends Offender {
  until: number;
  reason: string;
}

export class Bans {
  private readonly bans = new Map<string, Ban>();
  private readonly scores = new Map<string, { at: number; weight: number }[]>();

  constructor(private readonly banMs = DEFAULT_BAN_MS, private readonly limit = MAX_BANS) {}

  /** Counts an offence (by key when known, else by address); returns the ban it triggers, if any. */
  offend(who: Offender, offence: Offence, detail: string, now: number): Ban | undefined {
    const id = who.key !== undefined ? `k:${who.key}` : who.ip !== undefined ? `i:${who.ip}` : undefined;
    if (id === undefined) return undefined;
    const recent = (this.scores.get(id) ?? []).filter((s) => now - s.at < OFFENCE_WINDOW_MS);
    recent.push({ at: now, weight: OFFENCES[offence].weight });
    this.scores.delete(id);
    if (recent.reduce((sum, s) => sum + s.weight, 0) >= BAN_THRESHOLD) {
      return this.ban(who, detail ? `${OFFENCES[offence].text} (${detail})` : OFFENCES[offence].text, now);
    }
    // Re-inserted at the end so the Map's order is least recently offending first.
    this.scores.set(id, recent.slice(-BAN_THRESHOLD));
    evictOldest(this.scores, this.limit);
    return undefined;
  }

  /** Bans the key and the address given, whichever are known. */
  ban(who: Offender, reason: string, now: number): Ban {
    const b: Ban = { ...who, until: now + this.banMs, reason };
    if (who.key !== undefined) this.put(`k:${who.key}`, b, now);
    if (who.ip !== undefined) this.put(`i:${who.ip}`, b, now);
    return b;
  }

  keyBanned(key: string, now: number): boolean {
    return this.active(`k:${key}`, now);
  }

  ipBanned(ip: string, now: number): boolean {
    return this.active(`i:${ip}`, now);
  }

  size(): number {
    return this.bans.size;
  }

  private active(id: string, now: number): boolean {
    const b = this.bans.get(id);
    if (!b) return false;
    if (b.until > now) return true;
    this.bans.delete(id);
    return false;
  }

  private put(id: string, b: Ban, now: number): void {
    this.bans.delete(id);
    this.scores.delete(id);
    if (this.bans.size >= this.limit) for (const [k, old] of this.bans) if (old.until <= now) this.bans.delete(k);
    this.bans.set(id, b);
    evictOldest(this.bans, this.limit);
  }
}

function evictOldest<K, V>(m: Map<K, V>, limit: number): void {
  for (const k of m.keys()) {
    if (m.size <= limit) return;
    m.delete(k);
  }
}

/** The warning line for a ban: "Banned <short key> (<ip>) for N s: <reason>". */
export function describeBan(b: Ban, now: number): string {
  const who = [b.key !== undefined ? shortKey(b.key) : undefined, b.ip !== undefined ? `(${b.ip})` : undefined].filter(Boolean).join(' ');
  return `Banned ${who} for ${Math.round((b.until - now) / 1000)} s: ${b.reason}`;
}
