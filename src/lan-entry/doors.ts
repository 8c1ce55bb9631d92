// The box's ports 80 and 443 in the whole-home mode. A device whose DNS is the box comes here for every site:
// port 443 is handed whole to the Node's proxy, which reads the site from TLS SNI; on port 80 the request's Host
// decides: one of the box's own names is the setup page, any other site goes to the Node's proxy, which reads Host.
// Here each device is counted (the Node sees them all come from loopback) and only the home's devices get in.

import { type Socket, connect } from 'node:net';
import { isLoopbackAddress, unmappedIPv4 } from '../address-ranges/index.js';
import { HOTSPOT_NET } from '../portal/index.js';
import { type Admission, PrefixAborted, Refusals, SourceCounter, fairShare, finish, readPrefix, splice } from '../proxy/index.js';
import { describeError, type Logger, SYSTEM_CLOCK } from '../system/index.js';
import { MAX_HTTP_HEAD, httpTarget } from './target.js';

export interface DoorLimits {
  /** Time a device has to send its request head on port 80. */
  headTimeoutMs: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxPerSource: number;
}

export const DOOR_LIMITS: Readonly<DoorLimits> = { headTimeoutMs: 10_000, connectTimeoutMs: 10_000, idleTimeoutMs: 300_000, maxConnections: 1024, maxPerSource: fairShare(1024) };

export interface DoorSettings {
  /** lan-dns is on. */
  on: boolean;
  /** The Node's proxy port on 127.0.0.1. */
  proxyPort: number;
}

export interface DoorOptions {
  settings(): DoorSettings;
  /** The names the setup page answers under (setup/guard.ts ownHostNames). */
  ownNames(): ReadonlySet<string>;
  /** Whether a source is on the box's local networks. */
  local(ip: string): boolean;
  /** Hands a connection, with what was read of it put back, to the setup page's server. */
  page(socket: Socket): void;
  log: Logger;
  limits?: Partial<DoorLimits>;
}

export interface Doors {
  /** A connection to port 80. */
  http(socket: Socket): void;
  /** A connection to port 443. */
  tls(socket: Socket): void;
  /** Connections the doors hold open now. */
  open(): number;
  close(): void;
}

const BAD_REQUEST = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nThis box could not read the request.\n');

export function createDoors(o: DoorOptions): Doors {
  const limits: DoorLimits = { ...DOOR_LIMITS, ...o.limits };
  const sources = new SourceCounter({ maxConnections: limits.maxConnections, maxPerSource: limits.maxPerSource, allowed: (ip) => o.local(ip) });
  const refusals = new Refusals(o.log, SYSTEM_CLOCK, limits);
  const held = new Set<Socket>();

  /** Counts the connection in, or closes it and says why (paced); true when admitted. */
  const admit = (socket: Socket): boolean => {
    const a: Admission = sources.admit(socket.remoteAddress);
    if (!a.ok) {
      socket.on('error', () => undefined);
      socket.destroy();
      refusals.tell(a);
      return false;
    }
    held.add(socket);
    socket.once('close', () => {
      held.delete(socket);
      sources.release(a.source);
    });
    socket.on('error', (e) => o.log.debug(`LAN entry connection: ${e.message}`));
    return true;
  };

  /** Joins the device to the Node's proxy, with what it has sent so far going first. */
  const toNode = (client: Socket, first: Buffer): void => {
    const upstream = connect({ host: '127.0.0.1', port: o.settings().proxyPort });
    const timer = setTimeout(() => upstream.destroy(new Error('the Node\'s proxy did not answer')), limits.connectTimeoutMs);
    upstream.once('connect', () => {
      clearTimeout(timer);
      splice(client, upstream, first, limits.idleTimeoutMs);
    });
    upstream.once('error', (e) => {
      clearTimeout(timer);
      // Said once per minute: the Node stopped, or runs with another proxy port than the page was told.
      if (refusals.due('node')) o.log.warn(`The whole-home DNS mode cannot reach the Node's proxy on 127.0.0.1:${o.settings().proxyPort}: ${e.message}. Is the Node running?`);
      client.destroy();
    });
  };

  return {
    http(socket) {
      const peer = unmappedIPv4(socket.remoteAddress ?? '');
      // The page as before for this machine, the setup hotspot's phones (its captive portal answers foreign names)
      // and whenever the mode is off; the page's own guards decide about them.
      if (!o.settings().on || isLoopbackAddress(peer) || unmappedIPv4(socket.localAddress ?? '') === HOTSPOT_NET.address || !o.local(peer)) {
        o.page(socket);
        return;
      }
      if (!admit(socket)) return;
      const deadline = setTimeout(() => socket.destroy(), limits.headTimeoutMs);
      readPrefix(socket, Buffer.alloc(0), MAX_HTTP_HEAD, (b) => {
        const p = httpTarget(b);
        return p.kind === 'incomplete' ? undefined : p;
      }).then(({ value, buf }) => {
        clearTimeout(deadline);
        if (value.kind === 'bad') {
          o.log.debug(`A request from ${peer} on port 80: ${value.why}`);
          return finish(socket, BAD_REQUEST);
        }
        if (o.ownNames().has(value.host)) {
          socket.unshift(buf);
          o.page(socket);
          return undefined;
        }
        return toNode(socket, buf);
      }, (e: unknown) => {
        clearTimeout(deadline);
        if (!(e instanceof PrefixAborted)) o.log.debug(`A request from ${peer} on port 80: ${describeError(e)}`);
        socket.destroy();
      });
    },
    tls(socket) {
      if (!o.settings().on) {
        socket.destroy();
        return;
      }
      if (!admit(socket)) return;
      socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
      toNode(socket, Buffer.alloc(0));
    },
    open: () => held.size,
    close() {
      for (const s of held) s.destroy();
    },
  };
}
