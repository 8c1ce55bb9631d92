// A configuration error names its parameter: the step that used a parameter says so when it fails, so the
// "Configuration error" lines never guess the parameter from an error code.

import { describeError, type ErrorCode, MasqError } from '../system/index.js';
import type { ParamName } from './params.js';

export class ConfigError extends MasqError {
  constructor(
    /** The parameter whose value failed, or where the failure came from ('command line'). */
    readonly param: ParamName | 'command line',
    /** Why, in a sentence or two. */
    readonly reason: string,
    code: ErrorCode = 'CONFIG_INVALID',
  ) {
    super(code, reason);
    this.name = 'ConfigError';
  }
}

/**
 * Runs a start-up step that uses `param`; its failure becomes a ConfigError naming it. A step using several
 * parameters throws its own ConfigError naming the one at fault, and that one is kept.
 */
export async function forParam<T>(param: ParamName, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(param, describeError(e));
  }
}
