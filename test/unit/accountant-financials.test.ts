import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FinancialsRequestError, financialsPayload, parseFinancialsRequest, type BooksSnapshot } from '../../src/accountant/financials.js';
import { createNodeUiHandler, type NodeUiDeps } from '../../src/node/ui-handlers.js';
import { uiErrorFor } from '../../src/ui/error-edge.js';
import type { Books } from '../../src/accountant/books.js';
import type { UiMessage } from '../../src/ui/envelope.js';
import type { UiClientHandle } from '../../src/ui/server.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';

const G = 1_000_000_000n;
const w = (c: string): string => '0x' + c.repeat(40);
const HASH = '0x' + 'ab'.repeat(32);
const NOW = 10_000;
const BOOKS: BooksSnapshot = {
  payables: [
    { wallet: w('1'), balanceWei: 5n * G + 7n, lastPaidSec: 9_000 },
    { wallet: w('2'), balanceWei: 9n * G, lastPaidSec: 9_900, pending: { txHash: HASH, amountWei: 9n * G } },
    { wallet: w('3'), balanceWei: 0n, lastPaidSec: 1_000 },
  ],
  receivables: [
    { wallet: w('4'), balanceWei: -2n * G, lastReceivedSec: 5_000 },
    { wallet: w('5'), balanceWei: 3n * G, lastReceivedSec: 8_000 },
  ],
  totals: { unpaidAndPendingPayableWei: 14n * G + 7n, paidPayableWei: 100n * G, unpaidReceivableWei: G, paidReceivableWei: 40n * G },
};

const refused = (p: Record<string, unknown>, code: bigint): void =>
  assert.throws(() => parseFinancialsRequest(p), (e: unknown) => e instanceof FinancialsRequestError && uiErrorFor('financials', e)?.code === code, JSON.stringify(p));

describe('financials request', () => {
  it('refuses what MASQ refuses, with its codes', () => {
    refused({ statsRequired: false }, UI_ERRORS.REQUEST_WITH_NO_VALUES);
    refused({ statsRequired: true, customQueriesOpt: {} }, UI_ERRORS.REQUEST_WITH_NO_VALUES);
    const range = { minAgeS: 0, maxAgeS: 10, minAmountGwei: 0, maxAmountGwei: 10 };
    refused({ statsRequired: true, topRecordsOpt: { count: 3, orderedBy: 'Age' }, customQueriesOpt: { payableOpt: range } }, UI_ERRORS.REQUEST_WITH_MUTUALLY_EXCLUSIVE_PARAMS);
    refused({ statsRequired: true, topRecordsOpt: { count: 0, orderedBy: 'Age' } }, UI_ERRORS.VALUE_EXCEEDS_ALLOWED_LIMIT);
    refused({ statsRequired: true, topRecordsOpt: { count: 65536, orderedBy: 'Age' } }, UI_ERRORS.VALUE_EXCEEDS_ALLOWED_LIMIT);
    refused({ statsRequired: true, topRecordsOpt: { count: 3, orderedBy: 'age' } }, UI_ERRORS.VALUE_EXCEEDS_ALLOWED_LIMIT);
    refused({ statsRequired: true, customQueriesOpt: { payableOpt: { ...range, minAmountGwei: -1 } } }, UI_ERRORS.VALUE_EXCEEDS_ALLOWED_LIMIT);
    refused({ statsRequired: true, customQueriesOpt: { payableOpt: { ...range, minAgeS: 11 } } }, UI_ERRORS.VALUE_EXCEEDS_ALLOWED_LIMIT);
    refused({ statsRequired: true, customQueriesOpt: { receivableOpt: { ...range, maxAmountGwei: 1.5 } } }, UI_ERRORS.VALUE_EXCEEDS_ALLOWED_LIMIT);
  });
  it('reads MASQ\'s rounded u64 and i64 maxima as the limits', () => {
    // As masq sends them and JSON.parse reads them: doubles, rounded.
    const r = parseFinancialsRequest(JSON.parse(
      '{"statsRequired":false,"customQueriesOpt":{' +
      '"payableOpt":{"minAgeS":0,"maxAgeS":18446744073709551615,"minAmountGwei":0,"maxAmountGwei":18446744073709551615},' +
      '"receivableOpt":{"minAgeS":0,"maxAgeS":1,"minAmountGwei":-9223372036854775808,"maxAmountGwei":9223372036854775807}}}',
    ) as Record<string, unknown>);
    assert.equal(r.payable?.maxAmountGwei, 2n ** 64n - 1n);
    assert.equal(r.receivable?.maxAmountGwei, 2n ** 63n - 1n);
    assert.equal(r.receivable?.minAmountGwei, -(2n ** 63n));
  });
  it('throws nothing but FinancialsRequestError on arbitrary payloads', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('statsRequired', 'topRecordsOpt', 'customQueriesOpt'), fc.jsonValue({ maxDepth: 3 })), (p) => {
      try {
        parseFinancialsRequest(p);
      } catch (e) {
        assert.ok(e instanceof FinancialsRequestError);
      }
    }), { seed: 11, numRuns: 500 });
  });
});

