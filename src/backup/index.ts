// Backups of a Node: one text file of its node key, wallets, past neighbors and settings, sealed with a password
// the user chooses (scrypt, then ChaCha20-Poly1305). Pure of I/O: the Node's handlers read and write the store.

export { BackupError, type BackupProblem } from './errors.js';
export { readBackup, writeBackup } from './file.js';
export { type BackupKdf, checkNewPassword, DEFAULT_BACKUP_KDF, FIRST_LINE, MAX_FILE_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from './format.js';
export { type BackupContents, type BackupWallets, MAX_PAST_NEIGHBORS } from './payload.js';
export { BACKUP_SCOPE, type BackupSetting, backupSettings } from './settings.js';
