import { MasqError } from '../system/index.js';

/** A parameter's value is not valid; the message names the parameter and says what is expected. */
export class ParamProblem extends MasqError {
  constructor(reason: string) {
    super('CONFIG_INVALID', reason);
    this.name = 'ParamProblem';
  }
}
