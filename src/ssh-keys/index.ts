// ssh logins from the setup page: the authorized_keys line parser, the login name's rules, the wanted access the
// Daemon keeps, the applier's status and the files it writes. Pure of I/O: the Daemon and the applier read and write.

export { ACCOUNT_GECOS, type AccountFacts, checkLoginName, DEFAULT_LOGIN, idsByName, loginIsOurs, madeLine, parseMade } from './accounts.js';
export { KEY_TYPES, keyLines, MAX_COMMENT_CHARS, MAX_KEY_LINE_BYTES, MIN_RSA_BITS, parseAuthorizedKey, refuseNonOpenSshText, type SshKey } from './authorized-key.js';
export { SshAccessError, type SshProblem } from './errors.js';
export { BLOCK_BEGIN, BLOCK_END, isOurSudoers, MAX_AUTHORIZED_KEYS_BYTES, sudoersName, sudoersText, withOurKeys } from './files.js';
export { ACCESS_FILE, ACCESS_REQUEST_FILE, type AccessRecord, accessRecordText, MAX_ACCESS_FILE_BYTES, MAX_KEYS, parseAccessRecord } from './record.js';
export { APPLIER_DIRECTORY, type ApplyStatus, applyStatusText, MADE_FILE, parseApplyStatus, STATUS_FILE } from './status.js';
