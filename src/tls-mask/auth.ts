// How a dialer proves, inside an ordinary-looking ClientHello, that it knows the listener's public key, so that the
// listener can tell a neighbor from a stranger (a scanner, a censor's prober) before it answers anything.
//
// The dialer's X25519 key share is a fresh ephemeral key e. Both ends compute s = X25519(e, S), S being the
// listener's static X25519 key, which only a holder of its descriptor knows. From s (HKDF-SHA256):
//   - the ClientHello's random is [4 bytes: Unix time XOR a mask from s and the other 28 bytes][28 random bytes];
//   - its 32-byte session id is HMAC-SHA256(s's auth key, "session" ‖ random ‖ server name).
// The listener takes it only with the right session id, a time within WINDOW_S of its own, and a session id it
// has not seen in that window: a recorded ClientHello replayed later, or twice, is a stranger's.

import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const WINDOW_S = 120;
/** Session ids remembered to refuse replays; past this many the oldest are forgotten (they are soon out of window). */
export const MAX_REMEMBERED = 65_536;
const SALT = Buffer.from('masq-tls-mask/1');

export interface AuthKeys {
  /** Proves the ClientHello. */
  auth: Buffer;
  /** Masks the time in the random. */
  time: Buffer;
}

/** The keys from the X25519 secret of the dialer's ephemeral key and the listener's static key. */
export function authKeys(secret: Buffer): AuthKeys {
  const okm = Buffer.from(hkdfSync('sha256', secret, SALT, 'hello', 64));
  return { auth: okm.subarray(0, 32), time: okm.subarray(32) };
}

const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** The random a dialer sends: `nonce` (28 random bytes) after the masked time. */
export function helloRandom(keys: AuthKeys, unixSeconds: number, nonce: Buffer): Buffer {
  const mask = hmac(keys.time, nonce).readUInt32BE(0);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE((unixSeconds ^ mask) >>> 0);
  return Buffer.concat([head, nonce]);
}

export function sessionIdFor(keys: AuthKeys, random: Buffer, serverName: string): Buffer {
  return hmac(keys.auth, Buffer.from('session'), random, Buffer.from(serverName, 'ascii'));
}

/** The time a random carries (its sender's clock). */
export function helloTime(keys: AuthKeys, random: Buffer): number {
  return (random.readUInt32BE(0) ^ hmac(keys.time, random.subarray(4)).readUInt32BE(0)) >>> 0;
}

export type Verdict = { ok: true } | { ok: false; why: 'proof' | 'time' | 'replay' };

/** Remembers the session ids of accepted hellos within the window, bounded. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = MAX_REMEMBERED) {}

  /** Checks a ClientHello's fields; an accepted one is remembered, so it is accepted once. */
  check(keys: AuthKeys, hello: { random: Buffer; sessionId: Buffer; serverName: string | undefined }, nowS: number): Verdict {
    const expected = sessionIdFor(keys, hello.random, hello.serverName ?? '');
    if (hello.sessionId.length !== expected.length || !timingSafeEqual(hello.sessionId, expected)) return { ok: false, why: 'proof' };
    if (Math.abs(helloTime(keys, hello.random) - nowS) > WINDOW_S) return { ok: false, why: 'time' };
    const id = hello.sessionId.toString('base64');
    this.forget(nowS);
    if (this.seen.has(id)) return { ok: false, why: 'replay' };
    if (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(id, nowS);
    return { ok: true };
  }

  private forget(nowS: number): void {
    // In order of insertion, which is (nearly) the order of time: stop at the first one still in the window.
    for (const [id, at] of this.seen) {
      if (nowS - at <= 2 * WINDOW_S) break;
      this.seen.delete(id);
    }
  }
}
