import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatFinancials, gweiToMasq, masqToGwei, parseFinancialsArgs, parseRange } from '../../src/cli/financials.js';
import { MasqError } from '../../src/system/errors.js';

const FUZZ = { seed: 23, numRuns: 500 };
const usage = (f: () => unknown, re?: RegExp): void => {
  assert.throws(f, (e: unknown) => e instanceof MasqError && e.code === 'USAGE' && (!re || re.test(e.message)));
};

describe('masq financials: options', () => {
  it('defaults to stats only', () => {
    assert.deepEqual(parseFinancialsArgs([]), { request: { statsRequired: true }, gwei: false });
  });
  it('top records with short and long flags', () => {
    assert.deepEqual(parseFinancialsArgs(['-t', '10', '-o', 'age', '-n', '-g']), {
      request: { statsRequired: false, topRecordsOpt: { count: 10, orderedBy: 'Age' } }, gwei: true,
    });
    assert.deepEqual(parseFinancialsArgs(['--top', '65535']).request.topRecordsOpt, { count: 65535, orderedBy: 'Balance' });
  });
  it('custom ranges in MASQ become gwei', () => {
    const r = parseFinancialsArgs(['--payable', '0-3600|0.5-10', '-r', '60-|-1.25--0.000000001']).request;
    assert.deepEqual(r.customQueriesOpt, {
      payableOpt: { minAgeS: 0, maxAgeS: 3600, minAmountGwei: 500_000_000, maxAmountGwei: 10_000_000_000 },
      receivableOpt: { minAgeS: 60, maxAgeS: Number(2n ** 64n - 1n), minAmountGwei: -1_250_000_000, maxAmountGwei: -1 },
    });
  });
  it('refuses what masq refuses', () => {
    usage(() => parseFinancialsArgs(['-t', '0']), /1 to 65535/);
    usage(() => parseFinancialsArgs(['-t', '65536']));
    usage(() => parseFinancialsArgs(['-o', 'age']), /needs --top/);
    usage(() => parseFinancialsArgs(['-n']), /needs/);
    usage(() => parseFinancialsArgs(['-t', '3', '-p', '0-1|0-1']), /cannot be combined/);
    usage(() => parseFinancialsArgs(['-t', '3', '-o', 'size']));
    usage(() => parseFinancialsArgs(['-t', '3', '-t', '4']), /twice/);
    usage(() => parseFinancialsArgs(['-t']), /needs a value/);
    usage(() => parseFinancialsArgs(['--bogus']));
    usage(() => parseFinancialsArgs(Array(17).fill('-g')), /Too many/);
    usage(() => parseRange('10-5|0-1', 'payable'), /upside down/);
    usage(() => parseRange('0-5|2-1', 'payable'), /upside down/);
    usage(() => parseRange('0-5|-1-1', 'payable'), /out of range/);
    usage(() => parseRange('0-5|0.0000000001-1', 'payable'));
    usage(() => parseRange('0-5', 'payable'));
    usage(() => parseRange('0-5|0-1|2', 'payable'));
    usage(() => parseRange('0-18446744073709551616|0-1', 'payable'), /out of range/);
    usage(() => parseRange('1'.repeat(121), 'payable'), /too long/);
  });
  it('range parsing either succeeds with an ordered range or fails as a usage error (fuzz)', () => {
    const piece = fc.oneof(fc.stringMatching(/^-?[0-9]{0,22}(\.[0-9]{0,11})?$/), fc.string({ maxLength: 6 }));
    const text = fc.oneof(
      fc.tuple(piece, piece, piece, piece).map(([a, b, c, d]) => `${a}-${b}|${c}-${d}`),
      fc.string({ maxLength: 130 }),
    );
    fc.assert(fc.property(text, fc.constantFrom('payable' as const, 'receivable' as const), (t, which) => {
      let q;
      try {
        q = parseRange(t, which);
      } catch (e) {
        assert.ok(e instanceof MasqError && e.code === 'USAGE', String(e));
        return;
      }
      assert.ok((q.minAgeS as number) <= (q.maxAgeS as number) && (q.minAmountGwei as number) <= (q.maxAmountGwei as number));
      if (which === 'payable') assert.ok((q.minAmountGwei as number) >= 0);
    }), FUZZ);
  });
  it('MASQ and gwei round-trip (fuzz)', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), (g) => assert.equal(masqToGwei(gweiToMasq(g)), g)), FUZZ);
    assert.equal(gweiToMasq(1_500_000_000n), '1.5');
    assert.equal(gweiToMasq(-1n), '-0.000000001');
    assert.equal(gweiToMasq(0n), '0');
  });
});

describe('masq financials: output', () => {
  const stats = { totalUnpaidAndPendingPayableGwei: 1_500_000_000, totalPaidPayableGwei: 0, totalUnpaidReceivableGwei: -20, totalPaidReceivableGwei: 3_000_000_000 };
  it('prints the totals block in MASQ or gwei', () => {
    const text = formatFinancials({ statsOpt: stats }, { statsRequired: true }, false);
    assert.equal(text, [
      'Financial status totals in MASQ', '',
      '                      Payable                 Receivable',
      'Unpaid and pending    1.5                     -0.00000002',
      'Paid                  0                       3',
    ].join('\n'));
    assert.match(formatFinancials({ statsOpt: stats }, { statsRequired: true }, true), /totals in gwei[\s\S]*1500000000 +-20/);
  });
  it('prints the top records tables and "No records found"', () => {
    const req = { statsRequired: false, topRecordsOpt: { count: 2, orderedBy: 'Balance' } };
    const wallet = '0x' + '1'.repeat(40);
    const text = formatFinancials({ queryResultsOpt: { payableOpt: [{ wallet, ageS: 12, balanceGwei: 2_000_000_000 }], receivableOpt: [] } }, req, false);
    assert.equal(text, [
      'Up to 2 top accounts', '', 'Payable', '',
      '#   Wallet                                       Age [s]   Balance [MASQ]   Pending tx',
      `1   ${wallet}   12        2                None`,
      '', 'Receivable', '', 'No records found',
    ].join('\n'));
  });
  it('names custom queries, with "max" for an open end', () => {
    const { request } = parseFinancialsArgs(['-p', '0-|1-2']);
    const text = formatFinancials({ queryResultsOpt: { payableOpt: [] } }, request, false);
    assert.equal(text.split('\n').slice(-3).join('\n'), 'Specific payable query: 0-max s, 1-2 MASQ\n\nNo records found');
  });
});
