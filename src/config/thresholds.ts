// The parameters made of numbers joined by '|' (payment-thresholds, rate-pack, scan-intervals), parsed into
// records. Values reaching here passed the table's check; payment thresholds are also read from stored rows, so
// that parser re-checks what a damaged row could break.

import type { RatePack } from '../wire/index.js';
import { MasqError } from '../system/index.js';
import { PAYMENT_THRESHOLD_NAMES } from './params.js';

/** The payment-thresholds parameter, in its own units (gwei and seconds). */
export interface PaymentThresholds {
  debtThresholdGwei: bigint;
  maturityThresholdSec: bigint;
  paymentGracePeriodSec: bigint;
  permanentDebtAllowedGwei: bigint;
  thresholdIntervalSec: bigint;
  unbanBelowGwei: bigint;
}

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

/** rate-pack (routing-byte|routing-service|exit-byte|exit-service, wei) as the record Nodes advertise. */
export function parseRatePack(text: string): RatePack {
  const [routingByteRate = 0n, routingServiceRate = 0n, exitByteRate = 0n, exitServiceRate = 0n] = text.split('|').map((n) => BigInt(n.trim()));
  return { routingByteRate, routingServiceRate, exitByteRate, exitServiceRate };
}

/** scan-intervals in its order (seconds), the order the accountant's Scanners take. */
export type ScanIntervalsSec = readonly [pendingPayables: number, payables: number, receivables: number];

export function parseScanIntervals(text: string): ScanIntervalsSec {
  const [pendingPayables = 0, payables = 0, receivables = 0] = text.split('|').map((n) => Number(n.trim()));
  return [pendingPayables, payables, receivables];
}
