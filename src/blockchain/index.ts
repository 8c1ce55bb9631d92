// The blockchain folder's entry: what the rest of the program may use of it.

export { Erc20Bridge, type Payment, type ReceiptState, type SendOutcome, type TxSigner } from './erc20-bridge.js';
export { type ChainFacts, type PendingPayable, reconcile } from './reconcile.js';
export { type TransferEvent } from './transfer-log.js';
