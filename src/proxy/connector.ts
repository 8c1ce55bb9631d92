// What the entry and an exit agree on: a target, the ways opening a stream to it can fail, and the Connector that
// opens it. The entry (index.ts) only knows this file; the direct exit (exit.ts) and the mesh's originator
// (src/stream/originator.ts) implement it.

import type { Duplex } from 'node:stream';

export interface Target {
  /** DNS name or IP literal (IPv6 without brackets). */
  host: string;
  port: number;
}

export type FailureKind = 'dns' | 'connect' | 'timeout' | 'refused-private' | 'route' | 'payment';

/** A stream could not be opened; `kind` decides what the client is told, the message is for the log. */
export class StreamFailure extends Error {
  constructor(readonly kind: FailureKind, readonly target: Target, detail: string) {
    super(detail);
    this.name = 'StreamFailure';
  }
}

/** How a stream reaches its destination. */
export interface Connector {
  /** Opens a stream to the target; rejects with a StreamFailure. An aborted signal means the client left. */
  open(target: Target, signal: AbortSignal): Promise<Duplex>;
}

/** "host:port", with brackets around an IPv6 literal. */
export function formatTarget(t: Target): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}
