// A PeerTransport over real neighbor links (src/link) for tests of the hopper and streams without the
// Neighborhood: a fixed topology dialed up front, ensure() only for peers already linked.

import { EventEmitter } from 'node:events';
import { type AddressInfo, type Server, createServer } from 'node:net';
import type { NodeIdentity } from '../../src/crypto/identity.js';
import { keyPairFromPrivate } from '../../src/crypto/noise.js';
import { type Link, type LinkOptions, acceptLink, dialLink } from '../../src/link/index.js';
import { type PeerTransport, type PeerTransportEvents, type RecordKind, isRecordKind } from '../../src/mesh/transport.js';
import { MasqError } from '../../src/system/errors.js';

export class LinkTransport extends EventEmitter<PeerTransportEvents> implements PeerTransport {
  private readonly links = new Map<string, Link>();
  /** Every record body this Node sent or received, when `record` is on: what a neighbor could observe. */
  readonly seen: Buffer[] = [];
  record = false;
  private server: Server | undefined;
  readonly options: LinkOptions;

  constructor(readonly identity: NodeIdentity) {
    super();
    this.options = { staticKeys: keyPairFromPrivate(identity.encryptionPrivate), publicKey: identity.publicKey, chainId: 2, idleTimeoutMs: 30_000 };
  }

  async listen(): Promise<number> {
    const server = createServer((s) => void acceptLink(s, this.options).then((l) => this.attach(l), () => undefined));
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }

  async dial(to: LinkTransport, port: number): Promise<void> {
    this.attach(await dialLink('127.0.0.1', port, to.identity.encryptionPublic, this.options));
  }

  private attach(link: Link): void {
    const peer = link.remotePublicKey.toString('hex');
    this.links.set(peer, link);
    link.on('record', (r) => {
      if (this.record) this.seen.push(r);
      const kind = r[0] as number;
      if (isRecordKind(kind)) this.emit('record', peer, kind, r.subarray(1), '127.0.0.1');
    });
    link.once('close', () => {
      if (this.links.get(peer) !== link) return;
      this.links.delete(peer);
      this.emit('down', peer);
    });
    this.emit('up', peer, '127.0.0.1');
  }

  /** Closes every link of this Node, as if it died. */
  cutAll(): void {
    for (const l of [...this.links.values()]) l.close();
  }

  send(peer: string, kind: RecordKind, body: Buffer | readonly Buffer[]): boolean {
    const link = this.links.get(peer);
    if (!link) return false;
    const r = Buffer.concat([Buffer.from([kind]), ...(Buffer.isBuffer(body) ? [body] : body)]);
    if (this.record) this.seen.push(r);
    link.send(r);
    return true;
  }

  congested(peer: string): boolean {
    return this.links.get(peer)?.congested ?? false;
  }

  drained(peer: string): Promise<void> {
    return this.links.get(peer)?.drained() ?? Promise.resolve();
  }

  pause(peer: string): void {
    this.links.get(peer)?.pause();
  }

  resume(peer: string): void {
    this.links.get(peer)?.resume();
  }

  isLinked(peer: string): boolean {
    return this.links.has(peer);
  }

  ensure(peer: string): Promise<void> {
    return this.links.has(peer) ? Promise.resolve() : Promise.reject(new MasqError('PEER_UNREACHABLE', `no link to ${peer.slice(0, 12)}`));
  }

  close(): void {
    this.cutAll();
    this.server?.close();
  }
}