describe('financials payload', () => {
  it('stats in gwei with MASQ field names', () => {
    assert.deepEqual(financialsPayload({ statsRequired: true }, BOOKS, NOW), {
      statsOpt: { totalUnpaidAndPendingPayableGwei: 14, totalPaidPayableGwei: 100, totalUnpaidReceivableGwei: 1, totalPaidReceivableGwei: 40 },
    });
  });
  it('top records by balance and by age list only accounts with something owed', () => {
    const byBalance = financialsPayload({ statsRequired: false, top: { count: 5, orderedBy: 'Balance' } }, BOOKS, NOW);
    assert.deepEqual(byBalance, {
      queryResultsOpt: {
        payableOpt: [
          { wallet: w('2'), ageS: 100, balanceGwei: 9, pendingPayableHashOpt: HASH },
          { wallet: w('1'), ageS: 1000, balanceGwei: 5 },
        ],
        receivableOpt: [{ wallet: w('5'), ageS: 2000, balanceGwei: 3 }],
      },
    });
    const byAge = financialsPayload({ statsRequired: false, top: { count: 1, orderedBy: 'Age' } }, BOOKS, NOW);
    assert.deepEqual((byAge.queryResultsOpt as { payableOpt: unknown[] }).payableOpt, [{ wallet: w('1'), ageS: 1000, balanceGwei: 5 }]);
  });
  it('custom ranges are inclusive and keep negative receivables', () => {
    const out = financialsPayload({
      statsRequired: false,
      payable: { minAgeS: 100n, maxAgeS: 1000n, minAmountGwei: 5n, maxAmountGwei: 9n },
      receivable: { minAgeS: 0n, maxAgeS: 5000n, minAmountGwei: -2n, maxAmountGwei: 0n },
    }, BOOKS, NOW);
    assert.deepEqual(out, {
      queryResultsOpt: {
        payableOpt: [
          { wallet: w('2'), ageS: 100, balanceGwei: 9, pendingPayableHashOpt: HASH },
          { wallet: w('1'), ageS: 1000, balanceGwei: 5 },
        ],
        receivableOpt: [{ wallet: w('4'), ageS: 5000, balanceGwei: -2 }],
      },
    });
  });
});

describe('financials in the Node UI handler', () => {
  const sent: UiMessage[] = [];
  const client = { id: 1, send: (m: UiMessage) => sent.push(m) } as unknown as UiClientHandle;
  const books = { payables: () => BOOKS.payables, receivables: () => BOOKS.receivables, totals: () => BOOKS.totals } as unknown as Books;
  const deps = (extra: Partial<NodeUiDeps>): NodeUiDeps => ({ store: {} as NodeUiDeps['store'], clock: { now: () => NOW * 1000 }, ...extra } as NodeUiDeps);
  it('answers from the books, refuses bad requests with the Accountant codes, and is unknown without books', async () => {
    const handle = createNodeUiHandler(deps({ books }));
    await handle(client, { opcode: 'financials', contextId: 1, payload: { statsRequired: true } });
    assert.deepEqual(sent.pop(), { opcode: 'financials', contextId: 1, payload: financialsPayload({ statsRequired: true }, BOOKS, NOW) });
    await handle(client, { opcode: 'financials', contextId: 2, payload: { statsRequired: false } });
    assert.equal(sent.pop()?.error?.code, UI_ERRORS.REQUEST_WITH_NO_VALUES);
    await createNodeUiHandler(deps({}))(client, { opcode: 'financials', contextId: 3, payload: { statsRequired: true } });
    assert.equal(sent.pop()?.error?.code, UI_ERRORS.UNMARSHAL_ERROR);
  });
});
