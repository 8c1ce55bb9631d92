// masq financials (MASQ's masq_cli/src/commands/financials_command.rs): its options, checked before anything is
// sent, and the text it prints.

import { MasqError } from '../system/index.js';
import type { Answers } from '../ui/index.js';
import type { Command } from './command.js';
import { ask } from './flags.js';

const MAX_ARGS = 16;
const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;
const GWEI_PER_MASQ = 1_000_000_000n;
// Twenty digits hold u64; nine decimals are all the precision a gwei has.
const NUMBER = /^(-?)([0-9]{1,20})(?:\.([0-9]{1,9}))?$/;
const RANGE_TEXT_MAX = 120;

export type RangeQuery = Record<'minAgeS' | 'maxAgeS' | 'minAmountGwei' | 'maxAmountGwei', number>;
/** The financials request as masq builds it (the catalogue leaves its nested objects to the Accountant to check). */
export type FinancialsQuery = {
  statsRequired: boolean;
  topRecordsOpt?: { count: number; orderedBy: string };
  customQueriesOpt?: { payableOpt?: RangeQuery; receivableOpt?: RangeQuery };
};
type AccountRows = NonNullable<NonNullable<Answers['financials']['queryResultsOpt']>['payableOpt']>;

export interface FinancialsArgs {
  /** The request payload for the Node. */
  request: FinancialsQuery;
  gwei: boolean;
}

const usage = (why: string): MasqError => new MasqError('USAGE', why, 'See masq help financials.');

/** A decimal MASQ amount ("1.5", "-0.25") in gwei. */
export function masqToGwei(text: string): bigint {
  const m = NUMBER.exec(text);
  if (!m) throw usage(`'${text.slice(0, 40)}' is not an amount of MASQ (at most nine decimals)`);
  const [, sign, whole, frac = ''] = m;
  const g = BigInt(whole as string) * GWEI_PER_MASQ + BigInt(frac.padEnd(9, '0'));
  return sign === '-' ? -g : g;
}

