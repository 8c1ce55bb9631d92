// The hotspot's WPA2 passphrase: the box's setup code as the owner reads it (XXXX-XXXX, on the card's boot partition
// and its label), so the owner needs nothing else to join. It is taken once from `masq setup-code` and remembered:
// after the claim the code is spent, yet the owner must still reach the page when the box later loses its network.

import { randomInt } from 'node:crypto';
import { WifiError } from './errors.js';

/** The setup code's alphabet (src/daemon/setup-code.ts owns the fact: 32 letters without I, O, 0 and 1). */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const MAX_OUTPUT = 4096;

export type SetupCodeAnswer = { code: string } | { claimed: true };

/** What `masq setup-code` printed: "Setup code: XXXX-XXXX", or that the box is claimed (then no code is shown). */
export function parseSetupCodeOutput(text: string): SetupCodeAnswer {
  const t = text.slice(0, MAX_OUTPUT);
  const m = /^Setup code: ([A-Z2-9]{4}(?:-[A-Z2-9]{1,4}){1,15})$/m.exec(t);
  if (m) return { code: m[1] as string };
  if (/^This box is already claimed/m.test(t)) return { claimed: true };
  throw new WifiError('internal', 'masq setup-code printed neither a setup code nor that the box is claimed.', 'Check that masq-daemon is running (systemctl status masq-daemon).');
}

/** A new code of the setup code's form, for a box claimed before masq-wifi first needed one. */
export function newHotspotCode(pick: (n: number) => number = randomInt): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[pick(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Whether WPA2 takes it as a passphrase: 8 to 63 printable ASCII characters. */
export function usablePassphrase(code: string): boolean {
  return /^[\x20-\x7e]{8,63}$/.test(code);
}
