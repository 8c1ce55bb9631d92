// MASQ's `financials` UI message: the request checked as MASQ's Accountant checks it, and the answer
// built from the books in MASQ's field names and gwei. Pure; the handler passes a snapshot of the books.

import { MasqError } from '../system/index.js';
import type { BookTotals, PayableRecord, ReceivableRecord } from './books.js';
import { WEI_PER_GWEI } from './curve.js';

export type OrderedBy = 'Age' | 'Balance';

export interface RangeQuery {
  minAgeS: bigint;
  maxAgeS: bigint;
  minAmountGwei: bigint;
  maxAmountGwei: bigint;
}

export interface FinancialsRequest {
  statsRequired: boolean;
  top?: { count: number; orderedBy: OrderedBy };
  payable?: RangeQuery;
  receivable?: RangeQuery;
}

export interface BooksSnapshot {
  payables: readonly PayableRecord[];
  receivables: readonly ReceivableRecord[];
  totals: BookTotals;
}

/** Why the Accountant refuses a financials request (each has its own MASQ UI error at the UI edge). */
export type FinancialsProblem = 'no-values' | 'mutually-exclusive' | 'exceeds-limit';

export class FinancialsRequestError extends MasqError {
  constructor(readonly problem: FinancialsProblem, message: string) {
    super('ACCOUNTANT', message);
  }
}

const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
export const MAX_TOP_COUNT = 65535;

const tooBig = (what: string): FinancialsRequestError => new FinancialsRequestError('exceeds-limit', what);

/**
 * A JSON integer within [min, max]. JSON numbers reach us as doubles, so MASQ's default maximum 2^64-1 (or
 * 2^63-1) arrives rounded; that exact double is read as the limit it stands for.
 */
function integer(v: unknown, field: string, min: bigint, max: bigint): bigint {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw tooBig(`${field} must be a whole number`);
  if (v === Number(max)) return max;
  const n = BigInt(v);
  if (n < min || n > max) throw tooBig(`${field} must be between ${min} and ${max}`);
  return n;
}

function rangeQuery(v: unknown, which: 'payable' | 'receivable'): RangeQuery | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw tooBig(`${which}Opt must be an object`);
  const r = v as Record<string, unknown>;
  const [lo, hi] = which === 'payable' ? [0n, U64_MAX] : [I64_MIN, I64_MAX];
  const q = {
    minAgeS: integer(r.minAgeS, 'minAgeS', 0n, U64_MAX),
    maxAgeS: integer(r.maxAgeS, 'maxAgeS', 0n, U64_MAX),
    minAmountGwei: integer(r.minAmountGwei, 'minAmountGwei', lo, hi),
    maxAmountGwei: integer(r.maxAmountGwei, 'maxAmountGwei', lo, hi),
  };
  if (q.minAgeS > q.maxAgeS) throw tooBig(`the ${which} age range ${q.minAgeS}-${q.maxAgeS} is upside down`);
  if (q.minAmountGwei > q.maxAmountGwei) throw tooBig(`the ${which} amount range ${q.minAmountGwei}-${q.maxAmountGwei} is upside down`);
  return q;
}

/** The request payload as the Accountant accepts it, or a FinancialsRequestError. */
export function parseFinancialsRequest(p: Record<string, unknown>): FinancialsRequest {
  const statsRequired = p.statsRequired === true;
  const req: FinancialsRequest = { statsRequired };
  const top = p.topRecordsOpt;
  if (top !== undefined && top !== null) {
    const t = top as Record<string, unknown>;
    const count = Number(integer(t.count, 'count', 1n, BigInt(MAX_TOP_COUNT)));
    if (t.orderedBy !== 'Age' && t.orderedBy !== 'Balance') throw tooBig(`orderedBy must be Age or Balance`);
    req.top = { count, orderedBy: t.orderedBy };
  }
  const custom = p.customQueriesOpt as Record<string, unknown> | undefined | null;
  if (custom !== undefined && custom !== null) {
    const payable = rangeQuery(custom.payableOpt, 'payable');
    const receivable = rangeQuery(custom.receivableOpt, 'receivable');
    if (!payable && !receivable) throw new FinancialsRequestError('no-values', 'customQueriesOpt asks for neither payables nor receivables');
    if (req.top) throw new FinancialsRequestError('mutually-exclusive', 'Requesting top records and specific queries at the same time is not allowed');
    if (payable) req.payable = payable;
    if (receivable) req.receivable = receivable;
  }
  if (!statsRequired && !req.top && !req.payable && !req.receivable) {
    throw new FinancialsRequestError('no-values', 'Empty requests with missing queries not to be processed');
  }
  return req;
}