/** gwei as MASQ, without trailing zeros. */
export function gweiToMasq(g: bigint): string {
  const sign = g < 0n ? '-' : '';
  const a = g < 0n ? -g : g;
  const frac = (a % GWEI_PER_MASQ).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${a / GWEI_PER_MASQ}${frac ? '.' + frac : ''}`;
}

function bound(text: string | undefined, what: string, min: bigint, max: bigint, parse: (s: string) => bigint): bigint | undefined {
  if (text === undefined || text === '') return undefined;
  const n = parse(text);
  if (n < min || n > max) throw usage(`${what} ${text} is out of range`);
  return n;
}

const seconds = (s: string): bigint => {
  if (!/^[0-9]{1,20}$/.test(s)) throw usage(`'${s.slice(0, 40)}' is not a number of seconds`);
  return BigInt(s);
};

/**
 * "<minAge>-<maxAge>|<minMASQ>-<maxMASQ>" into a range query; an omitted maximum is the largest allowed.
 * Receivable amounts may be negative ("-2--1"), so each pair is split at the dash after its first number.
 */
export function parseRange(text: string, which: 'payable' | 'receivable'): RangeQuery {
  if (text.length > RANGE_TEXT_MAX) throw usage(`The --${which} range is too long`);
  const parts = text.split('|');
  const pair = /^(-?[0-9.]+)-(-?[0-9.]*)$/;
  const ages = pair.exec(parts[0] ?? '');
  const amounts = pair.exec(parts[1] ?? '');
  if (parts.length !== 2 || !ages || !amounts) throw usage(`--${which} wants <min-age>-<max-age>|<min-MASQ>-<max-MASQ>, e.g. 0-3600|0.5-10`);
  const maxAmount = which === 'payable' ? U64_MAX : I64_MAX;
  const minAmount = which === 'payable' ? 0n : -I64_MAX - 1n;
  const q = {
    minAgeS: bound(ages[1], 'Minimum age', 0n, U64_MAX, seconds) ?? 0n,
    maxAgeS: bound(ages[2], 'Maximum age', 0n, U64_MAX, seconds) ?? U64_MAX,
    minAmountGwei: bound(amounts[1], 'Minimum amount', minAmount, maxAmount, masqToGwei) ?? minAmount,
    maxAmountGwei: bound(amounts[2], 'Maximum amount', minAmount, maxAmount, masqToGwei) ?? maxAmount,
  };
  if (q.minAgeS > q.maxAgeS) throw usage(`The --${which} age range ${ages[0]} is upside down`);
  if (q.minAmountGwei > q.maxAmountGwei) throw usage(`The --${which} amount range ${amounts[0]} is upside down`);
  // JSON carries doubles; the Node reads MASQ's rounded maxima back as the limits they stand for.
  return { minAgeS: Number(q.minAgeS), maxAgeS: Number(q.maxAgeS), minAmountGwei: Number(q.minAmountGwei), maxAmountGwei: Number(q.maxAmountGwei) };
}

const LONG: Record<string, string> = { '-t': '--top', '-o': '--ordered', '-p': '--payable', '-r': '--receivable', '-n': '--no-stats', '-g': '--gwei' };
const SWITCHES = new Set(['--no-stats', '--gwei']);

/** masq financials' arguments into the request it sends. */
export function parseFinancialsArgs(args: readonly string[]): FinancialsArgs {
  if (args.length > MAX_ARGS) throw usage('Too many arguments');
  const seen = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const raw = args[i] as string;
    const flag = LONG[raw] ?? raw;
    if (!Object.values(LONG).includes(flag)) throw usage(`Unexpected argument '${raw.slice(0, 40)}'`);
    if (seen.has(flag)) throw usage(`${flag} is given twice`);
    if (SWITCHES.has(flag)) {
      seen.set(flag, '');
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw usage(`${flag} needs a value`);
    seen.set(flag, value);
  }
  const topText = seen.get('--top');
  const ordered = seen.get('--ordered');
  const payable = seen.get('--payable');
  const receivable = seen.get('--receivable');
  const custom = payable !== undefined || receivable !== undefined;
  if (topText !== undefined && custom) throw usage('--top cannot be combined with --payable or --receivable');
  if (ordered !== undefined && topText === undefined) throw usage('--ordered needs --top');
  if (seen.has('--no-stats') && topText === undefined && !custom) throw usage('--no-stats needs --top, --payable or --receivable');
  const request: FinancialsQuery = { statsRequired: !seen.has('--no-stats') };
  if (topText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(topText) || Number(topText) < 1 || Number(topText) > 65535) throw usage('--top wants a number from 1 to 65535');
    if (ordered !== undefined && ordered !== 'balance' && ordered !== 'age') throw usage('--ordered wants balance or age');
    request.topRecordsOpt = { count: Number(topText), orderedBy: ordered === 'age' ? 'Age' : 'Balance' };
  }
  if (custom) {
    request.customQueriesOpt = {
      ...(payable !== undefined && { payableOpt: parseRange(payable, 'payable') }),
      ...(receivable !== undefined && { receivableOpt: parseRange(receivable, 'receivable') }),
    };
  }
  return { request, gwei: seen.has('--gwei') };
}

const big = (v: number | undefined): bigint => (v !== undefined && Number.isInteger(v) ? BigInt(v) : 0n);

function table(rows: AccountRows | null | undefined, pending: boolean, unit: string, amount: (g: bigint) => string): string[] {
  if (!rows || rows.length === 0) return ['No records found'];
  const head = ['#', 'Wallet', 'Age [s]', `Balance [${unit}]`, ...(pending ? ['Pending tx'] : [])];
  const body = rows.map((r, i) => [
    `${i + 1}`, r.wallet, `${r.ageS}`, amount(big(r.balanceGwei)),
    ...(pending ? [r.pendingPayableHashOpt ?? 'None'] : []),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => (b[c] as string).length)));
  return [head, ...body].map((cells) => cells.map((s, c) => s.padEnd(widths[c] as number)).join('   ').trimEnd());
}

/** What masq financials prints for the Node's answer. */
export function formatFinancials(r: Answers['financials'], req: FinancialsQuery, gwei: boolean): string {
  const unit = gwei ? 'gwei' : 'MASQ';
  const amount = (g: bigint): string => (gwei ? g.toString() : gweiToMasq(g));
  const out: string[] = [];
  const stats = r.statsOpt;
  if (stats) {
    const row = (label: string, p: number, q: number): string => `${label.padEnd(22)}${amount(big(p)).padEnd(24)}${amount(big(q))}`;
    out.push(
      `Financial status totals in ${unit}`, '',
      `${''.padEnd(22)}${'Payable'.padEnd(24)}Receivable`,
      row('Unpaid and pending', stats.totalUnpaidAndPendingPayableGwei, stats.totalUnpaidReceivableGwei),
      row('Paid', stats.totalPaidPayableGwei, stats.totalPaidReceivableGwei),
    );
  }
  const results = r.queryResultsOpt;
  const top = req.topRecordsOpt;
  const custom = req.customQueriesOpt;
  const section = (title: string, rows: AccountRows | null | undefined, pending: boolean): void => {
    if (out.length > 0) out.push('');
    out.push(title, '', ...table(rows, pending, unit, amount));
  };
  if (results && top) {
    if (out.length > 0) out.push('');
    out.push(`Up to ${top.count} top accounts`);
    section('Payable', results.payableOpt, true);
    section('Receivable', results.receivableOpt, false);
  } else if (results && custom) {
    // Past 2^53 the numbers are the rounded defaults standing for "no limit".
    const shown = (n: number, as: (b: bigint) => string): string => (Math.abs(n) > Number.MAX_SAFE_INTEGER ? 'max' : as(big(n)));
    const seconds = (b: bigint): string => b.toString();
    const describe = (q: RangeQuery): string =>
      `${shown(q.minAgeS, seconds)}-${shown(q.maxAgeS, seconds)} s, ${shown(q.minAmountGwei, amount)}-${shown(q.maxAmountGwei, amount)} ${unit}`;
    if (custom.payableOpt) section(`Specific payable query: ${describe(custom.payableOpt)}`, results.payableOpt, true);
    if (custom.receivableOpt) section(`Specific receivable query: ${describe(custom.receivableOpt)}`, results.receivableOpt, false);
  }
  return out.join('\n');
}

export const FINANCIALS_COMMAND: Command = {
  name: 'financials',
  usage: 'financials [--top/-t <1-65535> [--ordered/-o balance|age]] [--payable/-p <min-age>-<max-age>|<min-MASQ>-<max-MASQ>] [--receivable/-r <same>] [--no-stats/-n] [--gwei/-g]',
  help: 'Shows what the Node owes and is owed: totals, the top accounts, or the accounts in an age and amount range.',
  async run(args, io) {
    const { request, gwei } = parseFinancialsArgs(args);
    const r = await ask(io, 'financials', request);
    io.out(formatFinancials(r, request, gwei));
    return 0;
  },
};
