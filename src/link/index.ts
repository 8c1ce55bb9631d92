// Links between neighbor Nodes: a TCP connection on the clandestine port, authenticated and encrypted with Noise IK
// (the dialer knows the listener's key from its descriptor), carrying length-prefixed records through a Mask.
//
// Frames: dialer → [protocol version 1][Noise message 1, payload = dialer's 64-byte public key]
//         listener → [Noise message 2, payload = listener's 64-byte public key]; then each frame is a Noise transport message of
//         [type: 0 keep-alive | 1 record][body]. The prologue binds the protocol version and the chain id.

import { EventEmitter } from 'node:events';
import { Socket, connect } from 'node:net';
import { type CipherState, IkInitiator, IkResponder, MAX_PLAINTEXT_BYTES, PUBLIC_KEY_BYTES, type StaticKeyPair } from '../crypto/index.js';
import { type Clock, MasqError, SYSTEM_CLOCK } from '../system/index.js';
import { FrameCollector, type FramePieces, type FrameSink, type FrameUnwrapper, joinPieces, type Mask, PLAIN_MASK } from '../wire/index.js';
import { type Disguised, type DisguiseListener, Stranger, disguiseAccept, disguiseDial } from './disguise.js';
import { readIntoShared } from './shared-reads.js';

export { createDecoy, type Decoy } from './decoy.js';
export { type DisguiseListener, Stranger } from './disguise.js';

export const LINK_VERSION = 1;
const KEEPALIVE = 0;
const RECORD = 1;
export const MAX_RECORD_BYTES = MAX_PLAINTEXT_BYTES - 1;
/** Frame types as the one-byte buffers a frame starts with. */
const TYPE_BYTES = [Buffer.from([KEEPALIVE]), Buffer.from([RECORD])] as const;
const NO_AD = Buffer.alloc(0);
/** Queued bytes above which a link counts as congested (a few cells: enough to batch, little to hold up). */
export const CONGESTED_BYTES = 128 * 1024;

export interface LinkOptions {
  /** This Node's X25519 key pair (Noise static) and its full 64-byte public key. */
  staticKeys: StaticKeyPair;
  publicKey: Buffer;
  chainId: number;
  /** How frames look on the wire when `tls` is not set (plain: as they are, MASQ's way). */
  mask?: Mask;
  /**
   * The `tls` mask (docs/MESH.md, "Clandestine links"): links look like HTTPS. A listener needs `listener` (its
   * proof checks and its decoy for strangers); a dialer needs nothing more than the listener's key.
   */
  tls?: { listener?: DisguiseListener };
  handshakeTimeoutMs?: number;
  /** No frame at all for this long closes the link; keep-alives go out at a third of it. */
  idleTimeoutMs?: number;
  /** Decides when the link has idled out; SYSTEM_CLOCK by default. */
  clock?: Clock;
  /** Dial from this address, so the neighbor sees the IP our record advertises (several Nodes on one host). */
  localAddress?: string;
}

export interface LinkEvents {
  record: [Buffer];
  close: [Error | undefined];
}

function prologue(chainId: number): Buffer {
  const p = Buffer.from('masq-link/1 chain ____');
  p.writeUInt32BE(chainId, p.length - 4);
  return p;
}

/**
 * A socket's frames: first the handshake's few, whole (next()), then every later one handed to the link's
 * receiving side as its bytes arrive (stream()). Until the link streams, reads are copied, since the handshake keeps
 * frames across reads; from then on they are views of the process's shared read buffer, opened where they lie.
 */
class FrameSource implements FrameSink {
  /** The handshake's frames until the link streams: whole ones not yet taken, and one begun. */
  private readonly collector = new FrameCollector();
  private waiter: ((b: FramePieces | Error) => void) | undefined;
  private failure: Error | undefined;
  /** The link's receiving side, once it streams. */
  private sink: FrameSink | undefined;

  /** `first`: bytes already read from the socket (what came after a disguise's handshake). */
  constructor(private readonly socket: Socket, private readonly unwrap: FrameUnwrapper, first?: Buffer) {
    const write = (chunk: Buffer): void => {
      try {
        this.unwrap.write(chunk, this);
      } catch (e) {
        this.fail(e as Error);
      }
    };
    if (first && first.length > 0) write(first);
    socket.on('data', write);
    // A read goes straight to the link once it streams and nothing waits in the socket's own queue before it;
    // otherwise a copy of it joins that queue, and comes as 'data' in its turn.
    readIntoShared(socket, (bytes) => {
      if (this.sink && socket.readableLength === 0) {
        write(bytes);
        return true;
      }
      return socket.push(Buffer.from(bytes));
    });
    socket.once('close', () => this.fail(new MasqError('LINK_AUTH', 'the neighbor closed the connection')));
    socket.once('error', (e) => this.fail(e));
    // A disguise's handshake leaves the socket paused.
    socket.resume();
  }

