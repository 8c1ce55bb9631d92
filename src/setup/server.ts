// The page's HTTP server: fastify with every route of the route table, behind the guards (peer, Host, CSRF,
// session) and with the security headers on every answer. No sockets are opened here: index.ts listens, tests
// use inject().

import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ROUTES, type RouteName, SMALL_BODY } from './api.js';
import { describeError } from '../system/index.js';
import { accountRoutes } from './account-routes.js';
import { failureAnswer, type PageContext, pageError, send } from './context.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { EventStreams, pageEvent } from './events.js';
import { exitLocationRoutes } from './exit-location-routes.js';
import { FORMS } from './forms.js';
import { csrfProblem, hostDecision, peerAllowed, SECURITY_HEADERS } from './guard.js';
import type { Call, Handlers } from './handler.js';
import { NodeControl } from './node-control.js';
import { pacRoutes } from './pac-routes.js';
import { clearedCookie, cookieValue, SESSION_COOKIE, type Session, sessionCookie } from './sessions.js';
import { sshRoutes } from './ssh-routes.js';
import { pickEncoding, type StaticFile } from './static-files.js';
import { wifiRoutes } from './wifi-routes.js';
import { wizardRoutes } from './wizard-routes.js';

export interface ServerOptions {
  files: ReadonlyMap<string, StaticFile>;
  /** Whether devices on the LAN may use the page (setup-page-lan), asked per connection. */
  lan(): boolean;
  /** The names and addresses the page answers under (DNS rebinding defence). */
  ownNames(): ReadonlySet<string>;
  /** The address a connection arrived at (the hotspot's or another); its socket's, unless a test's inject() says. */
  localAddress?(socket: Socket): string | undefined;
}

export interface PageServer {
  app: FastifyInstance;
  /** Ends the live streams (before the server closes). */
  closeStreams(): void;
}

const HIJACKED = Symbol('hijacked');

function formProblem(error: { validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }> }): string {
  const v = error.validation?.[0];
  const where = v?.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : (v?.params?.missingProperty as string | undefined) ?? (v?.params?.additionalProperty as string | undefined) ?? 'form';
  return `The field '${where}' ${v?.message ?? 'is not valid'}.`;
}

