// The proxy's listeners: one server per address it serves (loopback and the box's LAN addresses), all on one port,
// and which targets would reach them (a browser pointed at the proxy as if it were a site).

import { type Server, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ConfigError } from '../config/index.js';

const isLoopbackName = (h: string): boolean => h === 'localhost' || h.endsWith('.localhost') || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
const isWildcard = (h: string): boolean => h === '0.0.0.0' || h === '::' || h === '';

/** Whether `host` (a target's) reaches one of the listeners: loopback, wildcard and, on a wildcard, every local address. */
export function reachesListeners(listen: readonly string[]): (host: string) => boolean {
  const wildcard = listen.some(isWildcard);
  const loopback = wildcard || listen.some(isLoopbackName);
  const exact = new Set(listen.map((h) => h.toLowerCase()));
  if (wildcard) for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) exact.add(i.address.toLowerCase());
  return (host) => exact.has(host) || (loopback && (isLoopbackName(host) || host === '0.0.0.0' || host === '::'));
}

/** Why the proxy cannot listen, naming the parameter to change. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (e.code === 'EADDRINUSE') {
    return new ConfigError('proxy-port', `The proxy cannot listen on ${where}: port ${port} is already in use. Stop the program that uses it, or choose another port with the parameter proxy-port.`, 'PORT_IN_USE');
  }
  if (e.code === 'EACCES') {
    return new ConfigError('proxy-port', `The proxy may not listen on ${where}: port ${port} needs more privileges. Choose a port from 1024 up with the parameter proxy-port.`, 'PORT_IN_USE');
  }
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
    return new ConfigError('proxy-address', `The proxy cannot listen on ${where}: ${host} is not an address of this machine. Set the parameter proxy-address to 127.0.0.1 or to an address of this machine.`);
  }
  return e;
}

function listenOne(server: Server, host: string, port: number, onError: (e: Error) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, host, port)));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      server.on('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

const closeServer = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

/**
 * Listens on every host with a server from `make`, all on one port: with port 0, the one the kernel gives the
 * first. If one cannot listen, the others are closed again and the error names the parameter to change.
 */
export async function listenAll(hosts: readonly string[], port: number, make: () => Server, onError: (e: Error) => void): Promise<{ servers: Server[]; port: number }> {
  const servers: Server[] = [];
  let bound = port;
  try {
    for (const host of hosts) {
      const s = make();
      servers.push(s);
      bound = await listenOne(s, host, bound, onError);
    }
  } catch (e) {
    await Promise.all(servers.filter((s) => s.listening).map(closeServer));
    throw e;
  }
  return { servers, port: bound };
}

/** Stops every listener; resolves once all are closed. */
export function closeAll(servers: readonly Server[]): Promise<void> {
  return Promise.all(servers.map(closeServer)).then(() => undefined);
}
