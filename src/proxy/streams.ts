// Socket plumbing of the entry: the first byte (bounded reads of a prefix are src/system's readPrefix), splicing two
// streams with backpressure and half-close, and ending a connection with a last reply. Every timer started here is
// cleared.

import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { PrefixAborted, readPrefix } from '../system/index.js';

export { PrefixAborted, readPrefix };

/** After one side has finished, how long the other gets to finish too. */
export const LINGER_MS = 5000;

/** The first byte the client sends, or undefined if it closes first. */
export async function firstBytes(sock: Socket, start: Buffer): Promise<Buffer | undefined> {
  try {
    return (await readPrefix(sock, start, 1, (b) => (b.length > 0 ? b : undefined))).buf;
  } catch (e) {
    if (e instanceof PrefixAborted) return undefined;
    throw e;
  }
}

/** Sends a last reply and closes; what the client still sends is read and dropped, for LINGER_MS at most. */
export function finish(sock: Socket, reply?: Buffer): void {
  if (sock.destroyed) return;
  sock.on('data', () => undefined);
  sock.setTimeout(LINGER_MS, () => sock.destroy());
  if (reply) sock.end(reply);
  else sock.end();
  sock.resume();
}

type Timed = Duplex & { setTimeout?: (ms: number, cb?: () => void) => unknown };

/**
 * Joins client and upstream with backpressure (pipe). Each side's end is passed on to the other (half-close);
 * an error, an idle timeout or the client's full close ends both. `first` goes upstream before the client's stream.
 */
export function splice(client: Socket, upstream: Duplex, first: Buffer, idleMs: number): void {
  const kill = (): void => {
    client.destroy();
    upstream.destroy();
  };
  if (upstream.destroyed) return kill();
  client.on('error', kill);
  upstream.on('error', kill);
  client.removeAllListeners('timeout');
  client.setTimeout(idleMs, kill);
  (upstream as Timed).setTimeout?.(idleMs, kill);
  client.once('close', () => upstream.destroy());
  upstream.once('close', () => {
    if (client.destroyed) return;
    // Whatever the server sent has been passed on; the client gets a moment to finish, then goes.
    client.end();
    client.setTimeout(LINGER_MS);
  });
  if (first.length > 0) upstream.write(first);
  client.pipe(upstream);
  upstream.pipe(client);
}