/** Wei to whole gwei, truncated toward zero, as a JSON number (exact below 2^53 gwei, about nine million MASQ). */
const gwei = (wei: bigint): number => Number(wei / WEI_PER_GWEI);

const ageOf = (since: number, now: number): number => Math.max(0, now - since);

interface Row {
  wallet: string;
  ageS: number;
  balanceWei: bigint;
  pendingPayableHashOpt?: string;
}

function payableRows(ps: readonly PayableRecord[], now: number): Row[] {
  return ps.map((p) => ({ wallet: p.wallet, ageS: ageOf(p.lastPaidSec, now), balanceWei: p.balanceWei, ...(p.pending && { pendingPayableHashOpt: p.pending.txHash }) }));
}

function receivableRows(rs: readonly ReceivableRecord[], now: number): Row[] {
  return rs.map((r) => ({ wallet: r.wallet, ageS: ageOf(r.lastReceivedSec, now), balanceWei: r.balanceWei }));
}

function byBalance(a: Row, b: Row): number {
  return a.balanceWei === b.balanceWei ? b.ageS - a.ageS : a.balanceWei > b.balanceWei ? -1 : 1;
}

function byAge(a: Row, b: Row): number {
  return a.ageS === b.ageS ? byBalance(a, b) : b.ageS - a.ageS;
}

function inRange(r: Row, q: RangeQuery): boolean {
  const age = BigInt(r.ageS);
  const g = r.balanceWei / WEI_PER_GWEI;
  return age >= q.minAgeS && age <= q.maxAgeS && g >= q.minAmountGwei && g <= q.maxAmountGwei;
}

/** Top records keep MASQ's rule of listing only accounts with something owed. */
function top(rows: Row[], t: { count: number; orderedBy: OrderedBy }): Row[] {
  return rows.filter((r) => r.balanceWei > 0n).sort(t.orderedBy === 'Age' ? byAge : byBalance).slice(0, t.count);
}

// A payable below zero (we paid more than booked) is shown as nothing owed: the field is unsigned in MASQ.
const json = (rows: Row[], unsigned: boolean): Record<string, unknown>[] =>
  rows.map(({ balanceWei, ...rest }) => ({ ...rest, balanceGwei: gwei(unsigned && balanceWei < 0n ? 0n : balanceWei) }));

/** The `financials` response payload. */
export function financialsPayload(req: FinancialsRequest, books: BooksSnapshot, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.statsRequired) {
    const t = books.totals;
    out.statsOpt = {
      totalUnpaidAndPendingPayableGwei: gwei(t.unpaidAndPendingPayableWei),
      totalPaidPayableGwei: gwei(t.paidPayableWei),
      totalUnpaidReceivableGwei: gwei(t.unpaidReceivableWei),
      totalPaidReceivableGwei: gwei(t.paidReceivableWei),
    };
  }
  const payables = payableRows(books.payables, now);
  const receivables = receivableRows(books.receivables, now);
  if (req.top) {
    out.queryResultsOpt = { payableOpt: json(top(payables, req.top), true), receivableOpt: json(top(receivables, req.top), false) };
  } else if (req.payable || req.receivable) {
    const results: Record<string, unknown> = {};
    const { payable, receivable } = req;
    if (payable) results.payableOpt = json(payables.filter((r) => inRange(r, payable)).sort(byBalance), true);
    if (receivable) results.receivableOpt = json(receivables.filter((r) => inRange(r, receivable)).sort(byBalance), false);
    out.queryResultsOpt = results;
  }
  return out;
}
