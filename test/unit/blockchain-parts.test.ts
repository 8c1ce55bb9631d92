// The bridge's pure parts: backoff schedule and retry, nonce sequencing, ERC-20 calldata, gas limit and
// Transfer log decoding (ethers' ABI coder as the oracle), the dev-only token override, RPC error sorting.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Interface, Wallet } from 'ethers';
import { backoffDelays, retry } from '../../src/blockchain/backoff.js';
import { assignNonces, batchStart } from '../../src/blockchain/nonces.js';
import { classifySendRejection, isTransient } from '../../src/blockchain/rpc-errors.js';
import { tokenTarget } from '../../src/blockchain/token-target.js';
import { TRANSFER_TOPIC, addressTopic, decodeTransfer, transferCalldata, transferGasLimit } from '../../src/blockchain/transfer-log.js';
import { MasqError } from '../../src/system/errors.js';

const ERC20 = new Interface(['function transfer(address to, uint256 value)', 'event Transfer(address indexed from, address indexed to, uint256 value)']);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`);
const uint256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });

test('backoff doubles from the first delay, capped, one wait fewer than the attempts', () => {
  assert.deepEqual(backoffDelays({ attempts: 6, firstDelayMs: 100, maxDelayMs: 1000 }), [100, 200, 400, 800, 1000]);
  assert.deepEqual(backoffDelays({ attempts: 1, firstDelayMs: 100, maxDelayMs: 1000 }), []);
  assert.deepEqual(backoffDelays({ attempts: 0, firstDelayMs: 100, maxDelayMs: 1000 }), []);
});

test('retry stops on success, on a final error, or when the attempts run out', async () => {
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => { waits.push(ms); };
  const policy = { attempts: 4, firstDelayMs: 10, maxDelayMs: 25 };
  let calls = 0;
  const flaky = async (): Promise<string> => { if (++calls < 3) throw new Error('ECONNREFUSED'); return 'ok'; };
  assert.deepEqual(await retry(flaky, policy, () => true, sleep), { ok: true, value: 'ok' });
  assert.deepEqual(waits, [10, 20]);
  const down = await retry(() => Promise.reject(new Error('down')), policy, () => true, sleep);
  assert.equal(down.ok ? 0 : down.attempts, 4);
  const final = await retry(() => Promise.reject(new Error('reverted')), policy, () => false, sleep);
  assert.equal(final.ok ? 0 : final.attempts, 1);
});

test('nonces: the batch starts at the higher of local and chain, then counts up', () => {
  assert.equal(batchStart(undefined, 7), 7);
  assert.equal(batchStart(9, 7), 9, 'our just-sent transactions may not be pending at the RPC yet');
  assert.equal(batchStart(5, 7), 7, 'another sender (or a restart) moved the chain on');
  fc.assert(fc.property(fc.option(fc.nat(1e6), { nil: undefined }), fc.nat(1e6), fc.nat(50), (local, chain, n) => {
    const nonces = assignNonces(batchStart(local, chain), n);
    assert.equal(nonces.length, n);
    nonces.forEach((x, i) => assert.equal(x, nonces[0]! + i));
    if (n > 0) assert.ok(nonces[0]! >= chain && (local === undefined || nonces[0]! >= local));
  }), { numRuns: 300, seed: 61 });
});

test('transfer calldata matches the ABI coder; the gas limit follows the reference rule', () => {
  fc.assert(fc.property(address, uint256, (to, amount) => {
    const data = transferCalldata(to, amount);
    assert.equal(data, ERC20.encodeFunctionData('transfer', [to, amount]));
    let zeros = 0;
    for (let i = 2; i < data.length; i += 2) if (data.slice(i, i + 2) === '00') zeros++;
    assert.equal(transferGasLimit(55_000, data), 55_000 + 4 * zeros + 68 * (68 - zeros));
  }), { numRuns: 300, seed: 62 });
  assert.throws(() => transferCalldata('0x1234', 1n), MasqError);
  assert.throws(() => transferCalldata(Wallet.createRandom().address, -1n), RangeError);
});

test('Transfer logs decode as the ABI coder does; other logs are not Transfers', () => {
  fc.assert(fc.property(address, address, address, uint256, (token, from, to, value) => {
    const { topics, data } = ERC20.encodeEventLog('Transfer', [from, to, value]);
    const log = { address: token, topics, data, blockNumber: 5, transactionHash: `0x${'ab'.repeat(32)}`, index: 2 };
    assert.deepEqual(decodeTransfer(log), { token, from, to, amount: value, blockNumber: 5, transactionHash: log.transactionHash, logIndex: 2 });
    assert.equal(topics[2], addressTopic(to));
    assert.equal(decodeTransfer({ ...log, topics: [...topics, topics[2]!] }), undefined, 'ERC-721 Transfer has 4 topics');
    assert.equal(decodeTransfer({ ...log, topics: [`0x${'00'.repeat(32)}`, topics[1]!, topics[2]!] }), undefined);
    assert.equal(decodeTransfer({ ...log, data: '0x' }), undefined);
    assert.equal(decodeTransfer({ ...log, topics: [TRANSFER_TOPIC, `0x${'ff'.repeat(32)}`, topics[2]!] }), undefined, 'not an address topic');
  }), { numRuns: 200, seed: 63 });
});

test('the token contract comes from the chains table, for every chain; an unknown chain is refused', () => {
  assert.equal(tokenTarget('base-mainnet').tokenContract, '0x45D9C101a3870Ca5024582fd788F4E1e8F7971c3');
  assert.equal(tokenTarget('dev').tokenContract, '0x59882e4a8f5d24643d4dda422922a870f1b3e664');
  assert.throws(() => tokenTarget('moon-mainnet'), (e: unknown) => e instanceof MasqError && e.code === 'CONFIG_INVALID' && e.fix !== undefined);
});

test('RPC errors: transport trouble is retried, rejections are sorted', () => {
  assert.equal(isTransient(Object.assign(new Error('x'), { code: 'TIMEOUT' })), true);
  assert.equal(isTransient(new Error('connect ECONNREFUSED 127.0.0.1:1')), true);
  assert.equal(isTransient(Object.assign(new Error('nonce has already been used'), { code: 'NONCE_EXPIRED' })), false);
  assert.equal(isTransient(new Error('block range too large')), false);
  assert.equal(classifySendRejection(Object.assign(new Error('nonce has already been used'), { code: 'NONCE_EXPIRED' })), 'nonce-used');
  assert.equal(classifySendRejection(new Error('Nonce too low. Expected nonce to be 1 but got 0.')), 'nonce-used');
  assert.equal(classifySendRejection(new Error('already known')), 'already-known');
  assert.equal(classifySendRejection(Object.assign(new Error('could not coalesce error'), { info: { error: { message: 'known transaction: 0xab' } } })), 'already-known');
  assert.equal(classifySendRejection(new Error('insufficient funds for gas')), 'other');
});
