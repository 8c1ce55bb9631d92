// Wallet failures name what was wrong, so each program's edge (the UI handler, the CLI) answers in its own terms.

import { MasqError } from '../system/index.js';

/** What a wallet input got wrong. */
export type WalletProblem = 'language' | 'word-count' | 'phrase' | 'path' | 'key' | 'missing';

export class WalletError extends MasqError {
  constructor(
    readonly problem: WalletProblem,
    message: string,
    fix: string,
  ) {
    super('WALLET', message, fix);
  }
}
