// The consumer entry: one TCP port that speaks HTTP proxy requests, CONNECT, SOCKS5 and TLS with SNI. It learns
// where a stream goes, asks a Connector to open it (the direct exit in zero-hop mode, routes through the mesh
// otherwise) and splices the two. Failures are told in the client's own protocol: an HTTP page, a TLS alert or a
// SOCKS5 reply, all from one table (failures.ts).

import { type Server, type Socket, createServer, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { ConfigError } from '../config/index.js';
import { type Clock, type Logger, SYSTEM_CLOCK } from '../system/index.js';
import { type Connector, StreamFailure, type Target, formatTarget } from '../mesh/index.js';
import { FAILURES, type ProxyProblem, SOCKS_REPLY, errorPage, tlsAlert } from './failures.js';
import { interpret, parseHead } from './http-head.js';
import { MAX_CLIENT_HELLO, parseClientHello } from './sni.js';
import { CMD_CONNECT, MAX_GREETING, MAX_REQUEST, NO_ACCEPTABLE_METHOD, NO_AUTH, SOCKS_VERSION, encodeReply, parseGreeting, parseRequest } from './socks5.js';
import { PrefixAborted, finish, firstBytes, readPrefix, splice } from './streams.js';

export { type Connector, type FailureKind, StreamFailure, type Target } from '../mesh/index.js';
export { createDirectExit, type DirectExitOptions } from './direct-exit.js';

export interface ProxyLimits {
  /** Largest HTTP request head; beyond it the client gets 431. */
  maxHeaderBytes: number;
  /** Time a client has, from connecting, to say where it wants to go. */
  headerTimeoutMs: number;
  /** A stream with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** Open client connections; more are closed at once. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: Readonly<ProxyLimits> = { maxHeaderBytes: 16 * 1024, headerTimeoutMs: 10_000, idleTimeoutMs: 300_000, maxConnections: 1024 };

export interface ProxyOptions {
  host: string;
  port: number;
  connector: Connector;
  log: Logger;
  limits?: Partial<ProxyLimits>;
  /** Paces the refusal warnings; SYSTEM_CLOCK by default. */
  clock?: Clock;
  // helper D implements
  hosts?: string[];
  // helper D implements
  sourceAllowed?: (ip: string) => boolean;
  // helper D implements
  credentials?: { user: string; password: string };
}

// helper D implements
export declare function localSource(ip: string, subnets: readonly string[]): boolean;

export interface ProxyServer {
  address: { host: string; port: number };
  connections(): number;
  /** Stops accepting, lets open connections run up to graceMs (default 5 s), then cuts them; resolves when all are gone. */
  close(graceMs?: number): Promise<void>;
}

const TLS_HANDSHAKE = 0x16;
/** At most one "connection refused" warning per this many ms, so that a flood does not flood the log too. */
const REFUSAL_WARN_MS = 10_000;

type Opened = { ok: true; upstream: Duplex } | { ok: false; problem: ProxyProblem; detail: string };
/** Serves one protocol; calls `headRead` once it knows where the client wants to go. */
type Step = (client: Socket, start: Buffer, headRead: () => void) => Promise<void>;

const isLoopbackName = (h: string): boolean => h === 'localhost' || h.endsWith('.localhost') || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));

