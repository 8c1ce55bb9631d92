// The links to neighbor Nodes: the clandestine listener, dialing, at most one link per peer, and the record-kind
// byte. Implements the PeerTransport seam for the hopper; gossip records go to the Neighborhood service alike.
// Refuses banned keys and addresses at once and bounds what a stranger can hold open.

import { EventEmitter } from 'node:events';
import { type Server, type Socket, createServer } from 'node:net';
import { type Link, type LinkOptions, Stranger, acceptLink, dialLink } from '../link/index.js';
import { KIND_BYTES, type PeerTransport, type PeerTransportEvents, type RecordKind, isRecordKind } from '../mesh/index.js';
import { describeError, type Logger, MasqError } from '../system/index.js';
import type { Offence } from './bans.js';
import { keyOf, shortKey } from './database.js';

/** Inbound sockets still in their handshake; more are dropped unanswered. */
export const MAX_PENDING_HANDSHAKES = 64;
export const MAX_LINKS = 256;
/** Dials under way at once. */
export const MAX_DIALS = 32;

export interface PeersOptions {
  link: LinkOptions;
  /** Where a peer listens, if we know. */
  addressOf(peer: string): { ip: string; port: number } | undefined;
  /** Whether to dial the Node with this X25519 key (hex) with the tls mask: its record says, else our own mask. */
  dialsTls(x25519Hex: string): boolean;
  /** Whether a key (once known) or an address is banned. */
  refused(key: string | undefined, ip: string): boolean;
  /** A peer or address did something wrong; the owner of the bans decides what follows. */
  offence(key: string | undefined, ip: string, offence: Offence, detail: string): void;
  log: Logger;
}

interface Linked {
  link: Link;
  outbound: boolean;
  ip: string;
}

/**
 * What the Neighborhood needs of its links: the transport the hopper sends on, and listening, dialing and closing.
 * Peers is the TCP one; the simulator (docs/SIMULATION.md) passes its own.
 */
export type PeerLinks = PeerTransport & Pick<Peers, 'listen' | 'dial' | 'dialing' | 'dialingAny' | 'linked' | 'ipOf' | 'disconnect' | 'close'>;

const plainIp = (ip: string | undefined): string => (ip ?? '').replace(/^::ffff:/, '');

export class Peers extends EventEmitter<PeerTransportEvents> implements PeerTransport {
  private readonly links = new Map<string, Linked>();
  private readonly dials = new Map<string, Promise<string>>();
  private readonly handshaking = new Set<Socket>();
  private readonly ownKey: string;
  private server: Server | undefined;
  private closed = false;

  constructor(private readonly o: PeersOptions) {
    super();
    this.ownKey = keyOf(o.link.publicKey);
  }

