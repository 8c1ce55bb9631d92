// Walking a block range with eth_getLogs in windows that adapt to the RPC's limits (ranges.ts). The fetch
// function is injected, so the walk is tested against scripted RPC behaviour without a chain.

import { MasqError } from '../system/index.js';
import { type BlockRange, type WindowPolicy, grow, initialWindow, nextRange, rangeComplaint, shrink } from './ranges.js';

export type FetchRange<T> = (range: BlockRange) => Promise<T[]>;

export class RangeTooNarrow extends MasqError {
  constructor(readonly range: BlockRange, readonly rpcError: unknown) {
    super('BLOCKCHAIN_RPC', `the RPC refuses even a one-block range at block ${range.from}`, 'Use a blockchain service that serves event logs, or another provider.');
    this.name = 'RangeTooNarrow';
  }
}

export interface ScanResult<T> {
  items: T[];
  requests: number;
  /** The span that worked last, so the caller can start the next scan there. */
  span: number;
}

/**
 * Fetches `from..to` window by window. A range complaint (judged on `errorText`) shrinks the window and asks
 * again; any other failure propagates. Bounded: each request either advances by at least one block or
 * shrinks the window, which can happen at most log2(maxSpan) times in a row.
 */
export async function scanRange<T>(from: number, to: number, policy: WindowPolicy, fetch: FetchRange<T>, errorText: (err: unknown) => string, learnedSpan?: number): Promise<ScanResult<T>> {
  const items: T[] = [];
  let state = initialWindow(policy, learnedSpan);
  let next = from;
  let requests = 0;
  const maxRequests = (to - from + 1) * (Math.ceil(Math.log2(Math.max(2, policy.maxSpan))) + 2) + 1;
  for (let range = nextRange(next, to, state); range; range = nextRange(next, to, state)) {
    if (requests >= maxRequests) throw new Error(`scan of ${from}..${to} exceeded ${maxRequests} requests`);
    requests++;
    try {
      items.push(...(await fetch(range)));
      next = range.to + 1;
      state = grow(state, policy);
    } catch (err) {
      const complaint = rangeComplaint(errorText(err));
      if (!complaint) throw err;
      const smaller = shrink(state, range.to - range.from + 1, complaint.limit);
      if (!smaller) throw new RangeTooNarrow(range, err);
      state = smaller;
    }
  }
  return { items, requests, span: state.span };
}
