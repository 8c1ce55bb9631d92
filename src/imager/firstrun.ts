// Raspberry Pi Imager's firstrun.sh (1.6 to 2.0.x), read line by line as data and never run: each setting is
// recognised in the imager_custom / userconf calls (1.7.3 on) or in the fallback branch that every version
// writes (echo > /etc/hostname, chpasswd -e, wpa_supplicant.conf, /etc/default/keyboard…). The first value wins.

import { ImagerError, checkSize, malformed } from './errors.js';
import { readKeyLines, readKeyboardFile, readWpaConf } from './firstrun-heredocs.js';
import { emptySettings, IMAGER_DEFAULT_GROUPS, type ImagerSettings, type ImagerWifi, type KeyboardLayout } from './settings.js';
import { shellWords } from './shell-words.js';
import * as check from './validate.js';

const FILE = 'firstrun.sh';
const MAX_LINE = 16 * 1024;
const MAX_HEREDOC_LINES = 256;

interface Facts {
  hostname?: string;
  userName?: string;
  hash?: string;
  keys: string[];
  passwordAuth?: boolean;
  sudo: boolean;
  wifi?: ImagerWifi;
  country?: string;
  keyboard?: KeyboardLayout;
  timezone?: string;
  unknown: number;
  connect: boolean;
}

const IMAGER_CUSTOM = '/usr/lib/raspberrypi-sys-mods/imager_custom';
const USERCONF = '/usr/lib/userconf-pi/userconf';
const HEREDOC = /^cat\s*>\s*("[^"]+"|\S+)\s*<<\s*'?([A-Za-z]+)'?$/;
const INSTALL_KEYS = /^install -o "\$FIRSTUSER" -m 600 <\((?:echo|printf) "(.*)"\) "\$FIRSTUSERHOME\/\.ssh\/authorized_keys"$/;
const CONNECT = /rpi-connect|com\.raspberrypi\.connect|TARGET_USER|TARGET_HOME|SYSTEMD_USER_BASE|UNIT_SRC|linger|^sleep 2$/;
/** Imager's lines around the settings: nothing to read in them. */
const BOILERPLATE = [
  /^#/, /^set \+e$/, /^(?:CURRENT_HOSTNAME|FIRSTUSER|FIRSTUSERHOME)=/, /^if \[.*; then$/, /^else$/, /^fi$/, /^done$/,
  /^sed -i "s\/127\.0\.1\.1\.\*\$CURRENT_HOSTNAME\//, /^install -o "\$FIRSTUSER" -m 700 -d "\$FIRSTUSERHOME\/\.ssh"$/,
  /^chown "\$FIRSTUSER:\$FIRSTUSER" /, /^chmod (?:600|0440) /, /^rfkill unblock wifi$/, /^for filename in \/var\/lib\/systemd\/rfkill\/\*:wlan ; do$/,
  /^echo 0 > \$filename$/, /^rm -f \/etc\/localtime$/, /^dpkg-reconfigure -f noninteractive (?:tzdata|keyboard-configuration)$/,
  /^usermod -m -d "\/home\//, /^groupmod -n "/, /^if grep -q "\^autologin-user=" /, /^sed \/etc\/lightdm\/lightdm\.conf /,
  /^sed \/etc\/systemd\/system\/getty@tty1\.service\.d\/autologin\.conf /, /^sed -i "s\/\^\$FIRSTUSER \//,
  /^rm -f \/etc\/xdg\/autostart\/piwiz\.desktop$/, /^rm -f \/boot(?:\/firmware)?\/firstrun\.sh$/, /^sed -i 's\| systemd\./,
  /^systemctl enable ssh$/, /^exit 0$/,
];

function imagerCustom(args: string[], f: Facts): void {
  const [cmd, ...rest] = args;
  const plain = rest.filter((a) => a !== '-h' && a !== '-k');
  if (cmd === 'set_hostname') f.hostname ??= check.hostname(FILE, plain[0]);
  else if (cmd === 'enable_ssh' && rest.includes('-k')) {
    f.keys.push(...readKeyLines(plain));
    f.passwordAuth ??= false;
  } else if (cmd === 'enable_ssh') f.passwordAuth ??= true;
  else if (cmd === 'set_wlan' && !f.wifi) {
    const [ssid = '', psk, country] = plain;
    f.wifi = { ssid: check.ssid(FILE, Buffer.from(ssid, 'utf8')), key: check.wifiKey(FILE, psk), hidden: rest.includes('-h') };
    if (country) f.country ??= check.country(FILE, country);
  } else if (cmd === 'set_keymap') f.keyboard ??= check.keyboard(FILE, plain[0], { model: 'pc105' });
  else if (cmd === 'set_timezone') f.timezone ??= check.timezone(FILE, plain[0]);
  else f.unknown += 1;
}

