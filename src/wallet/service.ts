// The Node's one owner of its wallets at run time: the consuming wallet (pays for this Node's routes and its
// debts) and the earning wallet (where others pay it). Each comes from its parameter, else from what
// masq generate-wallets / recover-wallets stored; reload() re-reads the store after those commands, so the payer
// and the accountant, which ask here at each use, take up a new wallet without a restart.

import { EventEmitter } from 'node:events';
import { storeRowOf } from '../config/index.js';
import type { ConfigRow, SecretRow } from '../store/index.js';
import { addressOf, parseAddress, parsePrivateKey } from './keys.js';

/** The store's sealed row of the consuming wallet's key (MASQ's name). */
export const CONSUMING_KEY_SECRET: SecretRow = 'consuming_wallet_private_key';
/** The store's config row of the earning wallet's address (MASQ's name). */
export const EARNING_WALLET_ROW = storeRowOf('earning-wallet');

/** What the service reads of the store. */
export interface WalletRows {
  getSecret(name: SecretRow): string | undefined;
  getConfig(name: ConfigRow): string | undefined;
}

export interface WalletParams {
  /** consuming-private-key, when given: it wins over the stored key. */
  consumingPrivateKey?: string | undefined;
  /** earning-wallet, when given: it wins over the stored address. */
  earningWallet?: string | undefined;
}

interface Held {
  consumingKey: Buffer | undefined;
  consumingAddress: Buffer | undefined;
  earningAddress: Buffer | undefined;
}

export class Wallets extends EventEmitter<{ changed: [] }> {
  private held: Held;

  constructor(private readonly params: WalletParams, private readonly rows: WalletRows) {
    super();
    this.held = this.read();
  }

  /** The 32-byte key of the consuming wallet, if this Node has one now. */
  consumingKey(): Buffer | undefined {
    return this.held.consumingKey;
  }

  /** The 20-byte address of the consuming wallet. */
  consumingAddress(): Buffer | undefined {
    return this.held.consumingAddress;
  }

  /** The 20-byte address of the earning wallet. */
  earningAddress(): Buffer | undefined {
    return this.held.earningAddress;
  }

  /** Re-reads the store (after the wallets were generated or recovered); emits `changed` when a wallet did. */
  reload(): void {
    const next = this.read();
    const same = (a: Buffer | undefined, b: Buffer | undefined): boolean => (a === undefined ? b === undefined : b !== undefined && a.equals(b));
    const changed = !same(next.consumingKey, this.held.consumingKey) || !same(next.earningAddress, this.held.earningAddress);
    this.held = next;
    if (changed) this.emit('changed');
  }

  private read(): Held {
    const keyHex = this.params.consumingPrivateKey ?? this.rows.getSecret(CONSUMING_KEY_SECRET);
    const consumingKey = keyHex ? parsePrivateKey(keyHex) : undefined;
    const earning = this.params.earningWallet ?? this.rows.getConfig(EARNING_WALLET_ROW);
    return {
      consumingKey,
      consumingAddress: consumingKey ? addressOf(consumingKey) : undefined,
      earningAddress: earning ? parseAddress(earning) : undefined,
    };
  }
}
