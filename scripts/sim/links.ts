// One Node's links in the simulation: the PeerLinks the real Neighborhood takes (src/neighborhood/peers.ts), over
// network.ts's link model instead of TCP and Noise. The owner's rules reach it as they reach Peers: which keys and
// addresses it refuses, and where a peer listens.

import { EventEmitter } from 'node:events';
import type { PeerTransportEvents, RecordKind } from '../../src/mesh/index.js';
import { type PeerLinks, type PeersOptions, keyOf } from '../../src/neighborhood/index.js';
import { MasqError } from '../../src/system/index.js';
import type { Endpoint, SimNetwork } from './network.js';

export class SimLinks extends EventEmitter<PeerTransportEvents> implements PeerLinks, Endpoint {
  readonly key: string;
  accepts = false;
  private closed = false;

  constructor(readonly ip: string, private readonly net: SimNetwork, private readonly o: PeersOptions) {
    super();
    this.key = keyOf(o.link.publicKey);
    net.add(this);
  }

  // ── what the Neighborhood calls ──

  /** Standard mode: from now on dials to our IP reach us (the port is the model's one). */
  listen(): Promise<void> {
    this.accepts = true;
    return Promise.resolve();
  }

  dial(ip: string, _port: number, x25519: Buffer): Promise<string> {
    const hex = x25519.toString('hex');
    const linked = this.linked().find((k) => k.startsWith(hex));
    if (linked) return Promise.resolve(linked);
    if (this.closed) return Promise.reject(new MasqError('PEER_UNREACHABLE', 'the Neighborhood is closed'));
    if (this.o.refused(undefined, ip)) return Promise.reject(new MasqError('PEER_UNREACHABLE', `${ip} is banned`));
    return new Promise((resolve, reject) => {
      this.net.dial(this, ip, hex, (peer) => (peer !== undefined ? resolve(peer) : reject(new MasqError('PEER_UNREACHABLE', `nobody at ${ip} linked`))));
    });
  }

  dialing(ip: string): boolean {
    return this.net.dialing(this.key, ip);
  }

  dialingAny(): boolean {
    return this.net.dialingAny(this.key);
  }

  linked(): string[] {
    return this.net.linked(this.key);
  }

  isLinked(peer: string): boolean {
    return this.net.isLinked(this.key, peer);
  }

  ipOf(peer: string): string | undefined {
    return this.isLinked(peer) ? this.net.ipOf(peer) : undefined;
  }

  send(peer: string, kind: RecordKind, body: Buffer | readonly Buffer[]): boolean {
    return this.net.send(this, peer, kind, Buffer.isBuffer(body) ? body : Buffer.concat(body));
  }

  async ensure(peer: string): Promise<void> {
    if (this.isLinked(peer)) return;
    const at = this.o.addressOf(peer);
    if (!at) throw new MasqError('PEER_UNREACHABLE', `no address known for ${peer.slice(0, 8)}`);
    if ((await this.dial(at.ip, at.port, Buffer.from(peer.slice(0, 64), 'hex'))) !== peer) throw new MasqError('PEER_UNREACHABLE', `the Node at ${at.ip} is another`);
  }

  disconnect(peer: string): void {
    this.net.disconnect(this, peer);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const k of this.linked()) this.net.disconnect(this, k);
    return Promise.resolve();
  }

  // No byte queues in the model: never congested, nothing to pause.
  readonly congested = (): boolean => false;
  readonly drained = (): Promise<void> => Promise.resolve();
  readonly pause = (): void => {};
  readonly resume = (): void => {};

  // ── what the network calls ──

  refuses(key: string, ip: string): boolean {
    return this.closed || key === this.key || this.o.refused(key, ip);
  }

  linkUp(peer: string, ip: string): void {
    if (!this.closed) this.emit('up', peer, ip);
  }

  linkDown(peer: string): void {
    if (!this.closed) this.emit('down', peer);
  }

  record(peer: string, kind: RecordKind, body: Buffer, ip: string): void {
    this.emit('record', peer, kind, body, ip);
  }
}
