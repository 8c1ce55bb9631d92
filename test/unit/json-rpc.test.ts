import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { hexData, JsonRpcClient, quantity, resultOf, RpcFailure, smallQuantity } from '../../src/blockchain/json-rpc.js';
import { isTransient, rpcErrorText } from '../../src/blockchain/rpc-errors.js';

/** A loopback HTTP server answering each request with `answer(body)`; closed by the caller. */
async function serve(answer: (body: { method: string; id: number }, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => { text += d.toString(); });
    req.on('end', () => answer(JSON.parse(text) as { method: string; id: number }, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const failure = (f: Promise<unknown>, code: RpcFailure['code'], message: RegExp): Promise<void> =>
  assert.rejects(f, (e: unknown) => e instanceof RpcFailure && e.code === code && message.test(e.message));

test('a call returns the result; the node\'s refusal is not transient and keeps its words; transport trouble is', async () => {
  const { server, url } = await serve((body, res) => {
    if (body.method === 'eth_blockNumber') return res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, result: '0x1f' }));
    if (body.method === 'eth_getLogs') return res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, error: { code: -32005, message: 'query returned more than 10000 results' } }));
    if (body.method === 'busy') return res.writeHead(503).end('overloaded');
    if (body.method === 'huge') return res.end('"'.padEnd(1024, 'x'));
    return undefined; // never answers: the timeout
  });
  try {
    const c = new JsonRpcClient(url, 300);
    assert.equal(smallQuantity(await c.call('eth_blockNumber', []), 'block'), 31);
    const refused = await c.call('eth_getLogs', [{}]).then(() => undefined, (e: unknown) => e);
    assert.ok(refused instanceof RpcFailure && refused.code === 'CALL_EXCEPTION');
    assert.match(rpcErrorText(refused), /more than 10000 results/);
    assert.equal(isTransient(refused), false);
    await failure(c.call('busy', []), 'SERVER_ERROR', /HTTP 503 overloaded/);
    assert.equal(isTransient(await c.call('busy', []).catch((e: unknown) => e)), true);
    await failure(c.call('silent', []), 'TIMEOUT', /timeout after 300 ms/);
    await failure(c.call('huge', []), 'BAD_DATA', /not JSON/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  await failure(new JsonRpcClient(url, 300).call('eth_blockNumber', []), 'NETWORK_ERROR', /the request failed/);
});

test('an answer larger than the bound is refused while it is read', async () => {
  const { MAX_ANSWER_BYTES } = await import('../../src/blockchain/json-rpc.js');
  const { server, url } = await serve((_b, res) => {
    const block = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent <= MAX_ANSWER_BYTES && res.write(block)) sent += block.length;
      if (sent <= MAX_ANSWER_BYTES) res.once('drain', () => { sent += block.length; pump(); });
      else res.end();
    };
    pump();
  });
  try {
    await failure(new JsonRpcClient(url, 20_000).call('eth_getLogs', []), 'BAD_DATA', /larger than/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('fuzz: any answer text gives a result or a RpcFailure, never another error', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.json({ maxDepth: 3 })), (text) => {
    try {
      resultOf(text, 'm');
    } catch (e) {
      if (!(e instanceof RpcFailure)) throw e;
    }
  }), { numRuns: 2000 });
  assert.deepEqual(resultOf('{"jsonrpc":"2.0","id":1,"result":null}', 'm'), null);
  assert.throws(() => resultOf('{"jsonrpc":"2.0","id":1}', 'm'), /neither result nor error/);
});

test('quantities and data are checked, not trusted', () => {
  assert.equal(quantity('0x0', 'q'), 0n);
  assert.equal(quantity('0xde0b6b3a7640000', 'q'), 10n ** 18n);
  for (const bad of ['0x', '12', '0xzz', 7, null, `0x${'f'.repeat(65)}`]) assert.throws(() => quantity(bad, 'q'), RpcFailure);
  assert.throws(() => smallQuantity('0x20000000000000', 'n'), /out of range/);
  assert.equal(hexData('0x', 'd'), '0x');
  assert.throws(() => hexData('0xabc', 'd'), /not hex data/);
});
