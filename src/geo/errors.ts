// The one error of the IP-to-country table: a source CSV that does not parse (at build time, naming its line) or a
// table file that is missing or damaged (at run time).

import { MasqError } from '../system/index.js';

/** What to do about a source CSV that does not parse: at build time, it is npm's copy that is wrong. */
export const SOURCE_FIX = 'Check that the npm package the table is built from is the one package-lock.json names, and reinstall it (npm install).';

/** What to do about a table file that is missing or damaged: it came with the package, or from the build. */
export const FILE_FIX = 'Reinstall the package (apt install --reinstall masq), or run make build in a checkout.';

export class GeoError extends MasqError {
  constructor(
    message: string,
    fix: string,
    /** The source CSV's line (from 1), for an error in one. */
    readonly line?: number,
  ) {
    super('GEO', message, fix);
    this.name = 'GeoError';
  }
}