/** Whether `host` (a target's) reaches a listener on `listen`: loopback, wildcard and, on a wildcard, every local address. */
function reachesListener(listen: string): (host: string) => boolean {
  const wildcard = listen === '0.0.0.0' || listen === '::' || listen === '';
  const loopback = wildcard || isLoopbackName(listen);
  const exact = new Set([listen.toLowerCase()]);
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

export function startProxy(opts: ProxyOptions): Promise<ProxyServer> {
  const limits: ProxyLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const log = opts.log;
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const active = new Set<Socket>();
  let ownPort = opts.port;
  const reachesUs = reachesListener(opts.host);
  let refusedSinceWarn = 0;
  let lastRefusalWarn = 0;
  let whenEmpty: (() => void) | undefined;

  /** Whether the target is this proxy itself: a browser pointed at the proxy address as if it were a site. */
  const isSelf = (t: Target): boolean => t.port === ownPort && reachesUs(t.host);

  async function open(client: Socket, target: Target): Promise<Opened> {
    if (isSelf(target)) return { ok: false, problem: 'loop', detail: 'the target is this proxy' };
    const ac = new AbortController();
    const abort = (): void => ac.abort();
    client.once('close', abort);
    try {
      const upstream = await opts.connector.open(target, ac.signal);
      // Until splice() takes over, an error only ends the upstream (splice sees it destroyed).
      upstream.on('error', () => upstream.destroy());
      if (client.destroyed) {
        upstream.destroy();
        return { ok: false, problem: 'connect', detail: 'the client left' };
      }
      return { ok: true, upstream };
    } catch (e) {
      if (e instanceof StreamFailure) return { ok: false, problem: e.kind, detail: e.message };
      return { ok: false, problem: 'connect', detail: e instanceof Error ? e.message : String(e) };
    } finally {
      client.removeListener('close', abort);
    }
  }

  function failed(what: string, target: Target, r: { problem: ProxyProblem; detail: string }): void {
    log.warn(`${what} ${formatTarget(target)}: ${FAILURES[r.problem].title}: ${r.detail}`);
  }

  /** The first bytes a client sends through a tunnel that has failed, waiting headerTimeoutMs at most. */
  async function peekTunnel(client: Socket, start: Buffer): Promise<Buffer | undefined> {
    const timer = setTimeout(() => client.destroy(), limits.headerTimeoutMs);
    try {
      return await firstBytes(client, start);
    } finally {
      clearTimeout(timer);
    }
  }

  const serveHttp: Step = async (client, start, headRead) => {
    const { value, buf } = await readPrefix(client, start, limits.maxHeaderBytes, (b) => {
      const r = parseHead(b, limits.maxHeaderBytes);
      return r.kind === 'incomplete' ? undefined : r;
    });
    const none: Target = { host: '', port: 0 };
    if (value.kind === 'too-large') return finish(client, errorPage('header-too-large', none));
    if (value.kind !== 'head') {
      log.debug(`Bad HTTP request: ${value.why}`);
      return finish(client, errorPage('bad-request', none));
    }
    const req = interpret(value.head);
    if (req.kind === 'bad') {
      log.debug(`Bad HTTP request: ${req.why}`);
      return finish(client, errorPage('bad-request', none));
    }
    const target = { host: req.host, port: req.port };
    const rest = buf.subarray(value.head.length);
    headRead();
    if (req.kind === 'connect') {
      log.debug(`CONNECT ${formatTarget(target)}`);
      // As MASQ does, the tunnel is confirmed at once; a failure is then told as a TLS alert if TLS follows.
      client.write('HTTP/1.1 200 OK\r\n\r\n');
      const r = await open(client, target);
      if (r.ok) return splice(client, r.upstream, rest, limits.idleTimeoutMs);
      failed('CONNECT', target, r);
      const peek = await peekTunnel(client, rest);
      if (peek?.[0] === TLS_HANDSHAKE) finish(client, tlsAlert(r.problem));
      else client.destroy();
      return;
    }
    log.debug(`${value.head.method} ${formatTarget(target)}`);
    const r = await open(client, target);
    if (!r.ok) {
      failed(value.head.method, target, r);
      return finish(client, errorPage(r.problem, target));
    }
    splice(client, r.upstream, Buffer.concat([req.head, rest]), limits.idleTimeoutMs);
  };

  const serveTls: Step = async (client, start, headRead) => {
    const { value, buf } = await readPrefix(client, start, MAX_CLIENT_HELLO, (b) => {
      const r = parseClientHello(b);
      return r.kind === 'incomplete' ? undefined : r;
    });
    if (value.kind !== 'hello' || value.serverName === undefined) {
      log.debug(`TLS without a server name: ${value.kind === 'invalid' ? value.why : 'no SNI'}`);
      return finish(client, tlsAlert('bad-request'));
    }
    const target = { host: value.serverName, port: 443 };
    headRead();
    log.debug(`TLS ${formatTarget(target)}`);
    const r = await open(client, target);
    if (!r.ok) {
      failed('TLS', target, r);
      return finish(client, tlsAlert(r.problem));
    }
    splice(client, r.upstream, buf, limits.idleTimeoutMs);
  };

  const serveSocks: Step = async (client, start, headRead) => {
    const g = await readPrefix(client, start, MAX_GREETING, (b) => {
      const r = parseGreeting(b);
      return r.kind === 'incomplete' ? undefined : r;
    });
    if (g.value.kind !== 'ok') return void client.destroy();
    if (!g.value.methods.includes(NO_AUTH)) {
      log.debug('SOCKS5 client offers no method without authentication');
      return finish(client, Buffer.from([SOCKS_VERSION, NO_ACCEPTABLE_METHOD]));
    }
    client.write(Buffer.from([SOCKS_VERSION, NO_AUTH]));
    const q = await readPrefix(client, g.buf.subarray(g.value.length), MAX_REQUEST, (b) => {
      const r = parseRequest(b);
      return r.kind === 'incomplete' ? undefined : r;
    });
    const req = q.value;
    if (req.kind !== 'ok') return finish(client, encodeReply(SOCKS_REPLY.general));
    if (req.badAddressType) return finish(client, encodeReply(SOCKS_REPLY.addressTypeNotSupported));
    if (req.command !== CMD_CONNECT) return finish(client, encodeReply(SOCKS_REPLY.commandNotSupported));
    const target = { host: req.host, port: req.port };
    headRead();
    log.debug(`SOCKS5 ${formatTarget(target)}`);
    // The upstream is opened before replying, so that the reply can tell the client what happened.
    const r = await open(client, target);
    if (!r.ok) {
      failed('SOCKS5', target, r);
      return finish(client, encodeReply(FAILURES[r.problem].socks));
    }
    const bound = r.upstream as Duplex & { localAddress?: string; localPort?: number };
    client.write(encodeReply(SOCKS_REPLY.succeeded, { host: bound.localAddress ?? '0.0.0.0', port: bound.localPort ?? 0 }));
    splice(client, r.upstream, q.buf.subarray(req.length), limits.idleTimeoutMs);
  };

  async function serve(client: Socket): Promise<void> {
    client.setNoDelay(true);
    // The client has headerTimeoutMs in all to say where it goes, however it trickles. Opening the stream is
    // then bounded by the connector (and the idle timeout).
    const deadline = setTimeout(() => client.destroy(), limits.headerTimeoutMs);
    try {
      const first = await firstBytes(client, Buffer.alloc(0));
      if (!first) return;
      const kind = first[0];
      const step = kind === SOCKS_VERSION ? serveSocks : kind === TLS_HANDSHAKE ? serveTls : serveHttp;
      await step(client, first, () => clearTimeout(deadline));
    } finally {
      clearTimeout(deadline);
    }
  }

  function refuse(client: Socket): void {
    client.on('error', () => undefined);
    client.destroy();
    refusedSinceWarn += 1;
    const now = clock.now();
    if (now - lastRefusalWarn >= REFUSAL_WARN_MS) {
      log.warn(`Closed ${refusedSinceWarn} new connection(s) at once: ${limits.maxConnections} are open, the most this proxy takes`);
      lastRefusalWarn = now;
      refusedSinceWarn = 0;
    }
  }

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    if (active.size >= limits.maxConnections) return refuse(client);
    active.add(client);
    client.once('close', () => {
      active.delete(client);
      if (active.size === 0) whenEmpty?.();
    });
    client.on('error', (e) => log.debug(`Client connection: ${e.message}`));
    // Idle connections are closed even while the connector is still busy opening their stream.
    client.setTimeout(limits.idleTimeoutMs, () => client.destroy());
    serve(client).catch((e: unknown) => {
      if (!(e instanceof PrefixAborted)) log.debug(`Connection ended: ${e instanceof Error ? e.message : String(e)}`);
      client.destroy();
    });
  });

  let closing: Promise<void> | undefined;
  function close(graceMs = 5000): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      const listenerClosed = new Promise<void>((r) => server.close(() => r()));
      const emptied = new Promise<void>((r) => {
        if (active.size === 0) r();
        else whenEmpty = r;
      });
      const cut = setTimeout(() => {
        if (active.size > 0) log.debug(`Closing ${active.size} connection(s) still open after ${graceMs} ms`);
        for (const s of active) s.destroy();
      }, graceMs);
      void Promise.all([listenerClosed, emptied]).then(() => {
        clearTimeout(cut);
        resolve();
      });
    });
    return closing;
  }

  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, opts.host, opts.port)));
    server.listen(opts.port, opts.host, () => {
      server.removeAllListeners('error');
      server.on('error', (e) => log.error(`Proxy listener: ${e.message}`));
      const addr = server.address();
      ownPort = typeof addr === 'object' && addr ? addr.port : opts.port;
      log.info(`Proxy listening on ${formatTarget({ host: opts.host, port: ownPort })} (HTTP, CONNECT, SOCKS5, TLS)`);
      resolve({ address: { host: opts.host, port: ownPort }, connections: () => active.size, close });
    });
  });
}
