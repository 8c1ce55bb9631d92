// The state record on disk: root's alone (0600 in a 0700 folder), written before a change and removed after a
// successful revert.

import { MasqError } from '../system/index.js';
import { makeDir, readBounded, removeFile, writeAtomically } from './files.js';
import { decodeState, encodeState, type StateRecord } from './state-record.js';

export interface StatePaths {
  stateDir: string;
  state: string;
}

export function readState(p: StatePaths): StateRecord | undefined {
  const bytes = readBounded(p.state);
  return bytes === undefined ? undefined : decodeState(bytes.toString('utf8'));
}

export function writeState(p: StatePaths, s: StateRecord): void {
  makeDir(p.stateDir, 0o700);
  writeAtomically(p.state, encodeState(s), 0o600);
}

export function removeState(p: StatePaths): void {
  removeFile(p.state);
}

/** Runs `change` with `s` kept on disk first; if the change fails, the record goes too (nothing was changed). */
export async function withState(p: StatePaths, s: StateRecord, change: () => void | Promise<void>): Promise<void> {
  writeState(p, s);
  try {
    await change();
  } catch (e) {
    try {
      removeState(p);
    } catch (also) {
      throw new MasqError('DNS', `${e instanceof Error ? e.message : String(e)} Removing the state record failed too: ${also instanceof Error ? also.message : String(also)}`);
    }
    throw e;
  }
}