  /** Opens the clandestine port; a taken port rejects with PORT_IN_USE. */
  listen(host: string, port: number): Promise<void> {
    const server = createServer((socket) => this.inbound(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        reject(e.code === 'EADDRINUSE'
          ? new MasqError('PORT_IN_USE', `The clandestine port ${host}:${port} is already taken.`, 'Choose another --clandestine-port or stop what uses it.')
          : e);
      });
      server.listen(port, host, () => resolve());
    });
  }

  private inbound(socket: Socket): void {
    const ip = plainIp(socket.remoteAddress);
    if (this.closed || this.o.refused(undefined, ip) || this.handshaking.size >= MAX_PENDING_HANDSHAKES) {
      socket.destroy();
      return;
    }
    this.handshaking.add(socket);
    acceptLink(socket, this.o.link).then(
      (link) => {
        this.handshaking.delete(socket);
        this.adopt(link, false, ip);
      },
      (e: unknown) => {
        this.handshaking.delete(socket);
        // A stranger under the tls mask is the decoy's now (it logged the visit): not an offence.
        if (!this.closed && !(e instanceof Stranger)) this.o.offence(undefined, ip, 'handshake', describeError(e));
      },
    );
  }

  /** Links to the Node listening at ip:port with this X25519 key; resolves with its full key. */
  dial(ip: string, port: number, x25519: Buffer): Promise<string> {
    const linked = [...this.links.keys()].find((k) => k.startsWith(x25519.toString('hex')));
    if (linked) return Promise.resolve(linked);
    const id = `${ip}:${port}`;
    const under = this.dials.get(id);
    if (under) return under;
    if (this.closed) return Promise.reject(new MasqError('PEER_UNREACHABLE', 'the Neighborhood is closed'));
    if (this.o.refused(undefined, ip)) return Promise.reject(new MasqError('PEER_UNREACHABLE', `${ip} is banned`));
    if (this.dials.size >= MAX_DIALS) return Promise.reject(new MasqError('PEER_UNREACHABLE', `${MAX_DIALS} dials are under way already`));
    // The listener's proof checks and decoy belong to our own port, not to a dial.
    const { tls: _listening, ...plain } = this.o.link;
    const p = dialLink(ip, port, x25519, this.o.dialsTls(x25519.toString('hex')) ? { ...plain, tls: {} } : plain).then((link) => {
      const key = this.adopt(link, true, ip);
      if (key === undefined) throw new MasqError('PEER_UNREACHABLE', `the Node at ${id} is banned or cannot be linked`);
      return key;
    }).finally(() => this.dials.delete(id));
    this.dials.set(id, p);
    return p;
  }

  /** Whether a dial to this IP is under way. */
  dialing(ip: string): boolean {
    return [...this.dials.keys()].some((id) => id.startsWith(`${ip}:`));
  }

  /** Whether any dial is under way. */
  dialingAny(): boolean {
    return this.dials.size > 0;
  }

  /** Keeps the link unless refused; returns the peer's key when a link to it is up afterwards. */
  private adopt(link: Link, outbound: boolean, ip: string): string | undefined {
    const key = keyOf(link.remotePublicKey);
    const existing = this.links.get(key);
    if (this.closed || key === this.ownKey || this.o.refused(key, ip) || (!existing && this.links.size >= MAX_LINKS)) {
      link.close();
      return undefined;
    }
    if (existing) {
      // Two links to one peer: both sides keep the one dialed by the smaller key; a newer link in the same
      // direction replaces the older (the peer restarted before we noticed).
      const keepNew = existing.outbound === outbound || outbound === this.ownKey < key;
      if (!keepNew) {
        link.close();
        return key;
      }
      this.links.delete(key);
      existing.link.close();
    }
    const entry: Linked = { link, outbound, ip };
    this.links.set(key, entry);
    link.on('record', (record) => this.received(key, entry, record));
    link.once('close', (why) => {
      if (this.links.get(key) !== entry) return;
      this.links.delete(key);
      this.o.log.debug(`Link to ${shortKey(key)} at ${ip} closed${why ? `: ${describeError(why)}` : ''}`);
      if (!this.closed) this.emit('down', key);
    });
    this.emit('up', key, ip);
    return key;
  }

  private received(key: string, entry: Linked, record: Buffer): void {
    const kind = record[0];
    if (kind === undefined || !isRecordKind(kind)) {
      this.o.offence(key, entry.ip, 'unknownRecord', `kind ${String(kind)}`);
      return;
    }
    this.emit('record', key, kind, record.subarray(1), entry.ip);
  }

  send(peer: string, kind: RecordKind, body: Buffer | readonly Buffer[]): boolean {
    const l = this.links.get(peer);
    return l ? l.link.send([KIND_BYTES[kind], ...(Buffer.isBuffer(body) ? [body] : body)]) : false;
  }

  congested(peer: string): boolean {
    return this.links.get(peer)?.link.congested ?? false;
  }

  drained(peer: string): Promise<void> {
    return this.links.get(peer)?.link.drained() ?? Promise.resolve();
  }

  pause(peer: string): void {
    this.links.get(peer)?.link.pause();
  }

  resume(peer: string): void {
    this.links.get(peer)?.link.resume();
  }

  isLinked(peer: string): boolean {
    return this.links.has(peer);
  }

  /** The IP a linked peer's link comes from. */
  ipOf(peer: string): string | undefined {
    return this.links.get(peer)?.ip;
  }

  linked(): string[] {
    return [...this.links.keys()];
  }

  async ensure(peer: string): Promise<void> {
    if (this.links.has(peer)) return;
    const at = this.o.addressOf(peer);
    if (!at) throw new MasqError('PEER_UNREACHABLE', `no address known for ${shortKey(peer)}`);
    const key = await this.dial(at.ip, at.port, Buffer.from(peer, 'hex').subarray(0, 32));
    if (key !== peer) throw new MasqError('PEER_UNREACHABLE', `the Node at ${at.ip}:${at.port} is not ${shortKey(peer)}`);
  }

  /** Closes the link to a peer (a 'down' follows). */
  disconnect(peer: string, why?: Error): void {
    this.links.get(peer)?.link.close(why);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.handshaking) s.destroy();
    for (const l of this.links.values()) l.link.close();
    this.links.clear();
    const server = this.server;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