export function buildPageServer(ctx: PageContext, opts: ServerOptions): PageServer {
  const app = Fastify({
    logger: false, bodyLimit: SMALL_BODY, connectionTimeout: 60_000, keepAliveTimeout: 5000, requestTimeout: 60_000, return503OnClosing: true,
    // A field the form does not have, or of the wrong type, is an error, not something to drop or convert.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  });
  const streams = new EventStreams();
  const node = new NodeControl(ctx.link, (running, pid) => streams.send({ type: 'node', running, ...(pid !== undefined ? { pid } : {}) }));
  ctx.link.onBroadcast((b) => {
    const e = pageEvent(b, ctx.clock.now());
    if (e) streams.send(e);
  });
  const handlers: Handlers = {
    ...accountRoutes(ctx),
    ...wizardRoutes(ctx, node),
    ...dashboardRoutes(ctx, node),
    ...exitLocationRoutes(ctx),
    ...sshRoutes(ctx),
    ...wifiRoutes(ctx),
    ...pacRoutes(ctx),
    events: async ({ reply, session }) => {
      const id = session?.id;
      void reply.hijack();
      if (!streams.add(reply.raw, () => ctx.sessions.get(id) !== undefined, SECURITY_HEADERS)) {
        reply.raw.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'TOO_MANY_STREAMS', message: 'Too many live views are open.', fix: 'Close another tab of this page.' } }));
        return HIJACKED;
      }
      // A view that opens after the Node started learns where it stands: the broadcasts only tell changes.
      void (async () => {
        const box = await ctx.link.daemon('boxStatus', {});
        streams.send({ type: 'node', running: box.nodeRunning }, reply.raw);
        if (box.nodeRunning) streams.send({ type: 'stage', stage: (await ctx.link.node('connectionStatus', {})).stage }, reply.raw);
      })().catch((e: unknown) => ctx.log.warn(`Cannot tell a new live view where the Node stands: ${describeError(e)}`));
      return HIJACKED;
    },
  };

  const arrivedAt = (socket: Socket): string | undefined => (opts.localAddress ? opts.localAddress(socket) : socket.localAddress);
  // A connection from where the page must not be seen is closed before it says anything.
  app.server.on('connection', (socket) => {
    if (!peerAllowed(socket.remoteAddress, opts.lan(), arrivedAt(socket))) socket.destroy();
  });

  const sessions = new WeakMap<FastifyRequest, Session>();
  app.addHook('onRequest', async (req, reply) => {
    const local = arrivedAt(req.socket);
    if (!peerAllowed(req.socket.remoteAddress, opts.lan(), local)) return send(reply, pageError(403, 'NOT_LOCAL', 'This page answers only this machine and its local network.'), ctx.log);
    const byHost = hostDecision({ host: req.headers.host, url: req.url, method: req.method }, local, opts.ownNames());
    if (byHost === 'foreign') {
      return send(reply, pageError(421, 'FOREIGN_HOST', `This page does not answer under the name '${String(req.headers.host ?? '').slice(0, 100)}'.`, { fix: 'Open it at the box\'s own name or address.' }), ctx.log);
    }
    if (byHost !== 'page') {
      if (byHost.probe) ctx.log.debug(`A captive probe (${byHost.probe}) is sent to the setup page`);
      // As bytes: fastify would add a charset to a string's content type, and RFC 8908's type has none.
      return reply.code(byHost.status).headers(byHost.headers).send(Buffer.from(byHost.body));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const why = csrfProblem(req.headers);
      if (why) return send(reply, pageError(403, 'CROSS_SITE', `Refused: ${why}.`, { fix: 'Use the page itself.' }), ctx.log);
    }
    const s = ctx.sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE));
    if (s) sessions.set(req, s);
    return undefined;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) void reply.header(k, v);
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown[] }, _req, reply) => {
    if (error.validation) return reply.code(400).send({ error: { code: 'FORM_INVALID', message: formProblem(error as never), fix: 'Correct the field and send the form again.' } });
    if (error.statusCode === 413) return reply.code(413).send({ error: { code: 'FORM_TOO_LARGE', message: 'The form is larger than this page accepts.', fix: 'Send less.' } });
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: { code: 'BAD_REQUEST', message: `The request was not understood (${error.message.slice(0, 200)}).`, fix: 'Use the page itself.' } });
    }
    const { status, body } = failureAnswer(error, ctx.log);
    return reply.code(status).send({ error: body });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'There is nothing here.' } }));

  const route = (name: RouteName): void => {
    const spec = ROUTES[name];
    const handler = handlers[name];
    if (!handler) throw new Error(`The route ${name} has no handler`);
    app.route({
      method: spec.method, url: spec.path,
      ...('bodyLimit' in spec ? { bodyLimit: spec.bodyLimit } : {}),
      ...(FORMS[name] ? { schema: { body: FORMS[name] } } : {}),
      // Before the body is even parsed: who may not call the route learns nothing about its form.
      onRequest: async (req, reply) => {
        try {
          await checkAccess(spec.access, sessions.get(req), ctx);
        } catch (e) {
          return send(reply, e, ctx.log);
        }
        return undefined;
      },
      handler: async (req, reply) => {
        const session = sessions.get(req);
        try {
          const call: Call = {
            body: (req.body ?? {}) as Record<string, unknown>, session, reply, local: arrivedAt(req.socket),
            setSession: (s) => void reply.header('set-cookie', s ? sessionCookie(s.id) : clearedCookie()),
          };
          const out = await handler(call);
          if (out === HIJACKED) return reply;
          return reply.send(out);
        } catch (e) {
          return send(reply, e, ctx.log);
        }
      },
    });
  };
  for (const name of Object.keys(ROUTES) as RouteName[]) route(name);
  serveFiles(app, opts.files);
  return { app, closeStreams: () => streams.close() };
}

async function checkAccess(access: (typeof ROUTES)[RouteName]['access'], session: Session | undefined, ctx: PageContext): Promise<void> {
  if (access === 'public') return;
  if (access === 'session') {
    if (session?.kind !== 'admin') throw pageError(401, 'NOT_LOGGED_IN', 'Log in first.', { fix: 'Give the admin password on the page.' });
    return;
  }
  // The claim routes exist only while the box is unclaimed: afterwards they answer as if they never had.
  if ((await ctx.link.daemon('boxStatus', {})).claimed) throw pageError(404, 'NOT_FOUND', 'There is nothing here.');
  if (access === 'code' && session?.kind !== 'code') throw pageError(403, 'SETUP_CODE_FIRST', 'Give the setup code first.', { field: 'code' });
}

function serveFiles(app: FastifyInstance, files: ReadonlyMap<string, StaticFile>): void {
  for (const [path, f] of files) {
    app.get(path, async (req: FastifyRequest, reply: FastifyReply) => {
      void reply.header('content-type', f.type).header('etag', f.etag).header('vary', 'accept-encoding').header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === f.etag) return reply.code(304).send();
      const enc = pickEncoding(req.headers['accept-encoding']);
      if (enc !== 'identity') void reply.header('content-encoding', enc);
      return reply.send(enc === 'br' ? f.br : enc === 'gzip' ? f.gzip : f.identity);
    });
  }
}

