// MASQ's payment-threshold curve (docs/PAYMENTS.md) and the decisions taken from it: when we pay a creditor, when a
// debtor is delinquent (banned) and when a ban is lifted. Pure: callers pass balances in wei and ages in seconds.

import { type PaymentThresholds } from '../config/index.js';

export const WEI_PER_GWEI = 1_000_000_000n;

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
