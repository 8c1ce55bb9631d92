// The direct exit of a zero-hop Node: resolve the name through dns-servers, refuse non-public addresses unless
// allowed, connect with a timeout. Later the mesh's exit Node uses the same code for its last hop.

import { Resolver } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../system/logger.js';
import { isPrivateAddress } from './addresses.js';
import { StreamFailure, type Target } from './failures.js';

export interface Connector {
  /** Opens a stream to the target; rejects with a StreamFailure. */
  open(target: Target, signal: AbortSignal): Promise<Duplex>;
}

export interface DirectExitOptions {
  dnsServers: string[];
  allowPrivate: boolean;
  connectTimeoutMs?: number;
  dnsTimeoutMs?: number;
  log: Logger;
}

const MAX_ADDRESSES = 8;

async function resolveAddresses(resolver: Resolver, target: Target): Promise<string[]> {
  if (isIP(target.host) !== 0) return [target.host];
  if (target.host === 'localhost' || target.host.endsWith('.localhost')) return ['127.0.0.1', '::1'];
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(target.host), resolver.resolve6(target.host)]);
  const all = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  const usable = all.filter((a) => a !== '0.0.0.0' && a !== '::').slice(0, MAX_ADDRESSES);
  if (usable.length === 0) {
    const why = v4.status === 'rejected' ? (v4.reason as Error).message : 'no addresses';
    throw new StreamFailure('dns', target, `Cannot resolve ${target.host}: ${why}`);
  }
  return usable;
}

function connectOnce(address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = new Socket({ allowHalfOpen: true });
    const timer = setTimeout(() => fail(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    const onAbort = (): void => fail(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.removeAllListeners('error');
      sock.removeAllListeners('connect');
    };
    function fail(e: Error): void {
      done();
      sock.destroy();
      reject(e);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('error', fail);
    sock.once('connect', () => {
      done();
      resolve(sock);
    });
    sock.connect({ host: address, port });
  });
}

export function createDirectExit(opts: DirectExitOptions): Connector {
  const resolver = new Resolver({ timeout: opts.dnsTimeoutMs ?? 3000, tries: 2 });
  resolver.setServers(opts.dnsServers);
  const connectTimeout = opts.connectTimeoutMs ?? 5000;
  return {
    async open(target, signal) {
      const found = await resolveAddresses(resolver, target);
      const allowed = opts.allowPrivate ? found : found.filter((a) => !isPrivateAddress(a));
      if (allowed.length === 0) {
        throw new StreamFailure('refused-private', target, `${target.host} resolves only to loopback, private or link-local addresses`);
      }
      let last: Error | undefined;
      for (const address of allowed) {
        if (signal.aborted) break;
        try {
          const sock = await connectOnce(address, target.port, connectTimeout, signal);
          opts.log.debug(`Connected to ${target.host}:${target.port} at ${address}`);
          return sock;
        } catch (e) {
          last = e as Error;
        }
      }
      const code = (last as NodeJS.ErrnoException | undefined)?.code;
      throw new StreamFailure(code === 'ETIMEDOUT' ? 'timeout' : 'connect', target, `Cannot connect to ${target.host}:${target.port}: ${last?.message ?? 'aborted'}`);
    },
  };
}
