// What a route costs: routing rates for relays, exit rates for the exit, nothing for hops that cannot be paid.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chargeFor, chargesForRoute, type PricedHop } from '../../src/accountant/pricing.js';

const rates = (n: bigint) => ({ routingByteRate: n, routingServiceRate: 100n * n, exitByteRate: 2n * n, exitServiceRate: 1000n * n });
const hop = (byte: number, rate: bigint): PricedHop => ({ earningWallet: Buffer.alloc(20, byte), ratePack: rates(rate) });
const w = (byte: number) => `0x${Buffer.alloc(20, byte).toString('hex')}`;

test('chargeFor: service rate plus byte rate per byte, routing or exit', () => {
  assert.equal(chargeFor(rates(1n), 'routing', 10), 100n + 10n);
  assert.equal(chargeFor(rates(1n), 'exit', 10), 1000n + 20n);
  assert.equal(chargeFor(rates(0n), 'exit', 10), 0n);
});

test('a round trip pays relays over for bytes out, the exit for both ways, relays back for bytes in', () => {
  const hops: Record<string, PricedHop> = { a: hop(0xa, 1n), b: hop(0xb, 2n), x: hop(0xe, 3n) };
  const rt = { over: ['me', 'a', 'b', 'x'], back: ['x', 'b', 'a', 'me'] };
  assert.deepEqual(chargesForRoute(rt, 10, 1000, (k) => hops[k]), [
    { wallet: w(0xa), amountWei: 100n + 10n },
    { wallet: w(0xb), amountWei: 200n + 20n },
    { wallet: w(0xe), amountWei: 3000n + 6n * 1010n },
    { wallet: w(0xb), amountWei: 200n + 2000n },
    { wallet: w(0xa), amountWei: 100n + 1000n },
  ]);
});

test('unknown hops, hops without an earning wallet and free hops are left out', () => {
  const hops: Record<string, PricedHop> = { a: { earningWallet: Buffer.alloc(20), ratePack: rates(1n) }, x: hop(0xe, 0n) };
  assert.deepEqual(chargesForRoute({ over: ['me', 'a', 'gone', 'x'], back: ['x', 'gone', 'a', 'me'] }, 10, 10, (k) => hops[k]), []);
});
