// Wallet failures carry the MASQ UI error they answer with, so the UI handler maps them without guessing.

import { MasqError } from '../system/errors.js';
import type { UiErrorName } from '../ui/error-codes.js';

export class WalletError extends MasqError {
  constructor(
    readonly uiError: UiErrorName,
    message: string,
    fix: string,
  ) {
    super('WALLET', message, fix);
  }
}
