// lan-consuming and proxy-password in the one table: their checks, the typed fields the Node gets, and the
// password kept a secret everywhere a value travels (the Node's secret environment, the setup answer, the logger's
// scrub list, backups).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_SCOPE } from '../../src/backup/settings.js';
import { nodeConfig } from '../../src/config/node-config.js';
import { envName, findParam, PARAMS, PROXY_USER } from '../../src/config/params.js';
import { type Environment, resolve } from '../../src/config/resolve.js';
import { launchArguments, setupReport } from '../../src/daemon/launch-args.js';
import { ROOT } from '../helpers/processes.js';

const env: Environment = { role: 'node', home: '/home/u', systemResolvers: [], stored: {} };
const resolved = (values: Record<string, string>) => resolve([{ source: 'command line', status: 'Set', values }], env, PARAMS);
const PASSWORD = 'living-room-42';

test('lan-consuming is off unless turned on; on and off in any case, nothing else', () => {
  assert.equal(nodeConfig(resolved({})).lanConsuming, false);
  assert.equal(nodeConfig(resolved({ 'lan-consuming': 'ON' })).lanConsuming, true);
  assert.equal(nodeConfig(resolved({ 'lan-consuming': 'off' })).lanConsuming, false);
  const wrong = resolved({ 'lan-consuming': 'yes' });
  assert.match(wrong.errors.find(([p]) => p === 'lan-consuming')?.[1] ?? '', /must be one of on, off/);
});

test('proxy-password: 8 to 128 printable characters without spaces, blank by default', () => {
  const p = findParam('proxy-password');
  assert.ok(p);
  assert.equal(nodeConfig(resolved({})).proxyPassword, undefined);
  assert.equal(p.check(PASSWORD, 'base-mainnet'), PASSWORD);
  assert.equal(p.check('x'.repeat(128), 'base-mainnet'), 'x'.repeat(128));
  for (const bad of ['short', 'has a space', 'x'.repeat(129), 'tab\there', 'ünïcode-pass']) {
    assert.throws(() => p.check(bad, 'base-mainnet'), /8 to 128 printable/, bad);
  }
  assert.equal(PROXY_USER, 'masq');
  assert.match(p.help, /user name masq/);
});

test('both say they are masq-pi\'s own, not MASQ\'s', () => {
  for (const name of ['lan-consuming', 'proxy-password']) assert.match(findParam(name)?.help ?? '', /Not a MASQ parameter/, name);
});

test('the password is a secret: the Node\'s environment, not its command line; censored in setup; scrubbed from logs; not in backups', () => {
  const p = findParam('proxy-password');
  assert.equal(p?.secret, true);
  const r = resolved({ 'neighborhood-mode': 'zero-hop', 'lan-consuming': 'on', 'proxy-password': PASSWORD });
  assert.deepEqual(r.errors, []);
  const { args, secrets } = launchArguments(r, 1234);
  assert.equal(secrets[envName('proxy-password')], PASSWORD);
  assert.ok(!args.some((a) => a.includes(PASSWORD)), 'never on the command line (ps shows it)');
  assert.deepEqual(args.slice(args.indexOf('--lan-consuming'), args.indexOf('--lan-consuming') + 2), ['--lan-consuming', 'on']);
  const shown = setupReport(r, false).values.find((v) => v.name === 'proxy-password');
  assert.equal(shown?.value, '*'.repeat(p?.censorWidth ?? 0));
  assert.ok(!JSON.stringify(setupReport(r, false)).includes(PASSWORD));
  const c = nodeConfig(r);
  assert.equal(c.proxyPassword, PASSWORD);
  assert.ok(c.secrets.includes(PASSWORD), 'the logger scrubs it');
  assert.notEqual(BACKUP_SCOPE['proxy-password'], true);
  assert.equal(BACKUP_SCOPE['lan-consuming'], true);
});

test('the appliance image turns lan-consuming on; the .deb leaves it at its default, off', () => {
  const appliance = readFileSync(join(ROOT, 'image', 'files', 'config-appliance.toml'), 'utf8');
  assert.equal(appliance.match(/^lan-consuming = "on"$/gm)?.length, 1, appliance);
  assert.equal(findParam('lan-consuming')?.defaultValue?.({ role: 'daemon', home: '/root', systemResolvers: [], chain: 'base-mainnet', stored: {} }), 'off');
});
