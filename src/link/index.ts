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
import { type FrameUnwrapper, type Mask, PLAIN_MASK, encodeFrame } from '../wire/index.js';

export const LINK_VERSION = 1;
const KEEPALIVE = 0;
const RECORD = 1;
export const MAX_RECORD_BYTES = MAX_PLAINTEXT_BYTES - 1;

export interface LinkOptions {
  /** This Node's X25519 key pair (Noise static) and its full 64-byte public key. */
  staticKeys: StaticKeyPair;
  publicKey: Buffer;
  chainId: number;
  mask?: Mask;
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

/** Reads frames from a socket until `take` returns a value; the rest stays for the link. */
class FrameSource {
  private readonly queue: Buffer[] = [];
  private waiter: ((b: Buffer | Error) => void) | undefined;
  private failure: Error | undefined;

  constructor(private readonly socket: Socket, private readonly unwrap: FrameUnwrapper) {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const body of this.unwrap.push(chunk)) this.deliver(body);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    socket.once('close', () => this.fail(new MasqError('LINK_AUTH', 'the neighbor closed the connection')));
    socket.once('error', (e) => this.fail(e));
  }

  onFrame: ((b: Buffer) => void) | undefined;

  private deliver(body: Buffer): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(body);
    } else if (this.onFrame) {
      this.onFrame(body);
    } else {
      this.queue.push(body);
    }
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

  next(): Promise<Buffer> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = (b) => (b instanceof Error ? reject(b) : resolve(b));
    });
  }

  /** Hands every later frame (and any queued) to `fn`. */
  stream(fn: (b: Buffer) => void): void {
    const queued = this.queue.splice(0);
    if (queued.length === 0) {
      this.onFrame = fn;
      return;
    }
    // Frames that came with the handshake wait until the link's owner has had a turn to subscribe; later ones queue
    // behind them so the order holds.
    this.onFrame = (b) => queued.push(b);
    setImmediate(() => {
      for (const b of queued) fn(b);
      this.onFrame = fn;
    });
  }
}

export class Link extends EventEmitter<LinkEvents> {
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;

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
      else this.write(KEEPALIVE, Buffer.alloc(0));
    }, Math.max(50, Math.floor(idleTimeoutMs / 3)));
    this.keepalive.unref();
    socket.once('close', () => this.close(source.failed()));
    source.stream((frame) => {
      // Frames that were in flight when the link was closed belong to nobody now.
      if (this.closed) return;
      lastHeard = clock.now();
      let plain: Buffer;
      try {
        plain = this.receiveKey.decrypt(Buffer.alloc(0), frame);
      } catch (e) {
        this.close(e as Error);
        return;
      }
      if (plain[0] === RECORD) this.emit('record', plain.subarray(1));
      else if (plain[0] !== KEEPALIVE) this.close(new MasqError('WIRE_DECODE', `unknown link frame type ${plain[0]}`));
    });
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  private write(type: number, body: Buffer): boolean {
    if (this.closed) return false;
    const frame = encodeFrame(this.sendKey.encrypt(Buffer.alloc(0), Buffer.concat([Buffer.from([type]), body])));
    return this.socket.write(this.mask.wrap(frame));
  }

  /** Sends one record; false means the socket's buffer is full: wait for 'drain' on drained(). */
  send(record: Buffer): boolean {
    if (record.length > MAX_RECORD_BYTES) throw new Error(`a link record carries at most ${MAX_RECORD_BYTES} bytes`);
    return this.write(RECORD, record);
  }

  /** True while the socket's write buffer is above its high-water mark. */
  get congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  /** Stops reading from the neighbor (hop-by-hop backpressure) until resume(). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  drained(): Promise<void> {
    return this.socket.writableNeedDrain ? new Promise((r) => this.socket.once('drain', () => r())) : Promise.resolve();
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

function withTimeout<T>(p: Promise<T>, ms: number, socket: Socket): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      socket.destroy();
      reject(new MasqError('LINK_AUTH', `the neighbor did not complete the handshake within ${ms} ms`));
    }, ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); socket.destroy(); reject(e); });
  });
}

/** Connects to a neighbor whose X25519 key is known and completes the handshake. */
export function dialLink(host: string, port: number, remoteStatic: Buffer, opts: LinkOptions): Promise<Link> {
  const mask = opts.mask ?? PLAIN_MASK;
  const socket = connect({ host, port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  socket.setNoDelay(true);
  const source = new FrameSource(socket, mask.unwrap());
  const run = async (): Promise<Link> => {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const ik = new IkInitiator({ s: opts.staticKeys, rs: remoteStatic, prologue: prologue(opts.chainId) });
    socket.write(mask.wrap(encodeFrame(Buffer.concat([Buffer.from([LINK_VERSION]), ik.writeMessage1(opts.publicKey)]))));
    const { payload, keys } = ik.readMessage2(await source.next());
    checkAnnouncedKey(payload, keys.remoteStatic);
    return new Link(socket, source, keys.send, keys.receive, Buffer.from(payload), mask, opts.idleTimeoutMs ?? 60_000, opts.clock ?? SYSTEM_CLOCK);
  };
  return withTimeout(run(), opts.handshakeTimeoutMs ?? 5000, socket);
}

/** Completes the listener's side of the handshake on an accepted socket. */
export function acceptLink(socket: Socket, opts: LinkOptions): Promise<Link> {
  const mask = opts.mask ?? PLAIN_MASK;
  socket.setNoDelay(true);
  const source = new FrameSource(socket, mask.unwrap());
  const run = async (): Promise<Link> => {
    const first = await source.next();
    if (first[0] !== LINK_VERSION) throw new MasqError('WIRE_DECODE', `unknown link protocol version ${first[0]}`);
    const ik = new IkResponder({ s: opts.staticKeys, prologue: prologue(opts.chainId) });
    const { payload, remoteStatic } = ik.readMessage1(first.subarray(1));
    checkAnnouncedKey(payload, remoteStatic);
    const { msg, keys } = ik.writeMessage2(opts.publicKey);
    socket.write(mask.wrap(encodeFrame(msg)));
    return new Link(socket, source, keys.send, keys.receive, Buffer.from(payload), mask, opts.idleTimeoutMs ?? 60_000, opts.clock ?? SYSTEM_CLOCK);
  };
  return withTimeout(run(), opts.handshakeTimeoutMs ?? 5000, socket);
}