/** A line that is one simple command; true when it carried a setting. */
function command(words: string[], f: Facts): boolean {
  const [w0, w1, w2, w3, w4] = words;
  if (w0 === IMAGER_CUSTOM) imagerCustom(words.slice(1), f);
  else if (w0 === USERCONF) {
    f.userName ??= check.userName(FILE, w1);
    if (w2) f.hash ??= check.passwordHash(FILE, w2);
  } else if (w0 === 'echo' && w1?.startsWith('$FIRSTUSER:') && w2 === '|' && w3 === 'chpasswd') {
    // chpasswd without -e takes the password itself.
    if (w4 !== '-e') throw check.plainPassword(FILE);
    f.hash ??= check.passwordHash(FILE, w1.slice('$FIRSTUSER:'.length));
  } else if (w0 === 'usermod' && w1 === '-l' && w3 === '$FIRSTUSER') f.userName ??= check.userName(FILE, w2);
  else if (w0 === 'echo' && w2 === '>/etc/hostname' && words.length === 3) f.hostname ??= check.hostname(FILE, w1);
  else if (w0 === 'echo' && w2 === '>/etc/timezone' && words.length === 3) f.timezone ??= check.timezone(FILE, w1);
  else if (w0 === 'echo' && w1 === 'PasswordAuthentication no' && w2 === '>>/etc/ssh/sshd_config') f.passwordAuth ??= false;
  else if (w0 === 'echo' && /^[a-z_][a-z0-9_-]* ALL=\(ALL\) NOPASSWD:ALL$/.test(w1 ?? '') && w2?.startsWith('>/etc/sudoers.d/')) f.sudo = true;
  else return false;
  return true;
}

function heredoc(target: string, body: string[], f: Facts): void {
  const path = target.replace(/^"(.*)"$/, '$1');
  if (path === '$FIRSTUSERHOME/.ssh/authorized_keys') f.keys.push(...readKeyLines(body));
  else if (path === '/etc/wpa_supplicant/wpa_supplicant.conf') {
    const wpa = readWpaConf(body);
    f.wifi ??= wpa.wifi;
    if (wpa.country) f.country ??= wpa.country;
  } else if (path === '/etc/default/keyboard') f.keyboard ??= readKeyboardFile(body);
  else if (CONNECT.test(path)) f.connect = true;
  else f.unknown += 1;
}

function readLines(lines: string[], f: Facts): void {
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || BOILERPLATE.some((b) => b.test(line))) continue;
    const doc = HEREDOC.exec(line);
    if (doc) {
      const end = lines.findIndex((l, j) => j > i && l.trim() === doc[2]);
      if (end < 0 || end - i > MAX_HEREDOC_LINES) throw malformed(FILE, `a here-document (${doc[2]}) does not end.`, 'Write the file again with Raspberry Pi Imager.');
      heredoc(doc[1] ?? '', lines.slice(i + 1, end), f);
      i = end;
      continue;
    }
    const keys = INSTALL_KEYS.exec(line);
    if (keys) f.keys.push(...readKeyLines((keys[1] ?? '').split('\\n')));
    else if (CONNECT.test(line)) f.connect = true;
    else {
      const words = line.length <= MAX_LINE ? shellWords(line) : undefined;
      if (!words || !command(words, f)) f.unknown += 1;
    }
  }
}

function settingsOf(f: Facts): ImagerSettings {
  const s = emptySettings();
  s.hostname = f.hostname;
  s.timezone = f.timezone;
  s.keyboard = f.keyboard;
  s.wifi = f.wifi;
  s.wifiCountry = f.country;
  s.sshPasswordAuthentication = f.passwordAuth;
  if (f.userName || f.hash || f.keys.length > 0) {
    // Imager's own default when only a password or keys were given: the first user, pi on Raspberry Pi OS.
    if (!f.userName) s.notes.push('firstrun.sh: no user name is given: the user is called pi');
    s.users.push({
      name: f.userName ?? 'pi', groups: [...IMAGER_DEFAULT_GROUPS], shell: '/bin/bash', passwordHash: f.hash,
      lockPassword: !f.hash, sshKeys: [...new Set(f.keys)], passwordlessSudo: f.sudo,
    });
  }
  if (f.connect) s.notes.push('firstrun.sh: Raspberry Pi Connect is not on this image: its token is not used');
  if (f.unknown > 0) s.notes.push(`firstrun.sh: ${f.unknown} line(s) are not Imager's and were not run: this box runs no script from the card`);
  return s;
}

export function parseFirstrun(source: string): ImagerSettings {
  checkSize(FILE, source);
  if (source.includes('\0')) throw new ImagerError('MALFORMED', FILE, 'it holds NUL bytes: it is not a script.', 'Write the file again with Raspberry Pi Imager.');
  const f: Facts = { keys: [], sudo: false, unknown: 0, connect: false };
  readLines(source.split(/\r?\n/), f);
  return settingsOf(f);
}
