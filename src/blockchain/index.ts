// The bridge to an EVM chain: JSON-RPC for ERC-20 transfers, nonces, receipts and Transfer logs (ethers), and the
// pure parts (block ranges, crash reconciliation, RPC error reading) it decides with.

export { Erc20Bridge, type Payment, type ReceiptState, type SendOutcome, type TxSigner } from './erc20-bridge.js';
export { type ChainFacts, type PendingPayable, reconcile } from './reconcile.js';
export { type TransferEvent } from './transfer-log.js';
