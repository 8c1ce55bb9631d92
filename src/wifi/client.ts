// The page's client of masq-wifi: WifiControl over the unix socket, every call bounded in time and answer size,
// and the manager's refusals turned back into WifiErrors with its code, message and fix.

import { request } from 'node:http';
import type { JoinRequest, WifiControl, WifiErrorCode, WifiNetwork, WifiStatus } from './api.js';
import { WIFI_ROUTES } from './api.js';
import { WifiError } from './errors.js';

const MAX_ANSWER_BYTES = 256 * 1024;
const CODES: ReadonlySet<string> = new Set<WifiErrorCode>(['bad-request', 'no-route', 'no-radio', 'busy', 'unsupported', 'timeout', 'internal']);
const MODES: ReadonlySet<string> = new Set(['waiting', 'online', 'hotspot', 'joining']);

function unexpected(what: string): WifiError {
  return new WifiError('internal', `masq-wifi answered something unexpected (${what}).`, 'Restart masq-wifi (systemctl restart masq-wifi).');
}

function refusal(status: number, json: unknown): WifiError {
  const e = (json as { error?: { code?: unknown; message?: unknown; fix?: unknown } } | null)?.error;
  if (!e || typeof e.message !== 'string') return unexpected(`HTTP ${status}`);
  const code = typeof e.code === 'string' && CODES.has(e.code) ? (e.code as WifiErrorCode) : 'internal';
  return new WifiError(code, e.message.slice(0, 500), typeof e.fix === 'string' ? e.fix.slice(0, 500) : undefined);
}

function asStatus(json: unknown): WifiStatus {
  const s = json as Partial<WifiStatus> | null;
  if (typeof s !== 'object' || s === null || !MODES.has(String(s.mode)) || typeof s.radio !== 'boolean' || !Array.isArray(s.addresses)) throw unexpected('not a status');
  return s as WifiStatus;
}

function asNetworks(json: unknown): WifiNetwork[] {
  if (!Array.isArray(json) || json.length > 256) throw unexpected('not a list of networks');
  for (const n of json as Array<Partial<WifiNetwork> | null>) {
    if (typeof n?.ssid !== 'string' || typeof n.signalDbm !== 'number' || typeof n.security !== 'string') throw unexpected('not a network');
  }
  return json as WifiNetwork[];
}

export function createWifiClient(socketPath: string, timeoutMs = 30_000): WifiControl {
  const call = (route: { method: string; path: string }, body?: unknown): Promise<unknown> => new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      socketPath, method: route.method, path: route.path, timeout: timeoutMs,
      headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy(unexpected(`an answer over ${MAX_ANSWER_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          reject(unexpected('not JSON'));
          return;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(json);
        else reject(refusal(status, json));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new WifiError('timeout', `masq-wifi did not answer within ${timeoutMs / 1000} s.`, 'Try again; if it lasts, see journalctl -u masq-wifi.')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof WifiError) reject(e);
      // The cause keeps the errno: the page tells "no masq-wifi here" (ENOENT, ECONNREFUSED) from a failure.
      else reject(Object.assign(new WifiError('internal', `masq-wifi cannot be reached on ${socketPath} (${e.code ?? e.message}).`, 'Check that it runs: systemctl status masq-wifi.'), { cause: e }));
    });
    req.end(text);
  });
  return {
    status: async () => asStatus(await call(WIFI_ROUTES.status)),
    networks: async () => asNetworks(await call(WIFI_ROUTES.networks)),
    join: async (r: JoinRequest) => asStatus(await call(WIFI_ROUTES.join, r)),
  };
}
