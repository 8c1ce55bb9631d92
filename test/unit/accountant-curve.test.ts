import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WEI_PER_GWEI, payableDue, receivableDelinquent, thresholdWei, unbanDue } from '../../src/accountant/curve.js';
import { DEFAULT_PAYMENT_THRESHOLDS, parsePaymentThresholds, type PaymentThresholds } from '../../src/config/index.js';
import { MasqError } from '../../src/system/errors.js';

const FUZZ = { seed: 5, numRuns: 400 };
const T = parsePaymentThresholds(DEFAULT_PAYMENT_THRESHOLDS);
const DEBT = 1_000_000_000n * WEI_PER_GWEI;
const PERM = 500_000_000n * WEI_PER_GWEI;

const thresholdsArb: fc.Arbitrary<PaymentThresholds> = fc
  .record({
    permanent: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    extra: fc.bigInt({ min: 1n, max: 10n ** 12n }),
    maturity: fc.bigInt({ min: 0n, max: 10n ** 6n }),
    grace: fc.bigInt({ min: 0n, max: 10n ** 6n }),
    interval: fc.bigInt({ min: 0n, max: 10n ** 6n }),
    unban: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  })
  .map((r) => ({
    debtThresholdGwei: r.permanent + r.extra, maturityThresholdSec: r.maturity, paymentGracePeriodSec: r.grace,
    permanentDebtAllowedGwei: r.permanent, thresholdIntervalSec: r.interval, unbanBelowGwei: r.unban,
  }));

describe('accountant curve: parsing', () => {
  it('reads the default row in MASQ order', () => {
    assert.deepEqual(T, {
      debtThresholdGwei: 1_000_000_000n, maturityThresholdSec: 1200n, paymentGracePeriodSec: 1200n,
      permanentDebtAllowedGwei: 500_000_000n, thresholdIntervalSec: 21600n, unbanBelowGwei: 500_000_000n,
    });
  });
  it('rejects malformed rows with a typed error', () => {
    for (const bad of ['', '1|2|3', '1|2|3|4|5|6|7', '10|1|1|10|1|1', '10|1|1|5|1000000001|1', 'a|1|1|0|1|1', '18446744073709551616|1|1|0|1|1', '9'.repeat(200)]) {
      assert.throws(() => parsePaymentThresholds(bad), (e: unknown) => e instanceof MasqError && e.code === 'CONFIG_INVALID', bad);
    }
  });
  it('never throws anything but CONFIG_INVALID on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      try {
        parsePaymentThresholds(s);
      } catch (e) {
        assert.ok(e instanceof MasqError && e.code === 'CONFIG_INVALID');
      }
    }), FUZZ);
  });
});

describe('accountant curve: threshold', () => {
  it('is the debt threshold up to maturity and permanent debt after maturity + interval', () => {
    assert.equal(thresholdWei(T, 0n), DEBT);
    assert.equal(thresholdWei(T, 1200n), DEBT);
    assert.equal(thresholdWei(T, 1200n + 21600n + 1n), PERM);
    assert.equal(thresholdWei(T, 10n ** 9n), PERM);
  });
  it('falls on MASQ\'s line in between', () => {
    const slope = (PERM - DEBT) / 21600n;
    assert.equal(thresholdWei(T, 1201n), DEBT + slope);
    assert.equal(thresholdWei(T, 1200n + 10800n), DEBT + slope * 10800n);
    assert.equal(thresholdWei(T, 1200n + 21600n), DEBT + slope * 21600n);
  });
  it('steps down at maturity when the interval is zero', () => {
    const t = { ...T, thresholdIntervalSec: 0n };
    assert.equal(thresholdWei(t, 1200n), DEBT);
    assert.equal(thresholdWei(t, 1201n), PERM);
  });
  it('never rises with age and stays between permanent debt and debt threshold', () => {
    fc.assert(fc.property(thresholdsArb, fc.bigInt({ min: 0n, max: 3n * 10n ** 6n }), fc.bigInt({ min: 0n, max: 10n ** 6n }), (t, a, d) => {
      const early = thresholdWei(t, a);
      const late = thresholdWei(t, a + d);
      assert.ok(late <= early);
      assert.ok(late >= t.permanentDebtAllowedGwei * WEI_PER_GWEI && early <= t.debtThresholdGwei * WEI_PER_GWEI);
    }), FUZZ);
  });
});

describe('accountant curve: decisions', () => {
  it('pays only past maturity, above permanent debt and above the curve', () => {
    assert.equal(payableDue(T, DEBT + 1n, 1200n), false, 'not yet mature');
    assert.equal(payableDue(T, DEBT + 1n, 1201n), true);
    assert.equal(payableDue(T, thresholdWei(T, 1201n), 1201n), false, 'on the curve is not above it');
    assert.equal(payableDue(T, thresholdWei(T, 1201n) + 1n, 1201n), true);
    assert.equal(payableDue(T, PERM, 10n ** 6n), false, 'permanent debt is allowed');
    assert.equal(payableDue(T, PERM + 1n, 1200n + 21601n), true);
    assert.equal(payableDue(T, 0n, 10n ** 9n), false);
  });
  it('bans a debtor only grace seconds after we would have paid', () => {
    assert.equal(receivableDelinquent(T, DEBT + 1n, 2400n), false);
    assert.equal(receivableDelinquent(T, DEBT + 1n, 2401n), true);
    assert.equal(receivableDelinquent(T, PERM + 1n, 2400n + 21601n), true);
    assert.equal(receivableDelinquent(T, PERM, 10n ** 9n), false);
    assert.equal(receivableDelinquent(T, -DEBT, 10n ** 9n), false, 'an overpaid debtor');
  });
  it('unbans at or below the unban level', () => {
    assert.equal(unbanDue(T, PERM), true);
    assert.equal(unbanDue(T, PERM + 1n), false);
    assert.equal(unbanDue(T, -1n), true);
  });
  it('never bans at or below permanent debt allowed, and a ban implies we would pay at that balance', () => {
    fc.assert(fc.property(thresholdsArb, fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }), fc.bigInt({ min: 0n, max: 4n * 10n ** 6n }), (t, bal, age) => {
      const banned = receivableDelinquent(t, bal, age);
      if (bal <= t.permanentDebtAllowedGwei * WEI_PER_GWEI) assert.equal(banned, false);
      if (banned) assert.equal(payableDue(t, bal, age), true);
    }), FUZZ);
  });
  it('a larger balance or an older debt never turns a due payment into a not-due one', () => {
    fc.assert(fc.property(thresholdsArb, fc.bigInt({ min: 0n, max: 10n ** 22n }), fc.bigInt({ min: 0n, max: 4n * 10n ** 6n }), fc.bigInt({ min: 0n, max: 10n ** 21n }), fc.bigInt({ min: 0n, max: 10n ** 6n }), (t, bal, age, more, older) => {
      if (payableDue(t, bal, age)) assert.equal(payableDue(t, bal + more, age + older), true);
    }), FUZZ);
  });
});
