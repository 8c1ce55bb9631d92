// The consumer entry: one TCP port that speaks HTTP proxy requests, CONNECT, SOCKS5 and TLS with SNI. It learns
// where a stream goes and hands it to a Connector (the direct exit in zero-hop mode, routes through the mesh
// later), then splices the two with backpressure. Failures are told in the client's own protocol.

import { type Server, type Socket, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { MasqError } from '../system/errors.js';
import type { Logger } from '../system/logger.js';
import type { Connector } from './exit.js';
import { type ProxyProblem, StreamFailure, type Target, errorPage, tlsAlert, FAILURES } from './failures.js';
import { interpret, parseHead } from './http-head.js';
import { MAX_CLIENT_HELLO, parseClientHello } from './sni.js';
import { CMD_CONNECT, NO_ACCEPTABLE_METHOD, NO_AUTH, REP, SOCKS_VERSION, encodeReply, parseGreeting, parseRequest } from './socks5.js';

export type { Connector } from './exit.js';
export { createDirectExit } from './exit.js';
export { StreamFailure, type FailureKind, type Target } from './failures.js';

export interface ProxyLimits {
  maxHeaderBytes: number;
  headerTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_LIMITS: ProxyLimits = { maxHeaderBytes: 16 * 1024, headerTimeoutMs: 10_000, idleTimeoutMs: 300_000, maxConnections: 1024 };

export interface ProxyOptions {
  host: string;
  port: number;
  connector: Connector;
  log: Logger;
  limits?: Partial<ProxyLimits>;
}

export interface ProxyServer {
  address: { host: string; port: number };
  connections(): number;
  /** Stops accepting, lets open streams run up to graceMs, then cuts them. */
  close(graceMs?: number): Promise<void>;
}

/** After the server side has finished, how long the client gets to finish too. */
const LINGER_MS = 5000;

class Closed extends Error {}

/**
 * Collects bytes from a paused-after socket until `parse` returns a value. The buffer never grows past `max`.
 * Afterwards the socket is paused again with nothing consumed beyond what the caller is handed.
 */
function readPrefix<T>(sock: Socket, start: Buffer, max: number, parse: (buf: Buffer) => T | undefined): Promise<{ value: T; buf: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = start;
    const finish = (err?: Error): void => {
      sock.removeListener('data', onData);
      sock.removeListener('end', onEnd);
      sock.removeListener('close', onEnd);
      sock.pause();
      if (err) reject(err);
    };
    const attempt = (): boolean => {
      const value = parse(buf);
      if (value !== undefined) {
        finish();
        resolve({ value, buf });
        return true;
      }
      if (buf.length >= max) {
        finish(new Closed('prefix too long'));
        return true;
      }
      return false;
    };
    const onData = (d: Buffer): void => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      attempt();
    };
    const onEnd = (): void => finish(new Closed('client closed'));
    if (start.length > 0 && attempt()) return;
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.once('close', onEnd);
    sock.resume();
  });
}

