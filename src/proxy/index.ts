// The consumer entry: one TCP port that speaks HTTP proxy requests, CONNECT, SOCKS5 and TLS with SNI. It learns
// where a stream goes, asks a Connector to open it (the direct exit in zero-hop mode, routes through the mesh
// otherwise) and splices the two. Failures are told in the client's own protocol: an HTTP page, a TLS alert or a
// SOCKS5 reply, all from one table (failures.ts).

import { type Socket, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { isLoopbackAddress, unmappedIPv4 } from '../address-ranges/index.js';
import { type Clock, type Logger, MasqError, SYSTEM_CLOCK } from '../system/index.js';
import { type Connector, StreamFailure, type Target, formatTarget } from '../mesh/index.js';
import { FAILURES, type ProxyProblem, SOCKS_REPLY, errorPage, tlsAlert } from './failures.js';
import { headerValues, interpret, parseHead } from './http-head.js';
import { type Credentials, MAX_USERPASS, USERPASS_METHOD, basicCredentials, checkCredentials, credentialsMatch, parseUserPass, userPassReply } from './auth.js';
import { closeAll, listenAll, reachesListeners } from './listen.js';
import { Refusals, SourceCounter, fairShare } from './sources.js';
import { MAX_CLIENT_HELLO, parseClientHello } from './sni.js';
import { CMD_CONNECT, MAX_GREETING, MAX_REQUEST, NO_ACCEPTABLE_METHOD, NO_AUTH, SOCKS_VERSION, encodeReply, parseGreeting, parseRequest } from './socks5.js';
import { PrefixAborted, finish, firstBytes, readPrefix, splice } from './streams.js';

export { type Connector, type FailureKind, StreamFailure, type Target } from '../mesh/index.js';
export { createDirectExit, type DirectExitOptions } from './direct-exit.js';
export { type Credentials, encodeBasic, encodeUserPass } from './auth.js';
export { fairShare, Notices, type Admission, Refusals, SourceCounter } from './sources.js';
// The pieces the whole-home DNS mode's doors (src/lan-entry) read connections with, as this proxy does.
export { headerValues, parseAuthority, parseHead } from './http-head.js';
export { PrefixAborted, finish, readPrefix, splice } from './streams.js';

export interface ProxyLimits {
  /** Largest HTTP request head; beyond it the client gets 431. */
  maxHeaderBytes: number;
  /** Time a client has, from connecting, to say where it wants to go. */
  headerTimeoutMs: number;
  /** A stream with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** Open client connections; more are closed at once. */
  maxConnections: number;
  /** Open connections of one source address; more from it are closed at once. fairShare(maxConnections) unless given. */
  maxPerSource: number;
}

export const DEFAULT_LIMITS: Readonly<ProxyLimits> = { maxHeaderBytes: 16 * 1024, headerTimeoutMs: 10_000, idleTimeoutMs: 300_000, maxConnections: 1024, maxPerSource: fairShare(1024) };

export interface ProxyOptions {
  /** One address to listen on; `hosts` adds more. */
  host?: string;
  /** Addresses to listen on (127.0.0.1 and the box's LAN addresses), after `host`; duplicates are dropped. */
  hosts?: string[];
  port: number;
  connector: Connector;
  log: Logger;
  limits?: Partial<ProxyLimits>;
  /** Paces the refusal warnings; SYSTEM_CLOCK by default. */
  clock?: Clock;
  /** A connection from a source (plain IPv4 or IPv6) for which this is false is closed before anything is read; called on every connection, so quick and never throwing (localSource in src/address-ranges is one). */
  sourceAllowed?: (ip: string) => boolean;
  /**
   * When set, every HTTP request and CONNECT needs them as Proxy-Authorization Basic, and SOCKS5 as username and
   * password (RFC 1929). TLS with SNI cannot carry them, so it is refused then. The user name has no ":", and
   * each has at most 255 bytes (SOCKS5 carries no more).
   */
  credentials?: Credentials;
  /**
   * This machine's own programs (loopback sources) are served without credentials and without a per-source share.
   * For the whole-home DNS mode (lan-dns), whose doors on the box bring every device of the home in from loopback,
   * each device already counted and checked there.
   */
  trustLoopback?: boolean;
}

export interface ProxyServer {
  /** The first address listened on. */
  address: { host: string; port: number };
  connections(): number;
  /** Stops accepting, lets open connections run up to graceMs (default 5 s), then cuts them; resolves when all are gone. */
  close(graceMs?: number): Promise<void>;
}

const TLS_HANDSHAKE = 0x16;
/** What is left to write once the connector has carried the client's first bytes itself. */
const NOTHING = Buffer.alloc(0);

type Opened = { ok: true; upstream: Duplex } | { ok: false; problem: ProxyProblem; detail: string; about?: string };
/** Serves one protocol; calls `headRead` once it knows where the client wants to go. */
type Step = (client: Socket, start: Buffer, headRead: () => void) => Promise<void>;

export async function startProxy(opts: ProxyOptions): Promise<ProxyServer> {
  const limits: ProxyLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  limits.maxPerSource = opts.limits?.maxPerSource ?? fairShare(limits.maxConnections);
  const hosts = [...new Set([...(opts.host !== undefined ? [opts.host] : []), ...(opts.hosts ?? [])])];
  if (hosts.length === 0) throw new MasqError('CONFIG_INVALID', 'The proxy was given no address to listen on.', 'Set the parameter proxy-address.');
  const credentials = opts.credentials;
  if (credentials) checkCredentials(credentials);
  const log = opts.log;
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const active = new Set<Socket>();
  const trusted = (ip: string): boolean => opts.trustLoopback === true && isLoopbackAddress(ip);
  const sources = new SourceCounter({ maxConnections: limits.maxConnections, maxPerSource: limits.maxPerSource, allowed: opts.sourceAllowed, unlimited: trusted });
  /** The credentials this client must give, if any. */
  const asked = (client: Socket): Credentials | undefined => (credentials && !trusted(client.remoteAddress ?? '') ? credentials : undefined);
  const refusals = new Refusals(log, clock, limits);
  let ownPort = opts.port;
  const reachesUs = reachesListeners(hosts);
  let whenEmpty: (() => void) | undefined;

  /** Whether the target is this proxy itself: a browser pointed at the proxy address as if it were a site. */
  const isSelf = (t: Target): boolean => t.port === ownPort && reachesUs(t.host);

  async function open(client: Socket, target: Target, early?: Buffer): Promise<Opened> {
    if (isSelf(target)) return { ok: false, problem: 'loop', detail: 'the target is this proxy' };
    const ac = new AbortController();
    const abort = (): void => ac.abort();
    client.once('close', abort);
    try {
      const upstream = await opts.connector.open(target, ac.signal, early);
      // Until splice() takes over, an error only ends the upstream (splice sees it destroyed).
      upstream.on('error', () => upstream.destroy());
      if (client.destroyed) {
        upstream.destroy();
        return { ok: false, problem: 'connect', detail: 'the client left' };
      }
      return { ok: true, upstream };
    } catch (e) {
      if (e instanceof StreamFailure) return { ok: false, problem: e.kind, detail: e.message, ...(e.about !== undefined ? { about: e.about } : {}) };
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
    if (asked(client) && !allowed(client, basicCredentials(headerValues(value.head, 'proxy-authorization')))) {
      return finish(client, errorPage('auth-required', none));
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
    const r = await open(client, target, Buffer.concat([req.head, rest]));
    if (!r.ok) {
      failed(value.head.method, target, r);
      return finish(client, errorPage(r.problem, target, r.about));
    }
    splice(client, r.upstream, NOTHING, limits.idleTimeoutMs);
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
    const r = await open(client, target, buf);
    if (!r.ok) {
      failed('TLS', target, r);
      return finish(client, tlsAlert(r.problem));
    }
    splice(client, r.upstream, NOTHING, limits.idleTimeoutMs);
  };

  const serveSocks: Step = async (client, start, headRead) => {
    const g = await readPrefix(client, start, MAX_GREETING, (b) => {
      const r = parseGreeting(b);
      return r.kind === 'incomplete' ? undefined : r;
    });
    if (g.value.kind !== 'ok') return void client.destroy();
    // With credentials only username/password is offered (RFC 1929), without them only "no authentication".
    const method = asked(client) ? USERPASS_METHOD : NO_AUTH;
    if (!g.value.methods.includes(method)) {
      log.debug(`SOCKS5 client does not offer method ${method}`);
      return finish(client, Buffer.from([SOCKS_VERSION, NO_ACCEPTABLE_METHOD]));
    }
    client.write(Buffer.from([SOCKS_VERSION, method]));
    let after = g.buf.subarray(g.value.length);
    if (method === USERPASS_METHOD) {
      const a = await readPrefix(client, after, MAX_USERPASS, (b) => {
        const r = parseUserPass(b);
        return r.kind === 'incomplete' ? undefined : r;
      });
      if (a.value.kind !== 'ok' || !allowed(client, a.value)) return finish(client, userPassReply(false));
      client.write(userPassReply(true));
      after = a.buf.subarray(a.value.length);
    }
    const q = await readPrefix(client, after, MAX_REQUEST, (b) => {
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

  /** Whether `given` are the proxy's credentials; a refusal is logged once per source per minute, never the password. */
  function allowed(client: Socket, given: Credentials | undefined): boolean {
    if (credentials && given && credentialsMatch(credentials, given)) return true;
    const source = unmappedIPv4(client.remoteAddress ?? '');
    if (refusals.due(`auth ${source}`)) log.warn(`Refused a proxy client at ${source}: wrong or missing proxy user name and password`);
    return false;
  }

  async function serve(client: Socket): Promise<void> {
    client.setNoDelay(true);
    // The client has headerTimeoutMs in all to say where it goes, however it trickles; the deadline holds until
    // the step says the head is read, whatever path the step takes. Opening the stream is then bounded by the
    // connector (and the idle timeout).
    const deadline = setTimeout(() => client.destroy(), limits.headerTimeoutMs);
    client.once('close', () => clearTimeout(deadline));
    const first = await firstBytes(client, Buffer.alloc(0));
    // A client that ends before saying where it goes is closed at once: with allowHalfOpen its socket would
    // otherwise wait, half-closed, in CLOSE-WAIT and hold its place among maxConnections.
    if (!first) return void client.destroy();
    const kind = first[0];
    if (kind === TLS_HANDSHAKE && asked(client)) {
      // TLS with SNI carries no proxy credentials: with credentials on, only the other three protocols serve.
      log.debug('TLS with SNI refused: the proxy needs credentials, which only HTTP, CONNECT and SOCKS5 carry');
      return finish(client, tlsAlert('auth-required'));
    }
    const step = kind === SOCKS_VERSION ? serveSocks : kind === TLS_HANDSHAKE ? serveTls : serveHttp;
    await step(client, first, () => clearTimeout(deadline));
  }

  const onConnection = (client: Socket): void => {
    const a = sources.admit(client.remoteAddress);
    if (!a.ok) {
      client.on('error', () => undefined);
      client.destroy();
      return refusals.tell(a);
    }
    active.add(client);
    client.once('close', () => {
      active.delete(client);
      sources.release(a.source);
      if (active.size === 0) whenEmpty?.();
    });
    client.on('error', (e) => log.debug(`Client connection: ${e.message}`));
    // Idle connections are closed even while the connector is still busy opening their stream.
    client.setTimeout(limits.idleTimeoutMs, () => client.destroy());
    serve(client).catch((e: unknown) => {
      if (!(e instanceof PrefixAborted)) log.debug(`Connection ended: ${e instanceof Error ? e.message : String(e)}`);
      client.destroy();
    });
  };
  const { servers, port } = await listenAll(hosts, opts.port, () => createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection), (e) => log.error(`Proxy listener: ${e.message}`));
  ownPort = port;

  let closing: Promise<void> | undefined;
  function close(graceMs = 5000): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      const listenerClosed = closeAll(servers);
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

  const where = hosts.map((h) => formatTarget({ host: h, port })).join(', ');
  log.info(`Proxy listening on ${where} (HTTP, CONNECT, SOCKS5${credentials ? ', with a user name and password' : ', TLS'})`);
  return { address: { host: hosts[0] as string, port }, connections: () => active.size, close };
}
