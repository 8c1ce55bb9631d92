// The manager's API for the setup page: HTTP with JSON bodies on a unix socket (mode 0660, group masq-setup, so
// only the page's user and root may open it). Bodies are bounded, requests time out, and every failure is
// { error: { code, message, fix } } without a stack trace.

import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { describeError, type Logger, MasqError } from '../system/index.js';
import { type JoinRequest, type WifiErrorBody, type WifiErrorCode, type WifiNetwork, WIFI_ROUTES, type WifiStatus } from './api.js';
import { WifiError } from './errors.js';
import { parseJoinRequest } from './validate.js';

/** What the server needs of the manager. */
export interface WifiService {
  status(): WifiStatus;
  networks(): Promise<WifiNetwork[]>;
  join(req: JoinRequest): WifiStatus;
}

export const MAX_BODY_BYTES = 4096;
/** The whole request must arrive within this; an answer (a scan) may take longer. */
const REQUEST_TIMEOUT_MS = 10_000;

const HTTP_STATUS: Record<WifiErrorCode, number> = {
  'bad-request': 400, 'no-route': 404, 'no-radio': 503, busy: 409, unsupported: 422, timeout: 408, internal: 500,
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(c);
        return;
      }
      // The rest is read and dropped (within the request timeout), so the refusal reaches the client.
      req.off('data', onData);
      req.resume();
      reject(new WifiError('bad-request', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, 'Send only the join request.'));
    };
    req.on('data', onData);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new WifiError('bad-request', 'The request body is not JSON.', 'Send the join request as JSON.'));
      }
    });
    req.on('error', reject);
  });
}

async function route(svc: WifiService, req: IncomingMessage): Promise<[number, unknown]> {
  const path = (req.url ?? '').split('?')[0];
  const r = Object.values(WIFI_ROUTES).find((x) => x.path === path);
  if (!r) throw new WifiError('no-route', `No route ${String(path).slice(0, 64)}.`, 'Use /status, /networks or /join.');
  if (r.method !== req.method) throw new WifiError('no-route', `${path} takes ${r.method}.`, `Send ${r.method} ${path}.`);
  if (r === WIFI_ROUTES.status) return [200, svc.status()];
  if (r === WIFI_ROUTES.networks) return [200, await svc.networks()];
  return [202, svc.join(parseJoinRequest(await readBody(req)))];
}

export function createWifiServer(svc: WifiService, log: Logger): Server {
  const server = createServer((req, res) => {
    route(svc, req).then(([status, body]) => send(res, status, body), (e: unknown) => {
      const code: WifiErrorCode = e instanceof WifiError ? e.problem : 'internal';
      if (code === 'internal') log.error(`API ${req.method} ${req.url?.slice(0, 64)}: ${describeError(e)}`);
      const error: WifiErrorBody['error'] = { code, message: e instanceof Error ? e.message : String(e) };
      if (e instanceof MasqError && e.fix) error.fix = e.fix;
      if (!res.headersSent) send(res, HTTP_STATUS[code], { error });
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  return server;
}

/** Listens on the socket path (a socket left by a crash is replaced) and opens it to the group (0660). */
export async function listenUnix(server: Server, path: string): Promise<void> {
  try {
    if (lstatSync(path).isSocket()) rmSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o660);
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
