// What the entry and an exit agree on: a target, the ways opening a stream to it can fail, and the Connector that
// opens it. The proxy's entry knows only this; the direct exit (proxy) and the streams over routes (stream) implement it.

import type { Duplex } from 'node:stream';
import { MasqError } from '../system/index.js';

export interface Target {
  /** DNS name or IP literal (IPv6 without brackets). */
  host: string;
  port: number;
}

export type FailureKind = 'dns' | 'connect' | 'timeout' | 'refused-private' | 'route' | 'exit-country' | 'payment';

/** A stream could not be opened; `kind` decides what the client is told, the message is for the log. */
export class StreamFailure extends MasqError {
  /** `about`: what the client's page names beside the target (for exit-country, the countries). */
  constructor(readonly kind: FailureKind, readonly target: Target, detail: string, readonly about?: string) {
    super('STREAM_OPEN', detail);
    this.name = 'StreamFailure';
  }
}

/** How a stream reaches its destination. */
export interface Connector {
  /**
   * Opens a stream to the target; rejects with a StreamFailure. An aborted signal means the client left. `early`:
   * the client's first bytes when they are in already (an HTTP request, a TLS ClientHello), which the stream
   * carries first: the mesh's connector sends them right behind its OPEN (one round trip less), the direct exit
   * writes them once connected.
   */
  open(target: Target, signal: AbortSignal, early?: Buffer): Promise<Duplex>;
}

/** "host:port", with brackets around an IPv6 literal. */
export function formatTarget(t: Target): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}
