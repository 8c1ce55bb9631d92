// cloud-init's runcmd as Imager writes it: a few known commands carry settings (the wireless country, the keyboard,
// passwordless sudo, ssh on). They are recognised, never run: this box runs no command from the card.

export interface RuncmdFacts {
  country?: string;
  keyboardLayout?: string;
  passwordlessSudo: string[];
  notes: string[];
}

const MAX_ENTRY = 2048;

/** The patterns, over one entry written as a line (a list entry's words joined by spaces). */
// Imager's QML wrote \s in a JavaScript string, which JavaScript reads as s: the backslashes are optional.
const COUNTRY = /^sed -i 's\/\^\\?s\*REGDOMAIN=\\?S\*\/REGDOMAIN=([A-Za-z]{2})\/' \/etc\/default\/crda \|\| true$/;
const KEYMAP = /^localectl set-x11-keymap "([A-Za-z0-9_,()-]{1,32})" pc105$/;
const SUDOERS = /^sh -c echo '([a-z_][a-z0-9_-]{0,31}) ALL=\(ALL\) NOPASSWD:ALL' >\/etc\/sudoers\.d\/010_\1-nopasswd$/;
/** Imager's own boilerplate around those settings: nothing to apply here. */
const KNOWN = [
  /^systemctl enable (?:--now )?ssh$/,
  /^chmod 0440 \/etc\/sudoers\.d\/010_[a-z0-9_-]+-nopasswd$/,
  /^setupcon -k --force \|\| true$/,
  /^rfkill unblock wifi$/,
  /^sh -c for f in \/var\/lib\/systemd\/rfkill\/\*:wlan; do echo 0 > "\$f"; done$/,
];
const CONNECT = /rpi-connect|com\.raspberrypi\.connect|loginctl enable-linger|\/var\/lib\/systemd\/linger|^sleep 2$/;

function entryLine(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry.trim();
  if (Array.isArray(entry) && entry.every((w) => typeof w === 'string' || typeof w === 'number')) return entry.join(' ').trim();
  return undefined;
}

export function readRuncmd(entries: unknown): RuncmdFacts {
  const facts: RuncmdFacts = { passwordlessSudo: [], notes: [] };
  if (!Array.isArray(entries)) {
    facts.notes.push('user-data: runcmd is not a list; nothing in it is run');
    return facts;
  }
  let unknown = 0;
  let connect = false;
  for (const entry of entries) {
    const line = entryLine(entry);
    if (line === undefined || line.length > MAX_ENTRY) {
      unknown += 1;
      continue;
    }
    const country = COUNTRY.exec(line)?.[1];
    const keymap = KEYMAP.exec(line)?.[1];
    const sudo = SUDOERS.exec(line)?.[1];
    if (country) facts.country ??= country.toUpperCase();
    else if (keymap) facts.keyboardLayout ??= keymap;
    else if (sudo) facts.passwordlessSudo.push(sudo);
    else if (CONNECT.test(line)) connect = true;
    else if (!KNOWN.some((k) => k.test(line))) unknown += 1;
  }
  if (connect) facts.notes.push('user-data: Raspberry Pi Connect is not on this image: its token is not used');
  if (unknown > 0) facts.notes.push(`user-data: ${unknown} runcmd entr${unknown === 1 ? 'y was' : 'ies were'} not run: this box runs no command from the card`);
  return facts;
}
