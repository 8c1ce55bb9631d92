// The one error the Imager parsers throw: which file, what kind of problem, and what the owner can do about it.

import { MasqError } from '../system/index.js';
import type { ImagerFile } from './settings.js';

export type ImagerProblem = 'TOO_LARGE' | 'MALFORMED' | 'PLAIN_PASSWORD' | 'INVALID_VALUE';

/** The largest settings file read; anything Imager writes is a few KiB. */
export const MAX_INPUT_BYTES = 64 * 1024;

export class ImagerError extends MasqError {
  constructor(
    readonly problem: ImagerProblem,
    readonly file: ImagerFile | 'cmdline.txt',
    message: string,
    fix: string,
  ) {
    super('IMAGER', `${file}: ${message}`, fix);
  }
}

/** Refuses input over the limit before any parsing. */
export function checkSize(file: ImagerFile | 'cmdline.txt', text: string, limit = MAX_INPUT_BYTES): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limit) {
    throw new ImagerError('TOO_LARGE', file, `${bytes} bytes is more than the ${limit} this box reads.`,
      'Write it again with Raspberry Pi Imager, or keep only the settings it needs.');
  }
}

export function invalid(file: ImagerFile, message: string, fix: string): ImagerError {
  return new ImagerError('INVALID_VALUE', file, message, fix);
}

export function malformed(file: ImagerFile, message: string, fix: string): ImagerError {
  return new ImagerError('MALFORMED', file, message, fix);
}
