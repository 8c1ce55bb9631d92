// The Node's money side put together: the bridge to the chain (blockchain-service-url), the payer and the
// receivable scan over the books, and the three scans on their intervals (started once the Node first has a
// neighbor, unless `scans off`). The wallets are the wallet service's at each scan, so wallets generated while the
// Node runs are used.

import { Erc20Bridge, type TxSigner } from '../blockchain/index.js';
import { type Books, bridgePayer, Payments, type ScanName, Scanners, scanReceivables } from '../accountant/index.js';
import type { NodeConfig } from '../config/index.js';
import { type Clock, describeError, type Logger, unixSeconds } from '../system/index.js';
import { addressOf, checksumAddress, type Wallets } from '../wallet/index.js';

export interface AccountantSettings {
  config: NodeConfig;
  books: Books;
  wallets: Wallets;
  clock: Clock;
  log: Logger;
}

export interface NodeAccountant {
  /** Starts the automatic scans (idempotent); a no-op with `scans off`. */
  startScans(): void;
  scan(name: ScanName): Promise<void>;
  setGasPrice(gwei: number): void;
  close(): Promise<void>;
}

export function startAccountant(s: AccountantSettings): NodeAccountant {
  const { config: c, books, wallets, log } = s;
  const bridge = new Erc20Bridge({
    url: c.blockchainServiceUrl ?? '',
    chain: c.chain.name,
    ...(c.gasPrice.configured ? { gasPriceGwei: c.gasPrice.gwei } : {}),
  });
  const nowSec = (): number => unixSeconds(s.clock);
  // The signer is made once per consuming key; ethers, which signs, is loaded at its first signature.
  let held: { key: Buffer; signer: TxSigner } | undefined;
  const signer = (): TxSigner | undefined => {
    const key = wallets.consumingKey();
    if (!key) return undefined;
    if (!held?.key.equals(key)) held = { key, signer: lazySigner(key) };
    return held.signer;
  };
  const payments = new Payments({
    books,
    nowSec,
    log: log.child('Payer'),
    thresholds: () => c.paymentThresholds,
    chain: bridgePayer(bridge, signer),
  });
  const earning = (): string | undefined => {
    const a = wallets.earningAddress();
    return a ? checksumAddress(a) : undefined;
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
  const scanners = new Scanners(scans, c.scanIntervalsSec, log.child('Accountant'));
  return {
    startScans: () => {
      if (c.scans) scanners.start();
    },
    scan: (name) => scanners.runNow(name),
    setGasPrice: (gwei) => bridge.setGasPrice(gwei),
    async close() {
      await scanners.stop();
      bridge.close();
    },
  };
}

function lazySigner(key: Buffer): TxSigner {
  let wallet: Promise<{ signTransaction: TxSigner['signTransaction'] }> | undefined;
  return {
    address: checksumAddress(addressOf(key)),
    async signTransaction(tx) {
      wallet ??= import('ethers').then(({ Wallet }) => new Wallet(`0x${key.toString('hex')}`));
      return (await wallet).signTransaction(tx);
    },
  };
}
