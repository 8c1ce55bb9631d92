// The receivable scan (docs/PAYMENTS.md, 'Scans'): MASQ transfers to our earning wallet since the last scan,
// credited to the debtors that sent them, with the scan's start block moved past them in the same transaction.

import type { TransferEvent } from '../blockchain/index.js';
import type { Logger } from '../system/index.js';
import type { Books } from './books.js';

export interface ReceivableChain {
  blockNumber(): Promise<number>;
  scanTransfersTo(recipient: string, fromBlock: number, toBlock: number): Promise<{ transfers: TransferEvent[] }>;
}

export interface ReceivableDeps {
  books: Books;
  chain: ReceivableChain;
  /** Our earning wallet, or undefined when the Node has none yet. */
  earningWallet: () => string | undefined;
  /** Our consuming wallet: moving our own MASQ between our wallets is no debtor's payment. */
  consumingWallet: () => string | undefined;
  nowSec: () => number;
  log: Logger;
}

export interface ReceivableScanReport {
  fromBlock: number;
  toBlock: number;
  credited: number;
}

export async function scanReceivables(d: ReceivableDeps): Promise<ReceivableScanReport | undefined> {
  const earning = d.earningWallet();
  if (!earning) {
    d.log.info('No earning wallet: no receivable scan');
    return undefined;
  }
  const latest = await d.chain.blockNumber();
  // No start block yet (a fresh database, or `set-configuration --start-block none`): from the latest block on.
  const from = d.books.startBlock() ?? latest;
  if (from > latest) {
    d.log.debug(`No new blocks since ${from - 1}`);
    return { fromBlock: from, toBlock: latest, credited: 0 };
  }
  const { transfers } = await d.chain.scanTransfersTo(earning, from, latest);
  const own = d.consumingWallet()?.toLowerCase();
  const incoming = transfers.filter((t) => t.amount > 0n && t.from !== own && t.from !== earning.toLowerCase()).map((t) => ({ from: t.from, amount: t.amount }));
  await d.books.creditTransfers(incoming, latest + 1, d.nowSec());
  if (incoming.length > 0) d.log.info(`Received ${incoming.length} payment(s) in blocks ${from}..${latest}`);
  else d.log.debug(`No payments received in blocks ${from}..${latest}`);
  return { fromBlock: from, toBlock: latest, credited: incoming.length };
}
