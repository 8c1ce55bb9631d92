// An in-memory PeerTransport for tests of the hopper and streams: Nodes of one process joined by "links" that
// deliver records in order on a later turn of the event loop. A test can cut a link and read what a Node sent.

import { EventEmitter } from 'node:events';
import type { PeerTransport, PeerTransportEvents, RecordKind } from '../../src/mesh/transport.js';
import { MasqError } from '../../src/system/errors.js';

export class MemoryNetwork {
  readonly nodes = new Map<string, MemoryTransport>();
  private readonly links = new Set<string>();

  private static edge(a: string, b: string): string {
    return a < b ? `${a}-${b}` : `${b}-${a}`;
  }

  add(peer: string): MemoryTransport {
    const t = new MemoryTransport(this, peer);
    this.nodes.set(peer, t);
    return t;
  }

  link(a: string, b: string): void {
    this.links.add(MemoryNetwork.edge(a, b));
    this.nodes.get(a)?.emit('up', b, '127.0.0.1');
    this.nodes.get(b)?.emit('up', a, '127.0.0.1');
  }

  cut(a: string, b: string): void {
    if (!this.links.delete(MemoryNetwork.edge(a, b))) return;
    this.nodes.get(a)?.emit('down', b);
    this.nodes.get(b)?.emit('down', a);
  }

  linked(a: string, b: string): boolean {
    return this.links.has(MemoryNetwork.edge(a, b));
  }
}

export class MemoryTransport extends EventEmitter<PeerTransportEvents> implements PeerTransport {
  /** Every record body this Node sent, with its peer, for tests that check what travels. */
  readonly sent: { peer: string; body: Buffer }[] = [];
  record = false;

  constructor(private readonly net: MemoryNetwork, readonly self: string) {
    super();
  }

  send(peer: string, kind: RecordKind, parts: Buffer | readonly Buffer[]): boolean {
    if (!this.net.linked(this.self, peer)) return false;
    const body = Buffer.concat(Buffer.isBuffer(parts) ? [parts] : parts);
    if (this.record) this.sent.push({ peer, body });
    const copy = Buffer.from(body);
    setImmediate(() => {
      if (this.net.linked(this.self, peer)) this.net.nodes.get(peer)?.emit('record', this.self, kind, copy, '127.0.0.1');
    });
    return true;
  }

  congested(): boolean {
    return false;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  pause(): void {}

  resume(): void {}

  isLinked(peer: string): boolean {
    return this.net.linked(this.self, peer);
  }

  ensure(peer: string): Promise<void> {
    return this.isLinked(peer) ? Promise.resolve() : Promise.reject(new MasqError('PEER_UNREACHABLE', `no link to ${peer.slice(0, 12)}`));
  }
}
