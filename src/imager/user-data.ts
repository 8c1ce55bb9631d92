// cloud-init's user-data as Raspberry Pi Imager writes it (1.7 to 2.0.x): hostname, users, ssh, time zone, keyboard,
// and the few runcmd lines that carry a setting. Anything else is ignored with a note; nothing is run.

import { readUsers } from './cloud-users.js';
import { malformed, invalid } from './errors.js';
import { readRuncmd } from './runcmd.js';
import { emptySettings, type ImagerSettings } from './settings.js';
import * as check from './validate.js';
import { isMap, loadYamlMap, type YamlMap } from './yaml-input.js';

const FILE = 'user-data';

/** Keys Imager writes that have nothing to do on this image, with the reason given in the note. */
const NOT_APPLIED: Record<string, string> = {
  packages: 'no packages are installed (avahi-daemon is on the image already)',
  package_update: 'no packages are installed at first boot',
  package_upgrade: 'no packages are installed at first boot',
  apt: 'apt settings are the image\'s own',
  rpi: 'the Pi\'s I2C, SPI, 1-Wire, serial and USB-gadget interfaces are not configured by this image',
  write_files: 'no files are written from the card',
  chpasswd: 'passwords are set only from a user\'s crypt hash',
  ssh_authorized_keys: 'top-level keys belong to cloud-init\'s default user, which this image has not; list them under the user',
  fqdn: 'the box uses the hostname alone',
};
/** Keys that need nothing done: what they ask is how the image already works. */
const NOTHING_TO_DO = new Set(['manage_etc_hosts', 'preserve_hostname', 'manage_resolv_conf', 'user', 'users', 'runcmd',
  'hostname', 'timezone', 'keyboard', 'ssh_pwauth', 'enable_ssh']);

function sshPasswordAuth(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === 'unchanged') return undefined;
  if (typeof v === 'boolean') return v;
  throw invalid(FILE, 'ssh_pwauth is not true, false or unchanged.', 'Write ssh_pwauth: false for key-only ssh.');
}

function keyboardOf(v: unknown): ImagerSettings['keyboard'] {
  if (!isMap(v)) throw invalid(FILE, 'keyboard is not a mapping.', 'Write keyboard: with layout: below it.');
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  return check.keyboard(FILE, v.layout, { model: str(v.model), variant: str(v.variant), options: str(v.options) });
}

function topLevel(doc: YamlMap, s: ImagerSettings): void {
  if (doc.hostname !== undefined) s.hostname = check.hostname(FILE, doc.hostname);
  if (doc.timezone !== undefined) s.timezone = check.timezone(FILE, doc.timezone);
  if (doc.keyboard !== undefined) s.keyboard = keyboardOf(doc.keyboard);
  s.sshPasswordAuthentication = sshPasswordAuth(doc.ssh_pwauth);
  if (doc.enable_ssh === false) s.notes.push('user-data: ssh stays on: the box is looked after over ssh');
  for (const [k, why] of Object.entries(NOT_APPLIED)) if (doc[k] !== undefined) s.notes.push(`user-data: ${k} is not applied: ${why}`);
  for (const k of Object.keys(doc)) {
    if (!Object.hasOwn(NOT_APPLIED, k) && !NOTHING_TO_DO.has(k)) s.notes.push(`user-data: unknown key ${k.slice(0, 40)} is ignored`);
  }
}

export function parseUserData(source: string): ImagerSettings {
  const head = source.replace(/^\uFEFF/, '').slice(0, 64);
  if (head.startsWith('#!')) throw malformed(FILE, 'it is a script; this box runs no script from the card.', 'Use a #cloud-config file, as Raspberry Pi Imager writes.');
  if (!/^#cloud-config[ \t]*\r?(?:\n|$)/.test(head)) throw malformed(FILE, 'its first line is not #cloud-config.', 'Start the file with the line #cloud-config.');
  const doc = loadYamlMap(FILE, source);
  const s = emptySettings();
  topLevel(doc, s);
  s.users = readUsers(doc, s.notes);
  if (doc.runcmd !== undefined) {
    const facts = readRuncmd(doc.runcmd);
    s.notes.push(...facts.notes);
    if (facts.country) s.wifiCountry = check.country(FILE, facts.country);
    if (facts.keyboardLayout && !s.keyboard) s.keyboard = check.keyboard(FILE, facts.keyboardLayout, { model: 'pc105' });
    for (const name of facts.passwordlessSudo) {
      const u = s.users.find((x) => x.name === name);
      if (u) u.passwordlessSudo = true;
    }
  }
  return s;
}
