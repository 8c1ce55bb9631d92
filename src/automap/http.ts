// Bounded HTTP/1.1 to a router's UPnP server: one request, a hard deadline, a cap on the body (checked against
// Content-Length up front and counted as it arrives) and on the headers. No connection is kept.

import { request } from 'node:http';
import { AutomapError } from './errors.js';

export const HTTP_TIMEOUT_MS = 5000;
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

/** Rejects with AutomapError: `no-answer` for a connection failure or the deadline, `malformed` for a body too large. */
export function httpCall(url: string, call: HttpCall): Promise<HttpAnswer> {
  const timeoutMs = call.timeoutMs ?? HTTP_TIMEOUT_MS;
  const maxBody = call.maxBodyBytes ?? MAX_BODY_BYTES;
  return new Promise((resolve, reject) => {
    let done = false;
    const settle = (err: AutomapError | undefined, answer?: HttpAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      req.destroy();
      if (err) reject(err);
      else resolve(answer as HttpAnswer);
    };
    const body = call.body === undefined ? undefined : Buffer.from(call.body, 'utf8');
    const headers = { ...call.headers, ...(body ? { 'Content-Length': String(body.length) } : {}), Connection: 'close' };
    const req = request(url, { method: call.method, headers, agent: false, maxHeaderSize: MAX_HEADER_BYTES });
    const deadline = setTimeout(() => settle(new AutomapError('no-answer', `The router's UPnP server at ${url} did not answer within ${timeoutMs} ms.`)), timeoutMs);
    const tooLarge = (): AutomapError => new AutomapError('malformed', `The router's UPnP server at ${url} sent more than ${maxBody} bytes.`);
    req.on('error', (err: NodeJS.ErrnoException) => {
      // llhttp's parse errors (HPE_*) mean the router answered with something that is not HTTP.
      if (err.code?.startsWith('HPE_')) settle(new AutomapError('malformed', `The router's UPnP server at ${url} answered with broken HTTP (${err.code}).`));
      else settle(new AutomapError('no-answer', `The router's UPnP server at ${url} cannot be reached: ${err.message}.`));
    });
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxBody) {
        settle(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) settle(tooLarge());
        else chunks.push(chunk);
      });
      res.on('error', (err) => settle(new AutomapError('no-answer', `The router's UPnP server at ${url} broke off its answer: ${err.message}.`)));
      res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(body);
  });
}