export function startProxy(opts: ProxyOptions): Promise<ProxyServer> {
  const limits: ProxyLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const log = opts.log;
  const active = new Set<Socket>();

  /** Joins client and server; each side's end is passed on, an error or a full close of one ends both. */
  function splice(client: Socket, upstream: Duplex, first: Buffer): void {
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.setTimeout(limits.idleTimeoutMs);
    client.on('timeout', kill);
    client.on('error', kill);
    upstream.on('error', kill);
    const up = upstream as Duplex & { setTimeout?: (ms: number, cb: () => void) => void };
    up.setTimeout?.(limits.idleTimeoutMs, kill);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => {
      client.end();
      client.setTimeout(LINGER_MS);
    });
    if (first.length > 0) upstream.write(first);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Opens the stream; on failure calls `fail` with the problem and returns undefined. */
  async function open(client: Socket, target: Target): Promise<Duplex | { failed: ProxyProblem; detail: string }> {
    const ac = new AbortController();
    const abort = (): void => ac.abort();
    client.once('close', abort);
    try {
      const upstream = await opts.connector.open(target, ac.signal);
      if (client.destroyed) {
        upstream.destroy();
        return { failed: 'connect', detail: 'client left' };
      }
      return upstream;
    } catch (e) {
      if (e instanceof StreamFailure) return { failed: e.kind, detail: e.message };
      return { failed: 'connect', detail: e instanceof Error ? e.message : String(e) };
    } finally {
      client.removeListener('close', abort);
    }
  }

  const failed = (r: Duplex | { failed: ProxyProblem; detail: string }): r is { failed: ProxyProblem; detail: string } => 'failed' in r;

  async function serveHttp(client: Socket, start: Buffer): Promise<void> {
    const { value, buf } = await readPrefix(client, start, limits.maxHeaderBytes + 1, (b) => {
      const r = parseHead(b, limits.maxHeaderBytes);
      return r.kind === 'incomplete' ? undefined : r;
    });
    const none: Target = { host: '', port: 0 };
    if (value.kind === 'too-large') return void client.end(errorPage('header-too-large', none));
    if (value.kind === 'malformed') return void client.end(errorPage('bad-request', none));
    if (value.kind !== 'head') return;
    const req = interpret(value.head);
    if (req.kind === 'bad') return void client.end(errorPage('bad-request', none));
    const target = { host: req.host, port: req.port };
    const rest = buf.subarray(value.head.length);
    log.debug(`${req.kind === 'connect' ? 'CONNECT' : value.head.method} ${target.host}:${target.port}`);
    if (req.kind === 'connect') {
      // As MASQ does, the tunnel is confirmed at once; a failure is then told as a TLS alert.
      client.write('HTTP/1.1 200 OK\r\n\r\n');
      const r = await open(client, target);
      if (!failed(r)) return splice(client, r, rest);
      log.warn(`CONNECT ${target.host}:${target.port} failed: ${r.detail}`);
      // The header timeout still bounds this wait for the client's first bytes.
      const peek = rest.length > 0 ? rest : await readPrefix(client, rest, 1, (b) => (b.length > 0 ? b : undefined)).then((x) => x.buf, () => Buffer.alloc(0));
      if (peek[0] === 0x16) client.end(tlsAlert(r.failed));
      else client.destroy();
      return;
    }
    const r = await open(client, target);
    if (failed(r)) {
      log.warn(`${target.host}:${target.port} failed: ${r.detail}`);
      return void client.end(errorPage(r.failed, target));
    }
    splice(client, r, Buffer.concat([req.head, rest]));
  }

  async function serveTls(client: Socket, start: Buffer): Promise<void> {
    const { value, buf } = await readPrefix(client, start, MAX_CLIENT_HELLO, (b) => {
      const r = parseClientHello(b);
      return r.kind === 'incomplete' ? undefined : r;
    });
    if (value.kind !== 'hello' || !value.serverName) return void client.end(tlsAlert('bad-request'));
    const target = { host: value.serverName, port: 443 };
    log.debug(`TLS ${target.host}:443`);
    const r = await open(client, target);
    if (failed(r)) {
      log.warn(`TLS ${target.host} failed: ${r.detail}`);
      return void client.end(tlsAlert(r.failed));
    }
    splice(client, r, buf);
  }

  async function serveSocks(client: Socket, start: Buffer): Promise<void> {
    const g = await readPrefix(client, start, 2 + 255, (b) => {
      const r = parseGreeting(b);
      return r.kind === 'incomplete' ? undefined : r;
    });
    if (g.value.kind !== 'ok') return void client.destroy();
    if (!g.value.methods.includes(NO_AUTH)) return void client.end(Buffer.from([SOCKS_VERSION, NO_ACCEPTABLE_METHOD]));
    client.write(Buffer.from([SOCKS_VERSION, NO_AUTH]));
    const q = await readPrefix(client, g.buf.subarray(g.value.length), 4 + 1 + 255 + 2, (b) => {
      const r = parseRequest(b);
      return r.kind === 'incomplete' ? undefined : r;
    });
    const req = q.value;
    if (req.kind !== 'ok') return void client.destroy();
    if (req.badAddressType) return void client.end(encodeReply(REP.addressTypeNotSupported));
    if (req.command !== CMD_CONNECT) return void client.end(encodeReply(REP.commandNotSupported));
    const target = { host: req.host, port: req.port };
    log.debug(`SOCKS5 ${target.host}:${target.port}`);
    const r = await open(client, target);
    if (failed(r)) {
      log.warn(`SOCKS5 ${target.host}:${target.port} failed: ${r.detail}`);
      return void client.end(encodeReply(FAILURES[r.failed].socks));
    }
    const local = r as Duplex & { localAddress?: string; localPort?: number };
    client.write(encodeReply(REP.succeeded, { address: local.localAddress ?? '0.0.0.0', port: local.localPort ?? 0 }));
    splice(client, r, q.buf.subarray(req.length));
  }

  async function serve(client: Socket): Promise<void> {
    client.setNoDelay(true);
    client.setTimeout(limits.headerTimeoutMs);
    client.once('timeout', () => client.destroy());
    client.on('error', (e) => log.debug(`Client connection: ${e.message}`));
    const first = await readPrefix(client, Buffer.alloc(0), 1, (b) => (b.length > 0 ? b : undefined));
    client.removeAllListeners('timeout');
    client.setTimeout(limits.headerTimeoutMs);
    client.once('timeout', () => client.destroy());
    const kind = first.buf[0];
    const step = kind === SOCKS_VERSION ? serveSocks : kind === 0x16 ? serveTls : serveHttp;
    await step(client, first.buf);
  }

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    if (active.size >= limits.maxConnections) {
      log.warn(`Refusing a connection: ${limits.maxConnections} are open (limit maxConnections)`);
      client.destroy();
      return;
    }
    active.add(client);
    client.once('close', () => active.delete(client));
    serve(client).catch((e: unknown) => {
      if (!(e instanceof Closed)) log.debug(`Connection ended: ${e instanceof Error ? e.message : String(e)}`);
      client.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' || e.code === 'EACCES'
        ? new MasqError('PORT_IN_USE', `The proxy cannot listen on ${opts.host}:${opts.port} (${e.code === 'EACCES' ? 'permission denied' : 'already in use'}).`, 'Stop what uses it, or choose another port with the parameter proxy-port.')
        : e);
    });
    server.listen(opts.port, opts.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      server.on('error', (e) => log.error(`Proxy listener: ${e.message}`));
      resolve({
        address: { host: opts.host, port },
        connections: () => active.size,
        close: (graceMs = 5000) => new Promise<void>((done) => {
          server.close(() => done());
          const cut = setTimeout(() => { for (const s of active) s.destroy(); }, graceMs);
          cut.unref();
          if (active.size === 0) clearTimeout(cut);
          for (const s of active) s.once('close', () => { if (active.size === 0) clearTimeout(cut); });
        }),
      });
    });
  });
}
