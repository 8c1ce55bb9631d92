// What masq-wifi remembers across restarts, in its StateDirectory (0700): the country the owner chose and the
// hotspot's passphrase. One JSON file, root's alone (0600), written whole and renamed into place.

import { readFileSync, statSync } from 'node:fs';
import { writePrivate } from './files.js';
import { join } from 'node:path';
import { MasqError } from '../system/index.js';
import { usablePassphrase } from './hotspot-code.js';

export interface WifiState {
  /** Two letters, or '' while unset. */
  country: string;
  /** The hotspot's passphrase (the setup code it was first given), once known. */
  hotspotCode?: string;
  /** The network last joined from the page (saved in wpa_supplicant's file), which the idle hotspot looks for. */
  savedSsid?: string;
}

export const STATE_FILE = 'state.json';
const MAX_STATE_BYTES = 4096;

const tooLarge = (): never => {
  throw new MasqError('WIFI', `masq-wifi's ${STATE_FILE} is larger than ${MAX_STATE_BYTES} bytes.`, 'Remove it; the country is asked for again at the next join.');
};

/** The state from the file's text; fields that break their rules are dropped (the box then asks or fetches again). */
export function parseState(text: string): WifiState {
  if (text.length > MAX_STATE_BYTES) tooLarge();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MasqError('WIFI', `masq-wifi's ${STATE_FILE} is not JSON.`, 'Remove it; the country is asked for again at the next join.');
  }
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const state: WifiState = { country: typeof o.country === 'string' && /^[A-Z]{2}$/.test(o.country) ? o.country : '' };
  if (typeof o.hotspotCode === 'string' && usablePassphrase(o.hotspotCode)) state.hotspotCode = o.hotspotCode;
  if (typeof o.savedSsid === 'string' && o.savedSsid !== '' && Buffer.byteLength(o.savedSsid) <= 32) state.savedSsid = o.savedSsid;
  return state;
}

export function loadState(dir: string): WifiState {
  const path = join(dir, STATE_FILE);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { country: '' };
    throw e;
  }
  if (size > MAX_STATE_BYTES) tooLarge();
  return parseState(readFileSync(path, 'utf8'));
}

export function saveState(dir: string, state: WifiState): void {
  const path = join(dir, STATE_FILE);
  writePrivate(path, `${JSON.stringify(state)}\n`);
}
