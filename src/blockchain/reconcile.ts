// After a crash: what to do with each payment the journal says was signed but not known to be confirmed.
// Pure decisions over (pending records, chain facts); the bridge gathers the facts, the accountant acts.
// The safety rule: a payment is only ever re-sent as the same signed bytes, so its nonce can be spent once.

/** What the journal holds for a payment before its transaction is submitted. */
export interface PendingPayable {
  creditor: string;
  amount: bigint;
  nonce: number;
  /** Hash of `rawTx`. */
  txHash: string;
  /** The signed transaction, so a resend is byte-identical. */
  rawTx: string;
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

export type ReconcileAction =
  | { kind: 'confirm'; record: PendingPayable; blockNumber: number }
  /** Mined but reverted: the nonce is spent, the creditor is still owed; pay again with a new nonce. */
  | { kind: 'failed'; record: PendingPayable; blockNumber: number }
  | { kind: 'wait'; record: PendingPayable }
  | { kind: 'resend'; record: PendingPayable }
  /** Not mined and its nonce spent by another transaction: these bytes can never be mined. */
  | { kind: 'superseded'; record: PendingPayable }
  | { kind: 'investigate'; record: PendingPayable; reason: string };

function decide(record: PendingPayable, facts: ChainFacts, sharedNonce: boolean): ReconcileAction {
  const tx = facts.txs.get(record.txHash.toLowerCase()) ?? { state: 'unknown' };
  if (tx.state === 'mined') {
    return tx.success ? { kind: 'confirm', record, blockNumber: tx.blockNumber } : { kind: 'failed', record, blockNumber: tx.blockNumber };
  }
  if (tx.state === 'pooled') return { kind: 'wait', record };
  if (record.nonce < facts.minedNonceCount) return { kind: 'superseded', record };
  // Two unsent records with one nonce mean the journal itself is wrong: resending either could pay the wrong one.
  if (sharedNonce) return { kind: 'investigate', record, reason: `another pending payment also holds nonce ${record.nonce}` };
  return { kind: 'resend', record };
}

/** One action per record, in nonce order so that resends leave no gap. */
export function reconcile(records: readonly PendingPayable[], facts: ChainFacts): ReconcileAction[] {
  const perNonce = new Map<number, number>();
  for (const r of records) perNonce.set(r.nonce, (perNonce.get(r.nonce) ?? 0) + 1);
  return [...records]
    .sort((a, b) => a.nonce - b.nonce)
    .map((r) => decide(r, facts, (perNonce.get(r.nonce) ?? 0) > 1));
}
