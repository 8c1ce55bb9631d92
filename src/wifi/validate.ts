// The page's join request checked field by field before anything reaches a file or a program: a network name of
// 1–32 bytes, a password of 8–63 printable ASCII characters or 64 hex digits, a two-letter country.

import type { JoinRequest } from './api.js';
import { WifiError } from './errors.js';

const bad = (message: string, fix: string): never => {
  throw new WifiError('bad-request', message, fix);
};

/** ISO 3166-1 alpha-2, as the regulatory database names countries; upper case. */
export function checkCountry(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z]{2}$/.test(v)) return bad('The country must be a two-letter code such as GB or US.', 'Choose the country the box is in.');
  return v.toUpperCase();
}

export function checkSsid(v: unknown): string {
  if (typeof v !== 'string') return bad('The network name is missing.', 'Choose a network or type its name.');
  const bytes = Buffer.byteLength(v, 'utf8');
  if (bytes < 1 || bytes > 32) return bad(`A network name has 1 to 32 bytes; this one has ${bytes}.`, 'Check the name.');
  return v;
}

export function checkPassword(v: unknown): string {
  if (typeof v !== 'string') return bad('The password is not text.', 'Type the password again.');
  if (/^[0-9A-Fa-f]{64}$/.test(v)) return v;
  if (!/^[\x20-\x7e]*$/.test(v)) return bad('A Wi-Fi password holds only printable ASCII characters (no accents or symbols beyond the keyboard\'s).', 'Type the password again.');
  if (v.length < 8 || v.length > 63) return bad(`A Wi-Fi password has 8 to 63 characters; this one has ${v.length}.`, 'Type the password again.');
  return v;
}

const FIELDS = new Set(['ssid', 'password', 'hidden', 'country']);

export function parseJoinRequest(json: unknown): JoinRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('The request is not a JSON object.', 'Send { ssid, password?, hidden?, country }.');
  const o = json as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => !FIELDS.has(k));
  if (extra !== undefined) bad(`The request has an unknown field '${extra.slice(0, 20)}'.`, 'Send only ssid, password, hidden and country.');
  if (o.hidden !== undefined && typeof o.hidden !== 'boolean') bad('hidden must be true or false.', 'Send hidden: true for a network that does not show its name.');
  const req: JoinRequest = { ssid: checkSsid(o.ssid), country: checkCountry(o.country) };
  if (o.password !== undefined && o.password !== '') req.password = checkPassword(o.password);
  if (o.hidden === true) req.hidden = true;
  return req;
}
