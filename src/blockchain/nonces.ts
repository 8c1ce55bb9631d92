// Nonce sequencing for a batch of payments: one transaction per creditor, consecutive nonces, in order.
// The chain's pending count is the floor; a locally remembered next nonce wins when it is ahead (the RPC
// may not list our just-sent transactions yet), so two batches never reuse a nonce.

/** The first nonce of a new batch. */
export function batchStart(localNext: number | undefined, chainPending: number): number {
  return localNext === undefined ? chainPending : Math.max(localNext, chainPending);
}

/** Consecutive nonces for `count` transactions from `start`. */
export function assignNonces(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

