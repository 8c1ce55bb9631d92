// Where MasqError meets MASQ's numeric UI error codes: the one table of which UI error a failed request answers
// with. Handlers throw MasqErrors that say what went wrong; only here does that become a code on the wire.

import { describeError, type ErrorCode, MasqError } from '../system/index.js';
import type { Opcode } from './catalogue.js';
import type { UiError } from './envelope.js';
import { UI_ERRORS } from './error-codes.js';

/**
 * By what went wrong, finest first: a MasqError's `problem` (WalletError, FinancialsRequestError, BackupError), then its code.
 * Keys are the problems' names, so this floor needs neither the wallet's nor the accountant's types.
 */
export const UI_ERROR_BY_PROBLEM = {
  // WalletError.problem
  language: UI_ERRORS.UNRECOGNIZED_MNEMONIC_LANGUAGE_ERROR,
  'word-count': UI_ERRORS.ILLEGAL_MNEMONIC_WORD_COUNT_ERROR,
  phrase: UI_ERRORS.MNEMONIC_PHRASE_ERROR,
  path: UI_ERRORS.DERIVATION_PATH_ERROR,
  key: UI_ERRORS.KEY_PAIR_CONSTRUCTION_ERROR,
  missing: UI_ERRORS.MISSING_DATA,
  // FinancialsRequestError.problem
  'no-values': UI_ERRORS.REQUEST_WITH_NO_VALUES,
  'mutually-exclusive': UI_ERRORS.REQUEST_WITH_MUTUALLY_EXCLUSIVE_PARAMS,
  'exceeds-limit': UI_ERRORS.VALUE_EXCEEDS_ALLOWED_LIMIT,
  // BackupError.problem: a wrong backup password and a backup of another chain; any other is a file that does not parse.
  'backup-password': UI_ERRORS.CONFIGURATOR_READ_ERROR,
  'backup-chain': UI_ERRORS.CONFIGURATOR_WRITE_ERROR,
  // SshAccessError.problem: ssh access off in the setup (a UI tells it from a refused key or name, which are unparsable values).
  'access-off': UI_ERRORS.SETUP_ERROR,
} as const satisfies Record<string, bigint>;

export const UI_ERROR_BY_CODE: Readonly<Partial<Record<ErrorCode, bigint>>> = {
  UI_PROTOCOL: UI_ERRORS.UNMARSHAL_ERROR,
  BACKUP: UI_ERRORS.NON_PARSABLE_VALUE,
  SSH_ACCESS: UI_ERRORS.NON_PARSABLE_VALUE,
};

/** Whatever fails while answering these opcodes is answered with their own error, as MASQ does. */
export const UI_ERROR_BY_OPCODE: Readonly<Partial<Record<Opcode, bigint>>> = {
  changePassword: UI_ERRORS.CONFIGURATOR_WRITE_ERROR,
  scan: UI_ERRORS.SCAN_ERROR,
};

function problemOf(e: MasqError): keyof typeof UI_ERROR_BY_PROBLEM | undefined {
  const problem = (e as { problem?: unknown }).problem;
  return typeof problem === 'string' && Object.hasOwn(UI_ERROR_BY_PROBLEM, problem) ? (problem as keyof typeof UI_ERROR_BY_PROBLEM) : undefined;
}

/**
 * The error answer for a request that failed with `e`, or undefined when nothing says what it means to a UI (a
 * bug: the server answers it as an internal error and logs it).
 */
export function uiErrorFor(opcode: string, e: unknown): UiError | undefined {
  let code: bigint | undefined;
  if (e instanceof MasqError) {
    const problem = problemOf(e);
    code = problem !== undefined ? UI_ERROR_BY_PROBLEM[problem] : UI_ERROR_BY_CODE[e.code];
  }
  code ??= (UI_ERROR_BY_OPCODE as Record<string, bigint | undefined>)[opcode];
  return code === undefined ? undefined : { code, message: describeError(e) };
}