  begin(length: number): void {
    (this.sink ?? this.collector).begin(length);
  }

  part(piece: Buffer): void {
    (this.sink ?? this.collector).part(piece);
  }

  end(): void {
    if (this.sink) {
      this.sink.end();
      return;
    }
    this.collector.end();
    if (!this.waiter) return;
    const w = this.waiter;
    this.waiter = undefined;
    w(this.collector.shift() as FramePieces);
  }

  fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.waiter?.(e);
    this.waiter = undefined;
    this.socket.destroy();
  }

  failed(): Error | undefined {
    return this.failure;
  }

  /** The next frame as one buffer (the handshake's few). */
  next(): Promise<Buffer> {
    const queued = this.collector.shift();
    if (queued) return Promise.resolve(joinPieces(queued));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = (b) => (b instanceof Error ? reject(b) : resolve(joinPieces(b)));
    });
  }

  /** Hands every later frame (and any queued, and one begun) to `sink` as its bytes arrive. */
  stream(sink: FrameSink): void {
    const start = (): void => {
      try {
        this.collector.handOver(sink);
        this.sink = sink;
      } catch (e) {
        this.fail(e as Error);
      }
    };
    // Frames that came with the handshake wait until the link's owner has had a turn to subscribe; later ones queue
    // behind them so the order holds.
    if (this.collector.pending === 0) start();
    else setImmediate(start);
  }
}

export class Link extends EventEmitter<LinkEvents> {
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;
  private corked = false;
  /** Everything written in one turn of the event loop (the cells one read gave) leaves in one writev. */
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    private readonly socket: Socket,
    private readonly source: FrameSource,
    private readonly sendKey: CipherState,
    private readonly receiveKey: CipherState,
    readonly remotePublicKey: Buffer,
    private readonly mask: Mask,
    idleTimeoutMs: number,
    clock: Clock,
  ) {
    super();
    // Idleness counts only what the neighbor sends: our own keep-alives must not keep a dead link open.
    let lastHeard = clock.now();
    this.keepalive = setInterval(() => {
      if (clock.now() - lastHeard > idleTimeoutMs) this.close(new MasqError('LINK_AUTH', `no frame from the neighbor for ${idleTimeoutMs} ms`));
      else this.write(TYPE_BYTES[KEEPALIVE], []);
    }, Math.max(50, Math.floor(idleTimeoutMs / 3)));
    this.keepalive.unref();
    socket.once('close', () => this.close(source.failed()));
    const key = this.receiveKey;
    // Frames that were in flight when the link was closed belong to nobody now. A failure here (a record that does
    // not authenticate) throws to the frame source, which drops the connection, and the link closes with its reason.
    source.stream({
      begin: (length) => {
        if (!this.closed) key.beginReceived(length, NO_AD);
      },
      part: (piece) => {
        if (!this.closed) key.receivedPart(piece);
      },
      end: () => {
        if (this.closed) return;
        lastHeard = clock.now();
        const plain = key.endReceived();
        if (plain[0] === RECORD) this.emit('record', plain.subarray(1));
        else if (plain[0] !== KEEPALIVE) this.close(new MasqError('WIRE_DECODE', `unknown link frame type ${plain[0]}`));
      },
    });
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  private write(type: Buffer, body: readonly Buffer[]): boolean {
    if (this.closed) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    for (const b of this.mask.wrap([this.sendKey.encryptParts([type, ...body])])) this.socket.write(b);
    return !this.congested;
  }

  /** Sends one record, given in parts; false means the link is congested: wait for drained(). */
  send(record: Buffer | readonly Buffer[]): boolean {
    const parts = Buffer.isBuffer(record) ? [record] : record;
    if (parts.reduce((n, p) => n + p.length, 0) > MAX_RECORD_BYTES) throw new Error(`a link record carries at most ${MAX_RECORD_BYTES} bytes`);
    return this.write(TYPE_BYTES[RECORD], parts);
  }

  /** True while more than CONGESTED_BYTES wait to be written. */
  get congested(): boolean {
    return this.socket.writableLength > CONGESTED_BYTES;
  }

  /** Stops reading from the neighbor (hop-by-hop backpressure) until resume(). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  drained(): Promise<void> {
    // Above CONGESTED_BYTES a write has returned false (the socket's own mark is lower), so 'drain' will come.
    return this.congested ? new Promise((r) => this.socket.once('drain', () => r())) : Promise.resolve();
  }

  close(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    this.socket.end();
    this.socket.destroySoon();
    this.emit('close', reason);
  }
}

/** Each side names its full 64-byte key; the encryption half must be the key it proved in the handshake. */
function checkAnnouncedKey(payload: Buffer, remoteStatic: Uint8Array): void {
  if (payload.length !== PUBLIC_KEY_BYTES || !payload.subarray(0, 32).equals(remoteStatic)) {
    throw new MasqError('LINK_AUTH', 'the neighbor\'s announced key does not match its handshake key');
  }
}

/** Bounds a handshake; on failure the socket goes, unless a stranger's connection now belongs to the decoy. */
function withTimeout<T>(p: Promise<T>, ms: number, socket: Socket): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      socket.destroy();
      reject(new MasqError('LINK_AUTH', `the neighbor did not complete the handshake within ${ms} ms`));
    }, ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => {
      clearTimeout(t);
      if (!(e instanceof Stranger)) socket.destroy();
      reject(e);
    });
  });
}

