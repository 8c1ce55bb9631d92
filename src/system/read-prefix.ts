// A bounded read of a protocol's first bytes from a socket: what the proxy reads to learn where a client goes, and
// what a link under the tls mask reads of a TLS handshake. Every listener and timer it adds is removed again.

import type { Socket } from 'node:net';

/**
 * The peer went away, or sent more than a prefix may have, before the prefix was complete. Control flow only:
 * whoever reads a prefix ends the connection on it quietly.
 */
export class PrefixAborted extends Error {}

export interface PrefixOptions {
  /** Gives up after this long, rejecting with `onDeadline()` (PrefixAborted by default). */
  deadlineMs?: number;
  onDeadline?: () => Error;
}

/**
 * Collects bytes from a socket, starting with `start`, until `parse` returns a value; a `parse` that throws ends it
 * with that error. Keeps at most `max` bytes plus one network chunk. Leaves the socket paused with every byte it
 * read in the returned `buf`.
 */
export function readPrefix<T>(sock: Socket, start: Buffer, max: number, parse: (buf: Buffer) => T | undefined, o: PrefixOptions = {}): Promise<{ value: T; buf: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = start;
    const timer = o.deadlineMs === undefined ? undefined : setTimeout(() => {
      finish();
      reject(o.onDeadline?.() ?? new PrefixAborted('too slow'));
    }, o.deadlineMs);
    const finish = (): void => {
      clearTimeout(timer);
      sock.removeListener('data', onData);
      sock.removeListener('end', onEnd);
      sock.removeListener('close', onEnd);
      sock.pause();
    };
    const attempt = (): boolean => {
      let value: T | undefined;
      try {
        value = parse(buf);
      } catch (e) {
        finish();
        reject(e);
        return true;
      }
      if (value !== undefined) {
        finish();
        resolve({ value, buf });
        return true;
      }
      if (buf.length >= max) {
        finish();
        reject(new PrefixAborted('prefix too long'));
        return true;
      }
      return false;
    };
    function onData(d: Buffer): void {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      attempt();
    }
    function onEnd(): void {
      finish();
      reject(new PrefixAborted('client closed'));
    }
    if (start.length > 0 && attempt()) return;
    if (sock.destroyed || sock.readableEnded) return onEnd();
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.once('close', onEnd);
    sock.resume();
  });
}
