// The Node's money side put together: the bridge to the chain (blockchain-service-url), the payer and the
// receivable scan over the books, and the three scans on their intervals (started once the Node first has a
// neighbor, unless `scans off`). Wallets are read at every scan, so wallets generated while the Node runs are used.

import { Wallet } from 'ethers';
import { Erc20Bridge } from '../blockchain/index.js';
import { type Books, bridgePayer, parsePaymentThresholds, Payments, type ScanName, Scanners, scanReceivables } from '../accountant/index.js';
import type { Store } from '../store/index.js';
import { describeError, type Logger } from '../system/index.js';
import { checksumAddress, parseAddress, parsePrivateKey } from '../wallet/index.js';

export interface AccountantSettings {
  chain: string;
  store: Store;
  books: Books;
  value: (name: string) => string;
  /** Whether the user chose gas-price (otherwise the blockchain service's price is used). */
  gasPriceConfigured: boolean;
  log: Logger;
}

export interface NodeAccountant {
  /** Starts the automatic scans (idempotent); a no-op with `scans off`. */
  startScans(): void;
  scan(name: ScanName): Promise<void>;
  setGasPrice(gwei: number): void;
  close(): Promise<void>;
}

/** The consuming wallet's key: the parameter, else the one masq generate-wallets / recover-wallets sealed. */
export function consumingKeyHex(value: (name: string) => string, store: Store): string | undefined {
  return value('consuming-private-key') || store.getSecret('consuming_wallet_private_key') || undefined;
}

export function startAccountant(s: AccountantSettings): NodeAccountant {
  const { store, books, value, log } = s;
  const bridge = new Erc20Bridge({
    url: value('blockchain-service-url'),
    chain: s.chain,
    ...(s.gasPriceConfigured ? { gasPriceGwei: Number(value('gas-price')) } : {}),
  });
  const nowSec = (): number => Math.floor(Date.now() / 1000);
  // Read at every use (wallets generated while the Node runs count at once); the key is derived once per key.
  let held: { hex: string; wallet: Wallet } | undefined;
  const signer = (): Wallet | undefined => {
    const hex = consumingKeyHex(value, store);
    if (!hex) return undefined;
    if (held?.hex !== hex) held = { hex, wallet: new Wallet(`0x${parsePrivateKey(hex).toString('hex')}`) };
    return held.wallet;
  };
  const payments = new Payments({
    books,
    nowSec,
    log: log.child('Payer'),
    thresholds: () => parsePaymentThresholds(value('payment-thresholds')),
    chain: bridgePayer(bridge, signer),
  });
  const earning = (): string | undefined => {
    const a = value('earning-wallet') || store.getConfig('earning_wallet_address');
    return a ? checksumAddress(parseAddress(a)) : undefined;
  };
  const scans: Record<ScanName, () => Promise<void>> = {
    pendingpayables: async () => void (await payments.scanPendingPayables()),
    payables: async () => void (await payments.scanPayables()),
    receivables: async () => void (await scanReceivables({
      books, chain: bridge, earningWallet: earning, consumingWallet: () => signer()?.address, nowSec, log: log.child('Receivables'),
    })),
  };
  // A fresh database scans from the block the Node first saw, not from "the latest" at its first scan, so payments
  // arriving before that scan (scans off, or no route yet) are not skipped, as MASQ would skip them.
  if (books.startBlock() === undefined) {
    bridge.blockNumber()
      .then((n) => books.startBlockIfUnset(n))
      .catch((e: unknown) => log.debug(`Start block not set yet: ${describeError(e)}; the first receivable scan sets it`));
  }
  const intervals = value('scan-intervals').split('|').map(Number);
  const scanners = new Scanners(scans, intervals, log.child('Accountant'));
  return {
    startScans: () => {
      if (value('scans') !== 'off') scanners.start();
    },
    scan: (name) => scanners.runNow(name),
    setGasPrice: (gwei) => bridge.setGasPrice(gwei),
    async close() {
      await scanners.stop();
      bridge.close();
    },
  };
}
