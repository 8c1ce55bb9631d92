// Link sockets read into one buffer that the whole process shares. Node reads a socket into a 64 KiB buffer of its
// own, and when a read does not fill it, copies the bytes into a new, zero-filled buffer of their size before our
// code sees them (docs/PERFORMANCE.md): a memset and a memcpy of most of what a link receives. A link's frames are
// opened as their bytes arrive and nothing of a read is kept, so every link can read into the same buffer.
//
// Node does this for a socket given `onread`, but takes it only for a socket it makes, not for one a server
// accepts; so it is set here on the socket as Node sets it (the same three members), where this Node.js has them.

import type { Socket } from 'node:net';

/** As large as Node's own reads. */
const READ_BYTES = 64 * 1024;

/** A read as a view of the shared buffer, valid only during the call; false asks the socket to stop reading. */
export type OnRead = (bytes: Buffer) => boolean;

interface NodeSocketInternals {
  _handle?: { useUserBuffer?: (buffer: Uint8Array) => void } | null;
  [member: symbol]: unknown;
}

let shared: Buffer | undefined;
let members: { buffer: symbol; callback: symbol } | null | undefined;

/** Node's own symbols for a socket's user buffer and its callback, or null when this Node.js has none. */
function userBufferMembers(socket: Socket): { buffer: symbol; callback: symbol } | null {
  if (members !== undefined) return members;
  const own = Object.getOwnPropertySymbols(socket);
  const buffer = own.find((s) => s.description === 'kBuffer');
  const callback = own.find((s) => s.description === 'kBufferCb');
  members = buffer && callback ? { buffer, callback } : null;
  return members;
}

/**
 * Makes the socket read into the shared buffer and hand each read to `onRead`. False, and the socket left as it
 * was (reading as usual, its 'data' events), when this Node.js does not have the members it takes or the socket
 * has no handle.
 */
export function readIntoShared(socket: Socket, onRead: OnRead): boolean {
  const internals = socket as unknown as NodeSocketInternals;
  const handle = internals._handle;
  const m = userBufferMembers(socket);
  if (!m || typeof handle?.useUserBuffer !== 'function') return false;
  shared ??= Buffer.allocUnsafeSlow(READ_BYTES);
  const buffer = shared;
  internals[m.buffer] = buffer;
  internals[m.callback] = (n: number): boolean => onRead(buffer.subarray(0, n));
  handle.useUserBuffer(buffer);
  return true;
}
