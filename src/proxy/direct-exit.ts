// The direct exit of a zero-hop Node: resolve the name through dns-servers, refuse non-public addresses unless
// allowed, connect with a timeout. An exit Node of the mesh uses it too: it is the Connector its exit end
// (src/stream/exit-end.ts) reaches targets with.

import { Resolver } from 'node:dns/promises';
import { isIP, Socket, type SocketConstructorOpts } from 'node:net';
import type { Logger } from '../system/index.js';
import { isPrivateAddress } from '../address-ranges/index.js';
import { type Connector, StreamFailure, type Target, formatTarget } from '../mesh/index.js';
import { MAX_CHUNK } from '../wire/index.js';

export interface DirectExitOptions {
  /** Servers for names, as dns.setServers takes them ("1.1.1.1", "[2606:4700::1111]:53", "127.0.0.1:5353"). */
  dnsServers: string[];
  /** exit-private-destinations: connect to loopback, private and link-local addresses too. */
  allowPrivate: boolean;
  connectTimeoutMs?: number;
  /** Bound on the whole lookup of one name (A and AAAA together). */
  dnsTimeoutMs?: number;
  log: Logger;
}

/** A name resolving to more addresses than this is tried on the first ones only. */
const MAX_ADDRESSES = 8;

/**
 * What a target's socket reads at most at once: two full cells. Node reads 64 KiB at a time by default, which an
 * exit cuts into two cells of 32 KiB; reading two full cells at once makes a third fewer cells for every hop to
 * carry. One buffer serves every socket, since each read is copied out before the next one.
 */
const READ_BYTES = 2 * MAX_CHUNK;
const readBuffer = Buffer.allocUnsafe(READ_BYTES);

/** Bounds a promise by a timer and an abort signal; the timer is always cleared. */
function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal, onStop: (why: 'timeout' | 'abort') => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => stop('timeout'), ms);
    const onAbort = (): void => stop('abort');
    const settle = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    function stop(why: 'timeout' | 'abort'): void {
      settle();
      onStop(why);
      reject(Object.assign(new Error(why === 'timeout' ? 'timed out' : 'aborted'), { code: why === 'timeout' ? 'ETIMEDOUT' : 'ABORT_ERR' }));
    }
    if (signal.aborted) return stop('abort');
    signal.addEventListener('abort', onAbort, { once: true });
    work.then((v) => { settle(); resolve(v); }, (e: unknown) => { settle(); reject(e); });
  });
}

function isLocalhostName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

export function createDirectExit(opts: DirectExitOptions): Connector {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  const dnsTimeoutMs = opts.dnsTimeoutMs ?? 5000;
  const log = opts.log;

  async function lookup(target: Target, signal: AbortSignal): Promise<string[]> {
    const name = target.host.replace(/\.$/, '').toLowerCase();
    if (isIP(name) !== 0) return [name];
    // RFC 6761: localhost names are loopback without asking DNS.
    if (isLocalhostName(name)) return ['127.0.0.1', '::1'];
    // One resolver per lookup, so that cancelling it on a timeout or abort touches no other stream's queries.
    const resolver = new Resolver({ timeout: Math.max(100, Math.floor(dnsTimeoutMs / 2)), tries: 2 });
    resolver.setServers(opts.dnsServers);
    // At the deadline (or when the client leaves) the queries still running are cancelled and count as failed;
    // answers that came in time are used.
    const cancel = (): void => resolver.cancel();
    const timer = setTimeout(cancel, dnsTimeoutMs);
    signal.addEventListener('abort', cancel, { once: true });
    let results: [PromiseSettledResult<string[]>, PromiseSettledResult<string[]>];
    try {
      results = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', cancel);
    }
    if (signal.aborted) throw new StreamFailure('dns', target, `Looking up ${name}: the client left`);
    const [v4, v6] = results;
    const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    const usable = found.filter((a) => a !== '0.0.0.0' && a !== '::').slice(0, MAX_ADDRESSES);
    if (usable.length === 0) {
      const reason = v4.status === 'rejected' ? (v4.reason as NodeJS.ErrnoException) : undefined;
      const why = reason?.code === 'ECANCELLED' ? `no answer within ${dnsTimeoutMs} ms` : reason?.code ?? 'no usable address';
      throw new StreamFailure('dns', target, `Looking up ${name}: ${why}`);
    }
    return usable;
  }

  function connectOnce(address: string, port: number, signal: AbortSignal): Promise<Socket> {
    // Each read is pushed into the socket's own readable side, so it streams, pauses and pipes as any socket does.
    // Node takes `onread` in the constructor (its types list it only for connect(), which ignores it on a Socket).
    const onread = { buffer: readBuffer, callback: (n: number, buf: Uint8Array): boolean => sock.push(Buffer.from(buf.subarray(0, n))) };
    const sock: Socket = new Socket({ allowHalfOpen: true, onread } as SocketConstructorOpts);
    const connected = new Promise<Socket>((resolve, reject) => {
      sock.once('connect', () => resolve(sock));
      sock.once('error', reject);
    });
    sock.connect({ host: address, port });
    return bounded(connected, connectTimeoutMs, signal, () => sock.destroy()).then(
      (s) => {
        s.removeAllListeners('error');
        return s;
      },
      (e: unknown) => {
        sock.destroy();
        throw e;
      },
    );
  }

  return {
    async open(target, signal, early) {
      const found = await lookup(target, signal);
      const allowed = opts.allowPrivate ? found : found.filter((a) => !isPrivateAddress(a));
      if (allowed.length === 0) {
        throw new StreamFailure('refused-private', target, `${target.host} is (or resolves to) ${found.join(', ')}: not a public address`);
      }
      let last: NodeJS.ErrnoException | undefined;
      for (const address of allowed) {
        if (signal.aborted) break;
        try {
          const sock = await connectOnce(address, target.port, signal);
          log.debug(`Connected to ${formatTarget(target)} at ${address}`);
          if (early && early.length > 0) sock.write(early);
          return sock;
        } catch (e) {
          last = e as NodeJS.ErrnoException;
        }
      }
      const kind = last?.code === 'ETIMEDOUT' ? 'timeout' : 'connect';
      throw new StreamFailure(kind, target, `Connecting to ${formatTarget(target)}: ${last?.code ?? last?.message ?? 'aborted'}`);
    },
  };
}
