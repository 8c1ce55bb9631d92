// masq-setup's two UI connections: one that only ever asks the Daemon (so it is never redirected), and one that asks
// the Node (the Daemon redirects it, and it falls back when the Node goes away). Both are opened when first needed
// and again after a loss, reading the UI token afresh (the Daemon makes a new one at each start). Broadcasts of
// both reach the listeners; the Node's log lines are kept in a bounded ring for the dashboard.

import type { Clock } from '../system/index.js';
import { type Answers, type Broadcast, ConnectionLost, type ConvOpcode, type Requests, UiClient } from '../ui/index.js';
import type { LogLine } from './api.js';

export const LOG_RING = 300;

export interface LinkOptions {
  port: number;
  token(): string | undefined;
  clock: Clock;
  /** How a client is opened; tests of the server pass their own. */
  connect?: (port: number, token: string | undefined) => Promise<UiClient>;
}

type Side = 'daemon' | 'node';

/** What the page's handlers use of the link; unit tests of the server give their own. */
export type Link = Pick<BoxLink, 'daemon' | 'node' | 'onBroadcast' | 'logs'>;

export class BoxLink {
  private readonly clients: Partial<Record<Side, Promise<UiClient>>> = {};
  private readonly listeners = new Set<(b: Broadcast) => void>();
  private readonly ring: LogLine[] = [];
  private readonly connect: (port: number, token: string | undefined) => Promise<UiClient>;

  constructor(private readonly o: LinkOptions) {
    this.connect = o.connect ?? ((port, token) => UiClient.connect(port, undefined, token));
  }

  daemon<Op extends ConvOpcode>(op: Op, payload: Requests[Op]): Promise<Answers[Op]> {
    return this.ask('daemon', op, payload);
  }

  node<Op extends ConvOpcode>(op: Op, payload: Requests[Op]): Promise<Answers[Op]> {
    return this.ask('node', op, payload);
  }

  onBroadcast(fn: (b: Broadcast) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  logs(): LogLine[] {
    return [...this.ring];
  }

  close(): void {
    for (const side of ['daemon', 'node'] as const) void this.drop(side);
  }

  private async ask<Op extends ConvOpcode>(side: Side, op: Op, payload: Requests[Op]): Promise<Answers[Op]> {
    // One retry on a fresh connection: the first may have died with a restart of the Daemon.
    for (let attempt = 0; ; attempt++) {
      const client = await this.client(side);
      try {
        return await client.request(op, payload);
      } catch (e) {
        if (!(e instanceof ConnectionLost) || attempt > 0) throw e;
        await this.drop(side);
      }
    }
  }

  private client(side: Side): Promise<UiClient> {
    const existing = this.clients[side];
    if (existing) return existing;
    const opened = this.connect(this.o.port, this.o.token()).then((c) => {
      c.onBroadcast((b) => this.heard(side, b));
      return c;
    });
    // A failed connect is not kept: the next request tries again.
    opened.catch(() => {
      if (this.clients[side] === opened) delete this.clients[side];
    });
    this.clients[side] = opened;
    return opened;
  }

  private async drop(side: Side): Promise<void> {
    const c = this.clients[side];
    delete this.clients[side];
    // A connection that never opened has nothing to close; its failure was told to whoever asked.
    (await c?.catch(() => undefined))?.close();
  }

  private heard(side: Side, b: Broadcast): void {
    if (b.opcode === 'crashed' && b.payload.crashReason === 'DaemonCrashed') void this.drop(side);
    // The Daemon's connection and the Node's both hear a crash; tell it once.
    if (b.opcode === 'crashed' && side === 'node') return;
    if (b.opcode === 'logBroadcast') {
      this.ring.push({ at: this.o.clock.now(), level: b.payload.logLevel, msg: b.payload.msg });
      if (this.ring.length > LOG_RING) this.ring.splice(0, this.ring.length - LOG_RING);
    }
    for (const l of this.listeners) l(b);
  }
}
