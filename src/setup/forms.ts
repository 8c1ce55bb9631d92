// The shape of every request body the page accepts, checked before a handler sees it (fastify's JSON schema
// validation, after its body-size limit). Strings are bounded; nothing else is allowed in. What a schema cannot say
// (an SSID's length in bytes, a Wi-Fi password's two forms) is joinProblem's, which the page runs too.

import type { RouteName } from './api.js';

const str = (maxLength: number, minLength = 0) => ({ type: 'string', minLength, maxLength }) as const;
const PASSWORD = str(1024, 1);
const object = (properties: Record<string, unknown>, required: readonly string[]) => ({ type: 'object', additionalProperties: false, properties, required }) as const;
/** More countries than exist: the exit-location form's groups, and the countries in all of them. */
export const MAX_FORM_COUNTRIES = 300;

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
  // The codes themselves are checked by exitLocationForm, whose words say which one is wrong.
  setExitLocation: object({
    groups: { type: 'array', maxItems: MAX_FORM_COUNTRIES, items: { type: 'array', maxItems: MAX_FORM_COUNTRIES, items: str(8) } },
    fallback: { type: 'boolean' },
  }, ['groups', 'fallback']),
  changePassword: object({ oldPassword: PASSWORD, newPassword: PASSWORD }, ['oldPassword', 'newPassword']),
  backup: object({ dbPassword: PASSWORD, backupPassword: PASSWORD }, ['dbPassword', 'backupPassword']),
  restore: object({ dbPassword: PASSWORD, backupPassword: PASSWORD, file: str(200_000, 1) }, ['dbPassword', 'backupPassword', 'file']),
  sshAddKey: object({ key: str(60_000, 1) }, ['key']),
  sshRemoveKey: object({ fingerprint: str(100, 1) }, ['fingerprint']),
  sshUser: object({ user: str(64, 1) }, ['user']),
  // Characters bound the SSID here; joinProblem counts its bytes.
  wifiJoin: object({ ssid: str(32, 1), password: str(64), hidden: { type: 'boolean' }, country: { type: 'string', pattern: '^[A-Z]{2}$' } }, ['ssid', 'country']),
};

/** 802.11 limits an SSID to 32 bytes; WPA's passphrase is 8 to 63 characters, or the key itself as 64 hex digits. */
export const SSID_MAX_BYTES = 32;
export const WIFI_PASSWORD = { min: 8, max: 63, hexKey: 64 } as const;

export interface FieldProblem { field: 'ssid' | 'password' | 'country'; message: string; fix: string }

/** What is wrong with a Wi-Fi join form, for the field it is about; undefined when nothing is. */
export function joinProblem(form: { ssid: string; password?: string; country: string }): FieldProblem | undefined {
  const bytes = new TextEncoder().encode(form.ssid).length;
  if (bytes === 0) return { field: 'ssid', message: 'Give the network\'s name.', fix: 'Choose a network from the list, or type its name exactly.' };
  if (bytes > SSID_MAX_BYTES) {
    return { field: 'ssid', message: `A network name has at most ${SSID_MAX_BYTES} bytes; this one has ${bytes}.`, fix: 'Check the name: an emoji or an accented letter takes several bytes.' };
  }
  const pw = form.password ?? '';
  const chars = [...pw].length;
  const hexKey = pw.length === WIFI_PASSWORD.hexKey && /^[0-9a-fA-F]+$/.test(pw);
  if (pw !== '' && !hexKey && (chars < WIFI_PASSWORD.min || chars > WIFI_PASSWORD.max)) {
    return {
      field: 'password', message: `A Wi-Fi password has ${WIFI_PASSWORD.min} to ${WIFI_PASSWORD.max} characters (or is ${WIFI_PASSWORD.hexKey} hexadecimal digits); this one has ${chars}.`,
      fix: 'Check the password: it is often on a sticker on the router.',
    };
  }
  if (!/^[A-Z]{2}$/.test(form.country)) return { field: 'country', message: 'Choose the country the box is in.', fix: 'The radio may use only the channels allowed there.' };
  return undefined;
}
