// MASQ's payment-threshold curve (docs/PAYMENTS.md) and the decisions taken from it: when we pay a creditor, when a
// debtor is delinquent (banned) and when a ban is lifted. Pure: callers pass balances in wei and ages in seconds.

import { PAYMENT_THRESHOLD_NAMES } from '../config/index.js';
import { MasqError } from '../system/index.js';

export const WEI_PER_GWEI = 1_000_000_000n;

/** The payment-thresholds parameter, in its own units (gwei and seconds). */
export interface PaymentThresholds {
  debtThresholdGwei: bigint;
  maturityThresholdSec: bigint;
  paymentGracePeriodSec: bigint;
  permanentDebtAllowedGwei: bigint;
  thresholdIntervalSec: bigint;
  unbanBelowGwei: bigint;
}

export const DEFAULT_PAYMENT_THRESHOLDS = '1000000000|1200|1200|500000000|21600|500000000';

const U64_MAX = 2n ** 64n - 1n;
const FIELD = /^[0-9]{1,20}$/;

/** The stored `payment_thresholds` row (six u64 joined by |, in MASQ's order) into thresholds. */
export function parsePaymentThresholds(text: string): PaymentThresholds {
  const bad = (why: string): MasqError =>
    new MasqError('CONFIG_INVALID', `payment-thresholds '${text.slice(0, 80)}' ${why}.`, `The form is ${PAYMENT_THRESHOLD_NAMES.join('|')}.`);
  // Bounded before splitting: six u64 and five bars, with a little room for spaces.
  if (text.length > 6 * 20 + 5 + 12) throw bad('is too long');
  const parts = text.split('|').map((s) => s.trim());
  if (parts.length !== 6) throw bad('must have six numbers');
  const n = parts.map((p) => {
    if (!FIELD.test(p) || BigInt(p) > U64_MAX) throw bad(`has '${p}', which is not a whole number up to 2^64-1`);
    return BigInt(p);
  }) as [bigint, bigint, bigint, bigint, bigint, bigint];
  const [debtThresholdGwei, maturityThresholdSec, paymentGracePeriodSec, permanentDebtAllowedGwei, thresholdIntervalSec, unbanBelowGwei] = n;
  // The same rules as the setup parameter, re-checked because a damaged row must not produce a rising curve.
  if (debtThresholdGwei <= permanentDebtAllowedGwei) throw bad('has debt-threshold-gwei not above permanent-debt-allowed-gwei');
  if (thresholdIntervalSec > 1_000_000_000n) throw bad('has threshold-interval-sec above 1000000000');
  return { debtThresholdGwei, maturityThresholdSec, paymentGracePeriodSec, permanentDebtAllowedGwei, thresholdIntervalSec, unbanBelowGwei };
}

/**
 * The balance (wei) a debt of this age may reach before it must be paid: debt-threshold up to maturity, then a
 * straight line down to permanent-debt-allowed over threshold-interval, then permanent-debt-allowed for ever.
 * The slope is truncated toward zero as in MASQ, so the line never dips below permanent-debt-allowed; a zero
 * interval (MASQ divides by it) is a step down at maturity.
 */
export function thresholdWei(t: PaymentThresholds, ageSec: bigint): bigint {
  const debt = t.debtThresholdGwei * WEI_PER_GWEI;
  const permanent = t.permanentDebtAllowedGwei * WEI_PER_GWEI;
  if (ageSec <= t.maturityThresholdSec) return debt;
  if (ageSec > t.maturityThresholdSec + t.thresholdIntervalSec) return permanent;
  const slope = (permanent - debt) / t.thresholdIntervalSec;
  return debt + slope * (ageSec - t.maturityThresholdSec);
}

/** Whether we owe enough, for long enough, to pay this creditor now (age since we last paid them). */
export function payableDue(t: PaymentThresholds, balanceWei: bigint, ageSec: bigint): boolean {
  return (
    ageSec > t.maturityThresholdSec &&
    balanceWei > t.permanentDebtAllowedGwei * WEI_PER_GWEI &&
    balanceWei > thresholdWei(t, ageSec)
  );
}

/**
 * Whether a debtor is delinquent (to be banned): the same test as payableDue with the grace period added to
 * maturity, so a debtor always has grace seconds more than we give ourselves.
 */
export function receivableDelinquent(t: PaymentThresholds, balanceWei: bigint, ageSec: bigint): boolean {
  return ageSec > t.paymentGracePeriodSec && payableDue(t, balanceWei, ageSec - t.paymentGracePeriodSec);
}

/** Whether a banned debtor has paid down enough to be served again. */
export function unbanDue(t: PaymentThresholds, balanceWei: bigint): boolean {
  return balanceWei <= t.unbanBelowGwei * WEI_PER_GWEI;
}
