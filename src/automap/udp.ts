// One request/answer over UDP with a router, as PCP and NAT-PMP need: a socket connected to the router (so the
// kernel drops datagrams from anyone else, and its local address is the LAN address the router sees), retransmission
// from 250 ms doubling, and a hard deadline. The socket and every timer are gone once the promise settles.

import { createSocket } from 'node:dgram';
import { AutomapError } from './errors.js';

export interface UdpTiming {
  /** First retransmission after this many ms; each next one after twice the previous wait. */
  initialMs: number;
  /** No answer by then: give up (MASQ's read timeout is 3 s). */
  totalMs: number;
}

export const DEFAULT_UDP_TIMING: UdpTiming = { initialMs: 250, totalMs: 3000 };

export interface UdpClientOptions {
  /** The router's PCP / NAT-PMP port (5351); tests use another. */
  port?: number;
  timing?: UdpTiming;
}

export interface UdpTarget {
  router: string;
  port: number;
}

/**
 * Sends `build(localAddress)` to the router until `decode` accepts an answer or the deadline passes. `decode` throws
 * AutomapError: a `malformed` answer is remembered and waited past (it may be stale or forged), any other reason
 * (a refusal, a protocol not offered) ends the exchange at once. Rejects with AutomapError only, unless `build` or
 * `decode` throws something else (a bug).
 */
export function exchange<T>(target: UdpTarget, build: (localAddress: string) => Buffer, decode: (answer: Buffer) => T, timing = DEFAULT_UDP_TIMING): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const socket = createSocket('udp4');
    const timers: NodeJS.Timeout[] = [];
    let refusal: AutomapError | undefined;
    let done = false;
    const finish = (err: unknown, value?: T): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      socket.close();
      if (err === undefined) resolve(value as T);
      else reject(err);
    };
    const noAnswer = (detail: string): AutomapError => new AutomapError('no-answer', `The router ${target.router} did not answer on UDP port ${target.port}: ${detail}.`);
    socket.on('error', (err) => finish(noAnswer(err.message)));
    socket.on('message', (msg, from) => {
      if (from.address !== target.router || from.port !== target.port) return;
      try {
        finish(undefined, decode(msg));
      } catch (e) {
        if (e instanceof AutomapError && e.reason === 'malformed') refusal = e;
        else finish(e);
      }
    });
    socket.connect(target.port, target.router, () => {
      if (done) return;
      let request: Buffer;
      try {
        request = build(socket.address().address);
      } catch (e) {
        finish(e);
        return;
      }
      const send = (): void => socket.send(request, (err) => err && finish(noAnswer(err.message)));
      send();
      for (let wait = timing.initialMs, at = wait; at < timing.totalMs; wait *= 2, at += wait) timers.push(setTimeout(send, at));
      timers.push(setTimeout(() => finish(refusal ?? noAnswer(`nothing within ${timing.totalMs} ms`)), timing.totalMs));
    });
  });
}

/** The local address this machine uses toward `router` (no datagram is sent). */
export function localAddressToward(router: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', (err) => {
      socket.close();
      reject(new AutomapError('no-answer', `No route to the router ${router}: ${err.message}.`));
    });
    socket.connect(port, router, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}
