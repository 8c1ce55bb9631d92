// "Test the connection" on the wizard's chain step: the chain id and block height the blockchain service gives, so
// a wrong URL or a service of another chain is found before the Node starts with it.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CHAINS } from '../chains/index.js';
import { MasqError } from '../system/index.js';
import type { ChainTestAnswer } from './api.js';

export const CHAIN_TEST_TIMEOUT_MS = 5000;
const MAX_ANSWER_BYTES = 65_536;

const fail = (message: string, fix: string): never => {
  throw new MasqError('BLOCKCHAIN_RPC', message, fix);
};

/** One POST over node:http(s) (not fetch: masq-setup runs without WebAssembly, which fetch's parser needs). */
function post(url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: CHAIN_TEST_TIMEOUT_MS,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`more than ${MAX_ANSWER_BYTES} bytes: that is not a JSON-RPC answer`));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${CHAIN_TEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One JSON-RPC call, bounded in time and size. */
async function call(url: URL, method: string, now: () => number): Promise<{ result: unknown; ms: number }> {
  const started = now();
  let res: { status: number; text: string };
  try {
    res = await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }));
  } catch (e) {
    return fail(`The blockchain service at ${url.origin} cannot be reached: ${(e as Error).message}.`, 'Check the URL and that this box is online.');
  }
  if (res.status < 200 || res.status >= 300) fail(`The blockchain service answered HTTP ${res.status}.`, 'Check the URL (some services need an API key in it).');
  let body: unknown;
  try {
    body = JSON.parse(res.text);
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
  const target = parsed as URL;
  const id = await call(target, 'eth_chainId', now);
  const height = await call(target, 'eth_blockNumber', now);
  const chainId = Number(BigInt(id.result as string));
  const expected = (chain as { chainId: number }).chainId;
  return { chainId, expectedChainId: expected, matches: chainId === expected, blockNumber: Number(BigInt(height.result as string)), latencyMs: id.ms };
}
