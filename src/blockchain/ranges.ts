// Block ranges for eth_getLogs (docs/PAYMENTS.md, 'Scans'): public RPCs cap the span of one request, so a scan
// walks its range in windows that halve when the RPC complains and grow back after a run of successes.

export interface BlockRange {
  from: number;
  to: number;
}

export interface WindowPolicy {
  /** The largest span asked for; also where growing stops. */
  maxSpan: number;
  /** Successful requests in a row before the span doubles again. */
  growAfter: number;
}

export interface WindowState {
  span: number;
  successes: number;
}

/** The first window of a scan: the span the previous scan ended with, if any, else the maximum. */
export function initialWindow(policy: WindowPolicy, learnedSpan?: number): WindowState {
  return { span: Math.max(1, Math.min(policy.maxSpan, learnedSpan ?? policy.maxSpan)), successes: 0 };
}

/** The next request: from `next` up to `span` blocks, never past `last`. */
export function nextRange(next: number, last: number, state: WindowState): BlockRange | undefined {
  if (next > last) return undefined;
  return { from: next, to: Math.min(last, next + state.span - 1) };
}

/** After a range complaint: the limit the RPC named if smaller, else half; undefined when already at 1 block. */
export function shrink(state: WindowState, failedSpan: number, namedLimit?: number): WindowState | undefined {
  if (failedSpan <= 1) return undefined;
  const halved = Math.max(1, Math.floor(failedSpan / 2));
  const span = namedLimit !== undefined && namedLimit >= 1 && namedLimit < failedSpan ? namedLimit : halved;
  return { span, successes: 0 };
}

export function grow(state: WindowState, policy: WindowPolicy): WindowState {
  const successes = state.successes + 1;
  if (successes < policy.growAfter || state.span >= policy.maxSpan) return { span: state.span, successes };
  return { span: Math.min(policy.maxSpan, state.span * 2), successes: 0 };
}

// Phrases RPC providers use when a getLogs request spans too many blocks or returns too much: those MASQ Node
// recognises, plus the "too many results" family of Alchemy, Infura and geth.
const LIMIT_PATTERNS: readonly RegExp[] = [
  /max:\s*(\d+)/i,
  /allowed for your plan:\s*(\d+)/i,
  /is limited to\s*(\d+)/i,
  /block range limit \((\d+)/i,
  /exceeds max block range\s*(\d+)/i,
  /maximum allowed is\s*(\d+)/i,
];
const COMPLAINT_PATTERNS: readonly RegExp[] = [
  /block range/i,
  /too many (results|logs|blocks)/i,
  /more than \d+ results/i,
  /response size/i,
  /limit exceeded/i,
  /range is too large/i,
  /expected batch, got single/i,
];

export interface RangeComplaint {
  /** The span the RPC says it allows, when it says. */
  limit?: number;
}

/** Whether an RPC error text is a "your range is too big" complaint, and which limit it names. */
export function rangeComplaint(text: string): RangeComplaint | undefined {
  if (/expected batch, got single/i.test(text)) return { limit: 1000 };
  for (const p of LIMIT_PATTERNS) {
    const m = p.exec(text);
    if (m?.[1]) return { limit: Number(m[1]) };
  }
  return COMPLAINT_PATTERNS.some((p) => p.test(text)) ? {} : undefined;
}