/** The frame source and mask of a socket: straight away, or after the `tls` mask's handshake. */
async function framed(socket: Socket, opts: LinkOptions, disguise: (() => Promise<Disguised>) | undefined): Promise<{ source: FrameSource; mask: Mask }> {
  if (!disguise) {
    const mask = opts.mask ?? PLAIN_MASK;
    return { source: new FrameSource(socket, mask.unwrap()), mask };
  }
  const { mask, leftover } = await disguise();
  return { source: new FrameSource(socket, mask.unwrap(), leftover), mask };
}

/** Connects to a neighbor whose X25519 key is known and completes the handshake. */
export function dialLink(host: string, port: number, remoteStatic: Buffer, opts: LinkOptions): Promise<Link> {
  const socket = connect({ host, port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  socket.setNoDelay(true);
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const run = async (): Promise<Link> => {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const { source, mask } = await framed(socket, opts, opts.tls ? () => disguiseDial(socket, remoteStatic, clock) : undefined);
    const ik = new IkInitiator({ s: opts.staticKeys, rs: remoteStatic, prologue: prologue(opts.chainId) });
    socket.write(Buffer.concat(mask.wrap([Buffer.from([LINK_VERSION]), ik.writeMessage1(opts.publicKey)])));
    const { payload, keys } = ik.readMessage2(await source.next());
    checkAnnouncedKey(payload, keys.remoteStatic);
    return new Link(socket, source, keys.send, keys.receive, Buffer.from(payload), mask, opts.idleTimeoutMs ?? 60_000, clock);
  };
  return withTimeout(run(), opts.handshakeTimeoutMs ?? 5000, socket);
}

/** Completes the listener's side of the handshake on an accepted socket; a stranger (tls) rejects with Stranger. */
export function acceptLink(socket: Socket, opts: LinkOptions): Promise<Link> {
  socket.setNoDelay(true);
  const listener = opts.tls?.listener;
  if (opts.tls && !listener) return Promise.reject(new Error('a tls listener needs its proof checks and decoy'));
  const run = async (): Promise<Link> => {
    const { source, mask } = await framed(socket, opts, listener ? () => disguiseAccept(socket, listener, opts.handshakeTimeoutMs ?? 5000) : undefined);
    const first = await source.next();
    if (first[0] !== LINK_VERSION) throw new MasqError('WIRE_DECODE', `unknown link protocol version ${first[0]}`);
    const ik = new IkResponder({ s: opts.staticKeys, prologue: prologue(opts.chainId) });
    const { payload, remoteStatic } = ik.readMessage1(first.subarray(1));
    checkAnnouncedKey(payload, remoteStatic);
    const { msg, keys } = ik.writeMessage2(opts.publicKey);
    socket.write(Buffer.concat(mask.wrap([msg])));
    return new Link(socket, source, keys.send, keys.receive, Buffer.from(payload), mask, opts.idleTimeoutMs ?? 60_000, opts.clock ?? SYSTEM_CLOCK);
  };
  const ms = opts.handshakeTimeoutMs ?? 5000;
  // With tls, a stranger silent for `ms` goes to the decoy (a web server waits longer than that); the whole
  // handshake of a proven peer is bounded by twice it.
  return listener ? withTimeout(run(), 2 * ms, socket) : withTimeout(run(), ms, socket);
}
