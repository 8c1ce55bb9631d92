// Composition root of masq-ssh-access: the root oneshot of masq-ssh-access.service, which a path unit starts when the
// Daemon's ssh-access.json changes. It reads the wanted access (checked again by the same rules as the Daemon's),
// applies it, and leaves its status in its state directory for the Daemon to show.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AccessRecord, APPLIER_DIRECTORY, applyStatusText, MAX_ACCESS_FILE_BYTES, parseAccessRecord, STATUS_FILE,
} from '../ssh-keys/index.js';
import { createLogCore, createLogger, describeError, MasqError } from '../system/index.js';
import { Applier, SYSTEM_PLACES } from './apply.js';
import { REAL_HOST } from './host.js';

export const USAGE = 'masq-ssh-access <the Daemon\'s ssh-access.json>';

function readWanted(path: string): { serial: number; record?: AccessRecord; problem?: unknown } {
  let serial = 0;
  try {
    if (statSync(path).size > MAX_ACCESS_FILE_BYTES) throw new MasqError('SSH_ACCESS', `${path} is larger than ${MAX_ACCESS_FILE_BYTES} bytes.`);
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    // The serial, even of a file that breaks the rules, so that the Daemon shows this failure for its change.
    const s = (json as { serial?: unknown } | null)?.serial;
    if (typeof s === 'number' && Number.isSafeInteger(s)) serial = s;
    return { serial, record: parseAccessRecord(json) };
  } catch (e) {
    return { serial, problem: e };
  }
}

export async function runSshAccess(argv: readonly string[]): Promise<number> {
  const log = createLogger(createLogCore('info'), 'ssh-access');
  const [file] = argv;
  if (argv.length !== 1 || file === undefined || file.startsWith('-')) {
    process.stderr.write(`Usage: ${USAGE}\n`);
    return 2;
  }
  const state = process.env.STATE_DIRECTORY?.split(':')[0] || APPLIER_DIRECTORY;
  const wanted = readWanted(file);
  let ok = false;
  let message: string;
  if (wanted.record) {
    try {
      message = await new Applier(REAL_HOST, { state, ...SYSTEM_PLACES }).apply(wanted.record);
      ok = true;
    } catch (e) {
      message = `The ssh access could not be applied: ${describeError(e)}`;
    }
  } else {
    message = `The ssh access file ${file} cannot be used: ${describeError(wanted.problem)}`;
  }
  if (ok) log.info(message);
  else log.error(message);
  REAL_HOST.writeFile(join(state, STATUS_FILE), applyStatusText({ serial: wanted.serial, ok, message, at: Date.now() }), { mode: 0o644 });
  return ok ? 0 : 1;
}
