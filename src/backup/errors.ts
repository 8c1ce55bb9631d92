// The one error of backups: what is wrong with a backup file or its restore, and what the user can do about it.
// `problem` lets the UI edge (ui/error-edge.ts) tell a wrong password and another chain from a bad file.

import { MasqError } from '../system/index.js';

export type BackupProblem =
  | 'not-a-backup'
  | 'backup-too-large'
  | 'backup-newer'
  | 'backup-damaged'
  | 'backup-password'
  | 'backup-weak-password'
  | 'backup-chain';

const FIX: Record<BackupProblem, string> = {
  'not-a-backup': 'Choose the file that masq backup or the setup page saved.',
  'backup-too-large': 'Choose the file that masq backup or the setup page saved.',
  'backup-newer': 'Upgrade masq-pi on this machine, then restore again.',
  'backup-damaged': 'Use an unchanged copy of the file (a copy sent by e-mail or pasted must keep every line).',
  'backup-password': 'Give the password chosen when the backup was made; if it is right, use an unchanged copy of the file.',
  'backup-weak-password': 'Choose another backup password.',
  'backup-chain': 'Set the backup\'s chain in the setup, start the Node, and restore again.',
};

export class BackupError extends MasqError {
  constructor(readonly problem: BackupProblem, message: string) {
    super('BACKUP', message, FIX[problem]);
    this.name = 'BackupError';
  }
}
