// The entry DNS server: a UDP socket around the codec. Which addresses a client is told is the caller's decision
// (answerFor), so the whole-home mode can answer each client with the address it reaches the box on.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { MasqError } from '../system/index.js';
import { type AnswerAddresses, answerQuery } from './codec.js';

export interface EntryDnsOptions {
  host: string;
  /** 53 in use; 0 for any free port (tests). */
  port: number;
  answerFor(clientIp: string): AnswerAddresses;
  /** A query that could not be answered (a bad answer address, a send that failed); the server goes on. */
  onError?(error: unknown): void;
}

export interface EntryDns {
  /** The port bound (the one asked for, or the kernel's pick for 0). */
  port: number;
  close(): Promise<void>;
}

export function startEntryDns(options: EntryDnsOptions): Promise<EntryDns> {
  const socket: Socket = createSocket({ type: isIPv6(options.host) ? 'udp6' : 'udp4', reuseAddr: false });
  const report = (e: unknown): void => {
    if (options.onError) options.onError(e);
    else process.stderr.write(`entry DNS: ${e instanceof Error ? e.message : String(e)}\n`);
  };
  socket.on('message', (msg, rinfo) => {
    let response: Buffer | undefined;
    try {
      response = answerQuery(msg, options.answerFor(rinfo.address));
    } catch (e) {
      report(e);
      return;
    }
    if (response) socket.send(response, rinfo.port, rinfo.address, (e) => { if (e) report(e); });
  });
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException): void => {
      socket.close();
      reject(new MasqError('PORT_IN_USE', `The entry DNS server cannot listen on ${options.host}:${options.port}: ${e.code ?? e.message}.`,
        'Stop whatever else answers DNS there (systemd-resolved listens on 127.0.0.53 only; dnsmasq may take every address).'));
    };
    socket.once('error', failed);
    socket.bind(options.port, options.host, () => {
      socket.off('error', failed);
      socket.on('error', report);
      resolve({
        port: socket.address().port,
        close: () => new Promise<void>((r) => socket.close(() => r())),
      });
    });
  });
}
