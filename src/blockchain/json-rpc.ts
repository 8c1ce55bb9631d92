// A small JSON-RPC client for the chain's read calls (block number, logs, receipts, nonces, balances). An idle Node
// scans the chain every few minutes; with ethers for that it held 17 MiB more for good (docs/PERFORMANCE.md). ethers
// is loaded only to sign and send a payment. Failures are shaped as rpc-errors.ts sorts them: transport trouble
// carries ethers' codes (TIMEOUT, NETWORK_ERROR, SERVER_ERROR), a node's refusal its own message.

/** An answer larger than this is refused: a log window the size of MASQ's largest is a few MB. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export class RpcFailure extends Error {
  constructor(message: string, readonly code: 'TIMEOUT' | 'NETWORK_ERROR' | 'SERVER_ERROR' | 'BAD_DATA' | 'CALL_EXCEPTION', readonly error?: { code: unknown; message: string }) {
    super(message);
    this.name = 'RpcFailure';
  }
}

export type Fetch = typeof fetch;

export class JsonRpcClient {
  private id = 0;

  constructor(private readonly url: string, private readonly timeoutMs: number, private readonly fetchFn: Fetch = fetch) {}

  /** The `result` of one call; throws RpcFailure. */
  async call(method: string, params: readonly unknown[]): Promise<unknown> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchFn(this.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, signal,
        body: JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }),
      });
    } catch (e) {
      if (signal.aborted) throw new RpcFailure(`${method}: timeout after ${this.timeoutMs} ms`, 'TIMEOUT');
      throw new RpcFailure(`${method}: fetch failed (${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)})`, 'NETWORK_ERROR');
    }
    const text = await boundedText(res, method, signal);
    if (!res.ok) throw new RpcFailure(`${method}: HTTP ${res.status} ${text.slice(0, 200)}`, res.status >= 500 || res.status === 429 ? 'SERVER_ERROR' : 'BAD_DATA');
    return resultOf(text, method);
  }
}

async function boundedText(res: Response, method: string, signal: AbortSignal): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_ANSWER_BYTES) {
        await reader.cancel();
        throw new RpcFailure(`${method}: the answer is larger than ${MAX_ANSWER_BYTES} bytes`, 'BAD_DATA');
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof RpcFailure) throw e;
    if (signal.aborted) throw new RpcFailure(`${method}: timeout while reading the answer`, 'TIMEOUT');
    throw new RpcFailure(`${method}: the connection broke while reading the answer`, 'NETWORK_ERROR');
  }
  return Buffer.concat(chunks).toString('utf8');
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
