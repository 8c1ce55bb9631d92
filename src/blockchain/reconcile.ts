// After a crash: what to do with each payment the journal says was signed but not known to be confirmed.
// Pure decisions over (pending records, chain facts); the bridge gathers the facts, the accountant acts.
// The safety rule: a payment is only ever re-sent as the same signed bytes, or replaced by a transaction of the
// same payment with the same nonce and a higher gas price; either way its nonce can be spent once.

/** What the journal holds for a payment before its transaction is submitted. */
export interface PendingPayable {
  creditor: string;
  amount: bigint;
  nonce: number;
  /** Hash of `rawTx`. */
  txHash: string;
  /** The signed transaction, so a resend is byte-identical. */
  rawTx: string;
  /** Wei per gas it was signed with; a replacement must bid more. */
  gasPrice: bigint;
}

export type TxOnChain =
  | { state: 'mined'; success: boolean; blockNumber: number }
  /** In the node's pool, not yet in a block. */
  | { state: 'pooled' }
  | { state: 'unknown' };

export interface ChainFacts {
  /** What the chain knows about each journal tx hash. */
  txs: ReadonlyMap<string, TxOnChain>;
  /** The consuming wallet's mined transaction count: every nonce below it is spent. */
  minedNonceCount: number;
}

/** Every action names the other journal records of the same payment (replacements sharing its nonce). */
export type ReconcileAction = (
  | { kind: 'confirm'; record: PendingPayable; blockNumber: number }
  /** Mined but reverted: the nonce is spent, the creditor is still owed; pay again with a new nonce. */
  | { kind: 'failed'; record: PendingPayable; blockNumber: number }
  /** In the pool: `record` is the highest bid of the payment. */
  | { kind: 'wait'; record: PendingPayable }
  /** Unknown to the node, nonce unspent: send the highest bid again, byte for byte. */
  | { kind: 'resend'; record: PendingPayable }
  /** Not mined and its nonce spent by another transaction: these bytes can never be mined. */
  | { kind: 'superseded'; record: PendingPayable }
  | { kind: 'investigate'; record: PendingPayable; reason: string }
) & { siblings: PendingPayable[] };

const stateOf = (facts: ChainFacts, r: PendingPayable): TxOnChain => facts.txs.get(r.txHash.toLowerCase()) ?? { state: 'unknown' };

/** The decision for one payment: all its records share a nonce, a creditor and an amount. */
function decide(group: readonly PendingPayable[], facts: ChainFacts): ReconcileAction {
  const best = [...group].sort((a, b) => (a.gasPrice < b.gasPrice ? 1 : a.gasPrice > b.gasPrice ? -1 : 0))[0] as PendingPayable;
  const others = (r: PendingPayable): PendingPayable[] => group.filter((g) => g !== r);
  for (const record of group) {
    const tx = stateOf(facts, record);
    if (tx.state !== 'mined') continue;
    const kind = tx.success ? 'confirm' : 'failed';
    return { kind, record, blockNumber: tx.blockNumber, siblings: others(record) };
  }
  const pooled = group.filter((r) => stateOf(facts, r).state === 'pooled');
  if (pooled.length > 0) {
    const record = pooled.includes(best) ? best : (pooled[0] as PendingPayable);
    return { kind: 'wait', record, siblings: others(record) };
  }
  if (best.nonce < facts.minedNonceCount) return { kind: 'superseded', record: best, siblings: others(best) };
  return { kind: 'resend', record: best, siblings: others(best) };
}

/** One action per payment, in nonce order so that resends leave no gap. */
export function reconcile(records: readonly PendingPayable[], facts: ChainFacts): ReconcileAction[] {
  const perNonce = new Map<number, PendingPayable[]>();
  for (const r of records) perNonce.set(r.nonce, [...(perNonce.get(r.nonce) ?? []), r]);
  return [...perNonce.entries()].sort(([a], [b]) => a - b).flatMap(([nonce, group]) => {
    const first = group[0] as PendingPayable;
    const samePayment = group.every((r) => r.creditor.toLowerCase() === first.creditor.toLowerCase() && r.amount === first.amount);
    if (samePayment) return [decide(group, facts)];
    // Different payments holding one nonce mean the journal itself is wrong: resending either could pay the wrong one.
    return group.map((record) => ({ kind: 'investigate' as const, record, reason: `another pending payment also holds nonce ${nonce}`, siblings: [] }));
  });
}
