// The manager's refusals: a MasqError (code WIFI) that also says which of the API's error codes answers it.

import { MasqError } from '../system/index.js';
import type { WifiErrorCode } from './api.js';

export class WifiError extends MasqError {
  constructor(readonly problem: WifiErrorCode, message: string, fix?: string) {
    super('WIFI', message, fix);
    this.name = 'WifiError';
  }
}
