// The blockchain bridge against a real local EVM (hardhat node) with the test ERC-20 deployed: a payment
// batch, receipts and balances, adaptive log scans, an RPC outage, and the crash-safety resend rule.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Wallet, parseEther } from 'ethers';
import { Erc20Bridge, type BridgeOptions } from '../../src/blockchain/erc20-bridge.js';
import { reconcile } from '../../src/blockchain/reconcile.js';
import { MasqError } from '../../src/system/errors.js';
import { type DeployedToken, type TestChain, deployDevToken, fundConsumer, startChain } from '../helpers/chain.js';
import { Sandbox, freePort } from '../helpers/processes.js';
import { type RangeLimitingProxy, rangeLimitingProxy } from '../helpers/rpc-proxy.js';

const FAST_BACKOFF = { attempts: 3, firstDelayMs: 20, maxDelayMs: 100 };

describe('Erc20Bridge on a local chain', () => {
  const sandbox = new Sandbox();
  const bridges: Erc20Bridge[] = [];
  let chain: TestChain;
  let token: DeployedToken;
  let consumer: Wallet;
  let proxy: RangeLimitingProxy | undefined;

  function bridge(extra: Partial<BridgeOptions> = {}): Erc20Bridge {
    const b = new Erc20Bridge({ url: chain.url, chain: 'dev', requestTimeoutMs: 2_000, backoff: FAST_BACKOFF, ...extra });
    bridges.push(b);
    return b;
  }

  async function pay(b: Erc20Bridge, payments: { creditor: string; amount: bigint }[]): Promise<string[]> {
    const records = await b.sign(consumer, payments);
    const outcomes = await b.send(records);
    assert.deepEqual(outcomes.map((o) => o.status), payments.map(() => 'sent'));
    const receipts = await b.waitForReceipts(records.map((r) => r.txHash), 10_000, 50);
    assert.ok([...receipts.values()].every((r) => r.state === 'success'), 'every payment mined successfully');
    return records.map((r) => r.txHash);
  }

  before(async () => {
    chain = await startChain(sandbox);
    token = await deployDevToken(chain);
    consumer = await fundConsumer(chain, token, parseEther('10'), parseEther('1000'));
  });

  after(async () => {
    for (const b of bridges) b.close();
    chain?.provider.destroy();
    await proxy?.close();
    await sandbox.cleanup();
  });

  it('pays three creditors in one batch with consecutive nonces', async () => {
    const b = bridge();
    const creditors = [1, 2, 3].map(() => Wallet.createRandom().address);
    const amounts = [parseEther('1'), parseEther('2.5'), 123n];
    const records = await b.sign(consumer, creditors.map((creditor, i) => ({ creditor, amount: amounts[i] ?? 0n })));
    assert.deepEqual(records.map((r) => r.nonce), [records[0]?.nonce, (records[0]?.nonce ?? 0) + 1, (records[0]?.nonce ?? 0) + 2]);
    const outcomes = await b.send(records);
    assert.deepEqual(outcomes.map((o) => o.status), ['sent', 'sent', 'sent']);
    const receipts = await b.waitForReceipts(records.map((r) => r.txHash), 10_000, 50);
    assert.deepEqual([...receipts.values()].map((r) => r.state), ['success', 'success', 'success']);
    for (const [i, c] of creditors.entries()) assert.equal(await b.balanceOf(c), amounts[i]);
    assert.equal(await b.balanceOf(consumer.address), parseEther('1000') - parseEther('3.5') - 123n);
  });

  it("gas price: the node's unless configured; a change applies to the next batch", async () => {
    const gasOf = async (hash: string): Promise<bigint | undefined> => (await chain.provider.getTransaction(hash))?.gasPrice;
    const nodePrice = (await chain.provider.getFeeData()).gasPrice;
    const [fromNode] = await pay(bridge(), [{ creditor: Wallet.createRandom().address, amount: 5n }]);
    assert.equal(await gasOf(fromNode as string), nodePrice, 'no configured price: the node\'s');
    const b = bridge({ gasPriceGwei: 7 });
    const [configured] = await pay(b, [{ creditor: Wallet.createRandom().address, amount: 5n }]);
    assert.equal(await gasOf(configured as string), 7_000_000_000n);
    b.setGasPrice(9);
    const [changed] = await pay(b, [{ creditor: Wallet.createRandom().address, amount: 5n }]);
    assert.equal(await gasOf(changed as string), 9_000_000_000n);
  });

  it('a payment stuck in the pool is replaced by a higher bid; one of them is mined, the creditor paid once', async () => {
    const b = bridge();
    const creditor = Wallet.createRandom().address;
    // Blocks only when the test says: the first bid sits in the node's pool.
    await chain.provider.send('evm_setAutomine', [false]);
    try {
      const [stuck] = await b.sign(consumer, [{ creditor, amount: 77n }]);
      assert.ok(stuck);
      assert.equal((await b.sendRaw(stuck)).status, 'sent');
      const replacement = await b.signReplacement(consumer, stuck);
      assert.equal(replacement.nonce, stuck.nonce);
      assert.ok(replacement.gasPrice >= (stuck.gasPrice * 125n) / 100n, `bid ${replacement.gasPrice} over ${stuck.gasPrice}`);
      assert.equal((await b.sendRaw(replacement)).status, 'sent', 'the node takes the higher bid');
      await chain.provider.send('evm_mine', []);
      const actions = reconcile([stuck, replacement], await b.chainFacts(consumer.address, [stuck, replacement]));
      assert.deepEqual(actions.map((a) => [a.kind, a.record.txHash, a.siblings.map((x) => x.txHash)]), [['confirm', replacement.txHash, [stuck.txHash]]]);
      assert.equal(await b.balanceOf(creditor), 77n, 'paid once');
    } finally {
      await chain.provider.send('evm_setAutomine', [true]);
    }
  });

  it('a second batch continues the nonce sequence', async () => {
    const b = bridge();
    const first = await b.sign(consumer, [{ creditor: Wallet.createRandom().address, amount: 1n }]);
    await b.send(first);
    const second = await b.sign(consumer, [{ creditor: Wallet.createRandom().address, amount: 1n }]);
    assert.equal(second[0]?.nonce, (first[0]?.nonce ?? 0) + 1);
    await b.send(second);
  });

  it('scans Transfer logs to a creditor over a range split into several requests', async () => {
    const b = bridge({ logWindow: { maxSpan: 2, growAfter: 100 } });
    const creditor = Wallet.createRandom().address;
    const other = Wallet.createRandom().address;
    const hashes: string[] = [];
    // Automining puts each transaction in its own block, so these spread over six blocks.
    for (const amount of [5n, 6n, 7n]) {
      hashes.push(...(await pay(b, [{ creditor, amount }])));
      await pay(b, [{ creditor: other, amount: 1n }]);
    }
    const latest = await b.blockNumber();
    const { transfers, requests } = await b.scanTransfersTo(creditor, token.creationBlock, latest);
    assert.ok(requests >= Math.ceil((latest - token.creationBlock + 1) / 2), `${requests} requests`);
    assert.deepEqual(transfers.map((t) => t.amount), [5n, 6n, 7n]);
    assert.deepEqual(transfers.map((t) => t.transactionHash), hashes);
    assert.ok(transfers.every((t) => t.from === consumer.address.toLowerCase() && t.to === creditor.toLowerCase()));
  });

  it('shrinks the window when the RPC refuses a wide range, and still finds every transfer', async () => {
    proxy = await rangeLimitingProxy(chain.url, 3);
    const b = bridge({ url: proxy.url, logWindow: { maxSpan: 16, growAfter: 2 } });
    const creditor = Wallet.createRandom().address;
    await pay(b, [{ creditor, amount: 11n }]);
    await pay(b, [{ creditor, amount: 12n }]);
    const latest = await b.blockNumber();
    const { transfers } = await b.scanTransfersTo(creditor, token.creationBlock, latest);
    assert.deepEqual(transfers.map((t) => t.amount), [11n, 12n]);
    assert.ok(proxy.spans.includes(16) && proxy.spans.some((s) => s <= 3), `spans ${proxy.spans.join(',')}`);
  });

  it('sending the same signed transaction twice pays once; reconciliation confirms it', async () => {
    const b = bridge();
    const creditor = Wallet.createRandom().address;
    const [record] = await b.sign(consumer, [{ creditor, amount: 42n }]);
    assert.ok(record);
    assert.equal((await b.sendRaw(record)).status, 'sent');
    await b.waitForReceipts([record.txHash], 10_000, 50);
    const again = await b.sendRaw(record);
    // 'unknown' when the node was too slow to answer on a loaded machine: still never a second payment.
    assert.ok(again.status === 'rejected' || again.status === 'already-known' || again.status === 'unknown', again.status);
    if (again.status === 'rejected') assert.equal(again.error.code, 'BLOCKCHAIN_TX');
    assert.equal(await b.balanceOf(creditor), 42n);
    const actions = reconcile([record], await b.chainFacts(consumer.address, [record]));
    assert.deepEqual(actions.map((a) => a.kind), ['confirm']);
  });

  it('after a crash between journal and send, reconciliation resends the same bytes exactly once', async () => {
    const b = bridge();
    const creditor = Wallet.createRandom().address;
    // Journaled (signed) but never submitted: the crash case.
    const [record] = await b.sign(consumer, [{ creditor, amount: 77n }]);
    assert.ok(record);
    const actions = reconcile([record], await b.chainFacts(consumer.address, [record]));
    assert.deepEqual(actions.map((a) => a.kind), ['resend']);
    assert.equal((await b.sendRaw(record)).status, 'sent');
    await b.waitForReceipts([record.txHash], 10_000, 50);
    assert.deepEqual(reconcile([record], await b.chainFacts(consumer.address, [record])).map((a) => a.kind), ['confirm']);
    assert.equal(await b.balanceOf(creditor), 77n);
  });

  it('an unreachable RPC gives a typed error after bounded retries', async () => {
    const closed = await freePort();
    const b = bridge({ url: `http://127.0.0.1:${closed}` });
    const started = Date.now();
    await assert.rejects(b.balanceOf(consumer.address), (err: unknown) => err instanceof MasqError && err.code === 'BLOCKCHAIN_RPC' && /3 attempt/.test(err.message));
    await assert.rejects(b.scanTransfersTo(consumer.address, 0, 10), (err: unknown) => err instanceof MasqError && err.code === 'BLOCKCHAIN_RPC');
    await assert.rejects(b.sign(consumer, [{ creditor: consumer.address, amount: 1n }]), (err: unknown) => err instanceof MasqError && err.code === 'BLOCKCHAIN_RPC');
    assert.ok(Date.now() - started < 10_000);
  });

  it('a chain that stops mid-run gives typed errors, not a crash', async () => {
    const b = bridge();
    assert.ok((await b.blockNumber()) > 0);
    chain.process.child.kill('SIGKILL');
    await chain.process.exited;
    await assert.rejects(b.balanceOf(consumer.address), (err: unknown) => err instanceof MasqError && err.code === 'BLOCKCHAIN_RPC');
  });
});
