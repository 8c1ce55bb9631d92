// Which settings a backup carries: every parameter placed, no secret or machine-specific one kept; a running Node's
// settings from its store and its start; and the check of the settings read back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackupError } from '../../src/backup/errors.js';
import { BACKUP_SCOPE, backupSettings, checkSettings } from '../../src/backup/settings.js';
import { PARAMS } from '../../src/config/params.js';
import type { ConfigRow } from '../../src/store/index.js';

test('every parameter is placed, and no secret, Node-only, Daemon-only or machine one is kept', () => {
  assert.deepEqual(Object.keys(BACKUP_SCOPE).sort(), PARAMS.map((p) => p.name).sort());
  for (const p of PARAMS) {
    const kept = BACKUP_SCOPE[p.name as keyof typeof BACKUP_SCOPE] === true;
    if (p.secret || p.nodeOnly || p.daemonOnly) assert.equal(kept, false, p.name);
  }
  for (const machine of ['data-directory', 'config-file', 'real-user', 'ui-port', 'proxy-address', 'new-public-key']) {
    assert.equal(typeof BACKUP_SCOPE[machine as keyof typeof BACKUP_SCOPE], 'string', machine);
  }
});

test('a running Node\'s settings: stored rows as they are now, the rest as given at the start, never defaults, always the chain', () => {
  const started = new Map([
    ['chain', { value: 'dev', status: 'Default' }],
    ['dns-servers', { value: '9.9.9.9', status: 'Set' }],
    ['log-level', { value: 'warn', status: 'Default' }],
    ['proxy-port', { value: '8080', status: 'Configured' }],
    ['proxy-address', { value: '192.168.1.20', status: 'Set' }],
    ['db-password', { value: 'secret!', status: 'Set' }],
    ['min-hops', { value: '3', status: 'Set' }],
  ]);
  const rows: Partial<Record<ConfigRow, string>> = { min_hops: '5', clandestine_port: '4444', earning_wallet_address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' };
  assert.deepEqual(backupSettings(started, (row) => rows[row]), [
    { name: 'chain', value: 'dev' },
    { name: 'clandestine-port', value: '4444' },
    { name: 'dns-servers', value: '9.9.9.9' },
    { name: 'min-hops', value: '5' },
    { name: 'proxy-port', value: '8080' },
  ]);
});

test('settings read back are checked by their parameters and put in canonical form', () => {
  assert.deepEqual(checkSettings([{ name: 'log-level', value: 'INFO' }, { name: 'chain', value: 'dev' }], 'dev'), [
    { name: 'log-level', value: 'info' }, { name: 'chain', value: 'dev' },
  ]);
  const refused = (raw: unknown, problem: string, pattern: RegExp): void => {
    assert.throws(() => checkSettings(raw, 'dev'), (e: unknown) => e instanceof BackupError && e.problem === problem && pattern.test(e.message));
  };
  refused({}, 'backup-damaged', /not a list/);
  refused([{ name: 'chain' }], 'backup-damaged', /name and a value/);
  refused([{ name: 'warp-factor', value: '9' }], 'backup-newer', /warp-factor/);
  refused([{ name: 'ui-token', value: 'x' }], 'backup-damaged', /never hold/);
  refused([{ name: 'scans', value: 'on' }, { name: 'scans', value: 'off' }], 'backup-damaged', /twice/);
  refused([{ name: 'gas-price', value: '0' }], 'backup-damaged', /gas-price/);
  refused([{ name: 'chain', value: 'base-mainnet' }], 'backup-damaged', /chain/);
});
