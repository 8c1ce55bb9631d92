// The WPA pre-shared key as IEEE 802.11i defines it: PBKDF2-HMAC-SHA1 of the passphrase, salted with the SSID,
// 4096 rounds, 32 bytes. Files on disk hold this key, never the passphrase the owner typed.

import { pbkdf2Sync } from 'node:crypto';

/** The 64-hex-digit PSK of a passphrase (8–63 characters) for a network name (its octets). */
export function wpaPsk(passphrase: string, ssid: Buffer): string {
  return pbkdf2Sync(Buffer.from(passphrase, 'utf8'), ssid, 4096, 32, 'sha1').toString('hex');
}

/** The key a password stands for: 64 hex digits are the PSK itself, anything else a passphrase. */
export function pskOf(password: string, ssid: Buffer): string {
  return /^[0-9A-Fa-f]{64}$/.test(password) ? password.toLowerCase() : wpaPsk(password, ssid);
}
