// masq backup and masq restore: one encrypted file of the Node's key, wallets, past neighbors and settings (the
// Node's exportBackup and importBackup). Passwords are asked for, the new backup password twice. restore writes into
// the running Node's database and prints the backed-up settings as the masq setup line that gives them to the
// Daemon: the Daemon takes a setup only while the Node is stopped, and the restored key needs a restart anyway.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { BackupError, checkNewPassword, MAX_FILE_CHARS } from '../backup/index.js';
import { MasqError } from '../system/index.js';
import type { Answers } from '../ui/index.js';
import type { Command, CommandIo } from './command.js';
import { ask, positional } from './flags.js';

function secret(io: CommandIo, prompt: string): Promise<string> {
  if (!io.readSecret) throw new MasqError('USAGE', 'This masq cannot ask for passwords here.', 'Run the command in a terminal, or pipe the passwords in, one per line.');
  return io.readSecret(prompt);
}

async function newBackupPassword(io: CommandIo): Promise<string> {
  const first = await secret(io, 'New backup password: ');
  checkNewPassword(first);
  if ((await secret(io, 'The same backup password again: ')) !== first) {
    throw new MasqError('USAGE', 'The two backup passwords differ; nothing was saved.', 'Run masq backup again.');
  }
  return first;
}

function fileError(file: string, e: unknown, doing: string): MasqError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') return new MasqError('USAGE', `${file} exists already; a backup never overwrites a file.`, 'Choose another file name, or move that file away.');
  return new MasqError('USAGE', `Cannot ${doing} ${file} (${code ?? (e as Error).message}).`, 'Check the file name and its directory\'s permissions.');
}

function readBackupFile(file: string): string {
  try {
    // ASCII (and perhaps a BOM), so bytes are characters: a file too large to be a backup is refused unread.
    if (statSync(file).size > MAX_FILE_CHARS + 3) throw new BackupError('backup-too-large', `${file} is too large to be a masq-pi backup file.`);
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof MasqError) throw e;
    throw fileError(file, e, 'read');
  }
}

/** A value as one word for a shell and for interactive masq, quoted when it must be. */
function word(value: string): string {
  if (/^[A-Za-z0-9_./:,@=+-]+$/.test(value)) return value;
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

function restoredText(file: string, r: Answers['importBackup']): string {
  const setup = r.settings.map((s) => `--${s.name} ${word(s.value)}`).join(' ');
  return [
    `Restored ${file} into the Node's database: its node key, wallets and past neighbors.`,
    r.nodeKeyChanged ? 'The restored node key takes effect when the Node next starts.' : 'The Node already runs with the restored node key.',
    'Give the backed-up settings to the Daemon while the Node is stopped, then start it:',
    '  masq shutdown',
    ...(setup ? [`  masq setup ${setup}`] : []),
    '  masq start',
  ].join('\n');
}

export const BACKUP_COMMANDS: readonly Command[] = [
  {
    name: 'backup',
    usage: 'backup <file>',
    help: 'Saves the node key, wallets, past neighbors and settings in one new file, encrypted with a backup password you choose.',
    async run(args, io) {
      const [file] = positional(args, 1, 1) as [string];
      const dbPassword = await secret(io, 'Database password: ');
      const backupPassword = await newBackupPassword(io);
      const r = await ask(io, 'exportBackup', { dbPassword, backupPassword });
      try {
        writeFileSync(file, r.file, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        throw fileError(file, e, 'write');
      }
      io.out(`Backup saved in ${file}. Restoring it needs this file and its password: keep both, apart.`);
      return 0;
    },
  },
  {
    name: 'restore',
    usage: 'restore <file>',
    help: 'Restores a backup into the running Node\'s database and shows the masq setup line of its settings.',
    async run(args, io) {
      const [file] = positional(args, 1, 1) as [string];
      const text = readBackupFile(file);
      const dbPassword = await secret(io, 'Database password of this Node: ');
      const backupPassword = await secret(io, 'Backup password: ');
      io.out(restoredText(file, await ask(io, 'importBackup', { dbPassword, backupPassword, file: text })));
      return 0;
    },
  },
];
