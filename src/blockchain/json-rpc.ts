// A small JSON-RPC client for the chain's read calls (block number, logs, receipts, nonces, balances). An idle Node
// scans the chain every few minutes; with ethers (or fetch) for that it held 9 to 17 MiB more for good (docs/PERFORMANCE.md). ethers
// is loaded only to sign and send a payment. Failures are shaped as rpc-errors.ts sorts them: transport trouble
// carries ethers' codes (TIMEOUT, NETWORK_ERROR, SERVER_ERROR), a node's refusal its own message.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** An answer larger than this is refused: a log window the size of MASQ's largest is a few MB. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export class RpcFailure extends Error {
  constructor(message: string, readonly code: 'TIMEOUT' | 'NETWORK_ERROR' | 'SERVER_ERROR' | 'BAD_DATA' | 'CALL_EXCEPTION', readonly error?: { code: unknown; message: string }) {
    super(message);
    this.name = 'RpcFailure';
  }
}

export class JsonRpcClient {
  private id = 0;
  private readonly url: URL;

  constructor(url: string, private readonly timeoutMs: number) {
    this.url = new URL(url);
  }

  /** The `result` of one call; throws RpcFailure. */
  async call(method: string, params: readonly unknown[]): Promise<unknown> {
    const { status, text } = await httpPost(this.url, JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }), this.timeoutMs, method);
    if (status < 200 || status > 299) throw new RpcFailure(`${method}: HTTP ${status} ${text.slice(0, 200)}`, status >= 500 || status === 429 ? 'SERVER_ERROR' : 'BAD_DATA');
    return resultOf(text, method);
  }
}

/**
 * POST over node:http or node:https. Not fetch: undici, behind fetch, costs a Node 9 MiB of memory more for good,
 * and an idle Node makes a few calls every few minutes.
 */
function httpPost(url: URL, body: string, timeoutMs: number, method: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy(new RpcFailure(`${method}: the answer is larger than ${MAX_ANSWER_BYTES} bytes`, 'BAD_DATA'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => reject(e instanceof RpcFailure ? e : new RpcFailure(`${method}: the connection broke while reading the answer`, 'NETWORK_ERROR')));
    });
    req.on('timeout', () => req.destroy(new RpcFailure(`${method}: timeout after ${timeoutMs} ms`, 'TIMEOUT')));
    req.on('error', (e) => reject(e instanceof RpcFailure ? e : new RpcFailure(`${method}: the request failed (${e.message})`, 'NETWORK_ERROR')));
    req.end(body);
  });
}

/** The result of a JSON-RPC answer's text, or the node's error as a RpcFailure. */
export function resultOf(text: string, method: string): unknown {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new RpcFailure(`${method}: the blockchain service answered with something that is not JSON`, 'BAD_DATA');
  }
  if (typeof answer !== 'object' || answer === null) throw new RpcFailure(`${method}: the answer is not a JSON-RPC object`, 'BAD_DATA');
  const a = answer as { result?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.error !== undefined) {
    const message = typeof a.error?.message === 'string' ? a.error.message.slice(0, 1000) : 'an error without a message';
    throw new RpcFailure(`${method}: ${message}`, 'CALL_EXCEPTION', { code: a.error?.code, message });
  }
  if (!('result' in a)) throw new RpcFailure(`${method}: the answer has neither result nor error`, 'BAD_DATA');
  return a.result;
}

const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;
const DATA = /^0x([0-9a-fA-F]{2})*$/;

/** A JSON-RPC quantity ("0x1a") as a bigint. */
export function quantity(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !QUANTITY.test(v)) throw new RpcFailure(`${what} is not a hex quantity`, 'BAD_DATA');
  return BigInt(v);
}

/** A quantity that must fit a safe integer (block numbers, nonces, log indexes). */
export function smallQuantity(v: unknown, what: string): number {
  const n = quantity(v, what);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RpcFailure(`${what} is out of range`, 'BAD_DATA');
  return Number(n);
}

/** Hex bytes ("0x…", even length). */
export function hexData(v: unknown, what: string): string {
  if (typeof v !== 'string' || !DATA.test(v)) throw new RpcFailure(`${what} is not hex data`, 'BAD_DATA');
  return v;
}

export const toQuantity = (n: number | bigint): string => `0x${n.toString(16)}`;
