// The box's DNS server for the whole-home mode (port 53, UDP): each datagram goes where dns-policy.ts says, and
// every reply goes back to the address and port it came from. Answers are MASQ's entry DNS answers (src/dns) with
// a short TTL, so a device that stops using the box forgets its address within a minute.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { answerQuery, refuseQuery } from '../dns/index.js';
import { Notices } from '../proxy/index.js';
import { describeError, type Logger, SYSTEM_CLOCK } from '../system/index.js';
import { type DnsView, dnsAction } from './dns-policy.js';
import type { Upstream } from './upstream.js';

/** Seconds a device may keep an answer. */
export const LAN_DNS_TTL = 60;

/** A socket systemd passed in, or an address to bind (tests, masq-setup --dns-port). */
export type Listen = { fd: number } | { host: string; port: number };

export interface DnsDoor {
  port: number;
  close(): Promise<void>;
}

export interface DnsDoorOptions {
  listen: Listen;
  view(): DnsView;
  upstream: Upstream;
  log: Logger;
}

export function openDnsDoor(o: DnsDoorOptions): Promise<DnsDoor> {
  // systemd's socket is IPv6 and takes IPv4 too (BindIPv6Only=both); an address given is bound as it is.
  const socket: Socket = createSocket({ type: 'fd' in o.listen || !isIPv4(o.listen.host) ? 'udp6' : 'udp4', reuseAddr: true });
  const notices = new Notices(() => SYSTEM_CLOCK.now());
  const send = (reply: Buffer | undefined, port: number, address: string): void => {
    if (reply) socket.send(reply, port, address, (e) => { if (e) o.log.debug(`DNS reply to ${address}: ${e.message}`); });
  };
  socket.on('message', (msg, rinfo) => {
    try {
      const action = dnsAction(rinfo.address, o.view());
      switch (action.kind) {
        case 'answer':
          return send(answerQuery(msg, { ipv4: action.ipv4 }, LAN_DNS_TTL), rinfo.port, rinfo.address);
        case 'forward':
          if (!o.upstream.forward(msg, (answer) => send(answer, rinfo.port, rinfo.address))) send(refuseQuery(msg), rinfo.port, rinfo.address);
          return undefined;
        case 'refuse':
          return send(refuseQuery(msg), rinfo.port, rinfo.address);
        case 'drop':
          if (notices.due(rinfo.address)) o.log.warn(`Refused DNS queries from ${rinfo.address}: not on this box's local networks`);
          return undefined;
      }
    } catch (e) {
      o.log.warn(`A DNS query from ${rinfo.address} could not be answered: ${describeError(e)}`);
    }
    return undefined;
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    const bound = (): void => {
      socket.off('error', reject);
      socket.on('error', (e) => o.log.warn(`DNS server: ${e.message}`));
      resolve({ port: socket.address().port, close: () => new Promise<void>((r) => socket.close(() => r())) });
    };
    if ('fd' in o.listen) socket.bind({ fd: o.listen.fd }, bound);
    else socket.bind({ port: o.listen.port, address: o.listen.host }, bound);
  });
}
