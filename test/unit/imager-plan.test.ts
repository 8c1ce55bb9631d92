// The planner (settings → actions, live extras only on the running box) and the files' texts it leads to: the
// wpa_supplicant configuration, /etc/hosts, sudoers. No line describing an action carries a secret.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAction, planActions } from '../../src/imager/plan.js';
import { hostsFile, wpaSupplicantConf } from '../../src/imager/render.js';
import { emptySettings, mergeSettings, settingsSecrets, type ImagerSettings } from '../../src/imager/settings.js';
import { K1 as KEY, PSK_CAFE as PSK, YESCRYPT as HASH } from '../helpers/imager-fixtures.js';

function full(): ImagerSettings {
  return {
    ...emptySettings(),
    hostname: 'attic',
    users: [{ name: 'hedy', groups: ['adm'], shell: '/bin/bash', passwordHash: HASH, lockPassword: false, sshKeys: [KEY], passwordlessSudo: true }],
    sshPasswordAuthentication: false,
    timezone: 'Europe/Vienna',
    keyboard: { layout: 'at' },
    wifi: { ssid: Buffer.from('MyNet'), key: { kind: 'psk', hex: PSK }, hidden: true },
    wifiCountry: 'AT',
  };
}

test('every setting becomes its action, in order; the running box also sets its name and starts the Wi-Fi unit', () => {
  const kinds = (live: boolean): string[] => planActions(full(), { live }).actions.map((a) => a.kind === 'run' ? `run ${a.command}` : a.kind);
  assert.deepEqual(kinds(false), ['hostname', 'user', 'authorized-keys', 'sudoers', 'ssh-password-auth', 'timezone', 'keyboard', 'wifi']);
  assert.deepEqual(kinds(true), ['hostname', 'run hostname', 'user', 'authorized-keys', 'sudoers', 'ssh-password-auth', 'timezone', 'keyboard', 'wifi', 'run systemctl']);
  const start = planActions(full(), { live: true }).actions.at(-1);
  assert.deepEqual(start, { kind: 'run', what: 'the Wi-Fi manager masq-wifi.service', command: 'systemctl', args: ['try-restart', '--no-block', 'masq-wifi.service'] });
});

test('nothing asked, nothing done; key-only ssh without a key and Wi-Fi without a country are noted', () => {
  assert.deepEqual(planActions(emptySettings(), { live: true }), { actions: [], notes: [] });
  const s = { ...emptySettings(), sshPasswordAuthentication: false, wifi: full().wifi };
  const { notes } = planActions(s, { live: false });
  assert.ok(notes.some((n) => /no user has a key/.test(n)) && notes.some((n) => /world regulatory domain/.test(n)));
});

test('the journal\'s lines name what is done and never a hash or a PSK', () => {
  const s = full();
  const lines = planActions(s, { live: true }).actions.map(describeAction);
  assert.ok(lines.includes('user hedy (password set, shell /bin/bash)') && lines.includes('Wi-Fi network "MyNet" (WPA, hidden, country AT)'));
  for (const secret of settingsSecrets(s)) assert.ok(!lines.join('\n').includes(secret));
  assert.deepEqual(settingsSecrets(s), [HASH, PSK]);
});

test('merging files: the first to set a value wins, a user set twice is noted', () => {
  const a = { ...emptySettings(), hostname: 'one', users: full().users };
  const b = { ...emptySettings(), hostname: 'two', wifiCountry: 'DE', users: full().users, notes: ['from b'] };
  const m = mergeSettings([a, b]);
  assert.deepEqual([m.hostname, m.wifiCountry, m.users.length], ['one', 'DE', 1]);
  assert.deepEqual(m.notes, ['from b', 'user hedy is set twice: the first is applied']);
});

test('wpa_supplicant: the country, hidden, PSK or passphrase, open; a name with odd bytes goes as hex', () => {
  const psk = wpaSupplicantConf(full().wifi!, 'AT');
  assert.match(psk, /^country=AT$/m);
  assert.match(psk, /^\tssid="MyNet"\n\tscan_ssid=1\n\tkey_mgmt=WPA-PSK WPA-PSK-SHA256\n\tpsk=b8313eeb[0-9a-f]{56}\n\tieee80211w=1\n}\n$/m);
  const phrase = wpaSupplicantConf({ ssid: Buffer.from('a"b'), key: { kind: 'passphrase', text: 'say "hi" now' }, hidden: false }, undefined);
  assert.match(phrase, /^\tssid=612262$/m);
  assert.match(phrase, /^\tpsk="say "hi" now"$/m);
  assert.doesNotMatch(phrase, /country=/);
  assert.match(wpaSupplicantConf({ ssid: Buffer.from('Café'), key: { kind: 'open' }, hidden: false }, 'FR'), /\tssid="Café"\n\tkey_mgmt=NONE\n/);
});

test('/etc/hosts: one 127.0.1.1 line with the new name, the rest kept', () => {
  assert.equal(hostsFile('127.0.0.1\tlocalhost\n127.0.1.1\tmasq-1a2b\n::1\tlocalhost\n', 'attic'), '127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\tattic\n');
  assert.equal(hostsFile(undefined, 'attic'), '127.0.0.1\tlocalhost\n127.0.1.1\tattic\n');
});
