// The shape of every request body the page accepts, checked before a handler sees it (fastify's JSON schema
// validation, after its body-size limit). Strings are bounded; nothing else is allowed in.

import type { RouteName } from './api.js';

const str = (maxLength: number, minLength = 0) => ({ type: 'string', minLength, maxLength }) as const;
const PASSWORD = str(1024, 1);
const object = (properties: Record<string, unknown>, required: readonly string[]) => ({ type: 'object', additionalProperties: false, properties, required }) as const;

export const FORMS: Partial<Record<RouteName, unknown>> = {
  claimCode: object({ code: str(64, 1) }, ['code']),
  claimPassword: object({ password: PASSWORD }, ['password']),
  login: object({ password: PASSWORD }, ['password']),
  logout: object({}, []),
  putSetup: object({
    values: { type: 'array', maxItems: 64, items: object({ name: str(64, 1), value: str(8192) }, ['name', 'value']) },
  }, ['values']),
  testChain: object({ chain: str(64, 1), url: str(2048, 1) }, ['chain', 'url']),
  generateWallets: object({ dbPassword: PASSWORD, wordCount: { type: 'integer', enum: [12, 15, 18, 21, 24] }, passphrase: str(1024) }, ['dbPassword', 'wordCount']),
  confirmWords: object({ words: { type: 'array', maxItems: 24, items: str(32) } }, ['words']),
  recoverWallets: object({ dbPassword: PASSWORD, mnemonic: str(1024), passphrase: str(1024), earningAddress: str(64) }, ['dbPassword']),
  start: object({}, []),
  stop: object({}, []),
  restart: object({}, []),
  unlock: object({ dbPassword: PASSWORD }, ['dbPassword']),
  setConfiguration: object({ name: str(64, 1), value: str(1024) }, ['name', 'value']),
  changePassword: object({ oldPassword: PASSWORD, newPassword: PASSWORD }, ['oldPassword', 'newPassword']),
  backup: object({ dbPassword: PASSWORD, backupPassword: PASSWORD }, ['dbPassword', 'backupPassword']),
  restore: object({ dbPassword: PASSWORD, backupPassword: PASSWORD, file: str(200_000, 1) }, ['dbPassword', 'backupPassword', 'file']),
  sshAddKey: object({ key: str(60_000, 1) }, ['key']),
  sshRemoveKey: object({ fingerprint: str(100, 1) }, ['fingerprint']),
  sshUser: object({ user: str(64, 1) }, ['user']),
};
