// The wizard's "Test the connection" against a local JSON-RPC server of the test's own: the chain id and height it
// gives, whether that is the chain chosen, and what a wrong URL, a web page or a flood is told.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testChain } from '../../src/setup/chain-test.js';
import { MasqError } from '../../src/system/errors.js';

let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      if (req.url === '/page') return void res.end('<html>hello</html>');
      if (req.url === '/down') return void res.writeHead(503).end('{}');
      if (req.url === '/flood') return void res.end('x'.repeat(200_000));
      const { method } = JSON.parse(body) as { method: string };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: method === 'eth_chainId' ? '0x2105' : '0x1c9c380' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise((r) => server.close(r)));

const refused = async (f: () => Promise<unknown>, words: RegExp): Promise<void> => {
  await assert.rejects(f, (e: unknown) => e instanceof MasqError && e.code === 'BLOCKCHAIN_RPC' && words.test(e.message) && e.fix !== undefined);
};

test('a service of the chosen chain: its id, its height, and that it matches', async () => {
  const a = await testChain('base-mainnet', `${base}/rpc`);
  assert.deepEqual({ ...a, latencyMs: 0 }, { chainId: 8453, expectedChainId: 8453, matches: true, blockNumber: 30_000_000, latencyMs: 0 });
  const other = await testChain('polygon-mainnet', `${base}/rpc`);
  assert.equal(other.matches, false);
  assert.equal(other.expectedChainId, 137);
});

test('a web page, a service that is down, a flood, a closed port, a bad URL or chain: each says what is wrong', async () => {
  await refused(() => testChain('base-mainnet', `${base}/page`), /did not answer in JSON/);
  await refused(() => testChain('base-mainnet', `${base}/down`), /HTTP 503/);
  await refused(() => testChain('base-mainnet', `${base}/flood`), /cannot be reached: more than/);
  await refused(() => testChain('base-mainnet', 'http://127.0.0.1:1/'), /cannot be reached/);
  await refused(() => testChain('base-mainnet', 'not a url'), /is not a URL/);
  await refused(() => testChain('base-mainnet', 'wss://example.org/'), /Only http and https/);
  await refused(() => testChain('nochain', `${base}/rpc`), /There is no chain 'nochain'/);
});
