// "Test the connection" on the wizard's chain step: the chain id and block height the blockchain service gives, so
// a wrong URL or a service of another chain is found before the Node starts with it.

import { CHAINS } from '../chains/index.js';
import { MasqError } from '../system/index.js';
import type { ChainTestAnswer } from './api.js';

export const CHAIN_TEST_TIMEOUT_MS = 5000;
const MAX_ANSWER_BYTES = 65_536;

const fail = (message: string, fix: string): never => {
  throw new MasqError('BLOCKCHAIN_RPC', message, fix);
};

/** One JSON-RPC call over HTTP(S), bounded in time and size. */
async function call(url: string, method: string, now: () => number): Promise<{ result: unknown; ms: number }> {
  const started = now();
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, redirect: 'error',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
      signal: AbortSignal.timeout(CHAIN_TEST_TIMEOUT_MS),
    });
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${CHAIN_TEST_TIMEOUT_MS / 1000} s` : (e as Error).message;
    return fail(`The blockchain service at ${url} cannot be reached: ${why}.`, 'Check the URL and that this box is online.');
  }
  const text = await res.text();
  if (text.length > MAX_ANSWER_BYTES) fail(`The blockchain service sent ${text.length} bytes for ${method}; that is not a JSON-RPC answer.`, 'Check the URL.');
  if (!res.ok) fail(`The blockchain service answered HTTP ${res.status}.`, 'Check the URL (some services need an API key in it).');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('The blockchain service did not answer in JSON.', 'Check that the URL is a JSON-RPC endpoint, not a web page.');
  }
  const result = (body as { result?: unknown } | null)?.result;
  if (typeof result !== 'string' || !/^0x[0-9a-f]{1,16}$/i.test(result)) fail(`The blockchain service gave no ${method} result.`, 'Check that the URL is an EVM JSON-RPC endpoint.');
  return { result, ms: now() - started };
}

export async function testChain(chainName: string, url: string, now: () => number = Date.now): Promise<ChainTestAnswer> {
  const chain = CHAINS.find((c) => c.name === chainName);
  if (!chain) fail(`There is no chain '${chainName}'.`, `Choose one of ${CHAINS.map((c) => c.name).join(', ')}.`);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    fail(`'${url.slice(0, 100)}' is not a URL.`, 'Give the blockchain service URL, for instance https://mainnet.base.org.');
  }
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') fail('Only http and https URLs can be tested here.', 'The Node also takes ws and wss URLs; they are checked when it starts.');
  const id = await call(url, 'eth_chainId', now);
  const height = await call(url, 'eth_blockNumber', now);
  const chainId = Number(BigInt(id.result as string));
  const expected = (chain as { chainId: number }).chainId;
  return { chainId, expectedChainId: expected, matches: chainId === expected, blockNumber: Number(BigInt(height.result as string)), latencyMs: id.ms };
}
