import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseResolvConf } from '../../src/system/environment.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { byCodeUnits } from '../../src/system/order.js';
import { PARAMS } from '../../src/config/index.js';

test('resolv.conf: nameserver lines only, zone ids dropped, at most 16', () => {
  assert.deepEqual(parseResolvConf('# c\nnameserver 9.9.9.9\nsearch x\nnameserver fe80::1%eth0\nnameserver bogus\n'), ['9.9.9.9', 'fe80::1']);
  assert.equal(parseResolvConf('nameserver 1.1.1.1\n'.repeat(40)).length, 16);
});

test('fuzz: resolv.conf parsing never throws and yields only IP addresses', () => {
  fc.assert(fc.property(fc.string({ maxLength: 500 }), (s) => {
    for (const ip of parseResolvConf(`nameserver ${s}\n${s}`)) assert.match(ip, /^[0-9a-fA-F:.]+$/);
  }), { numRuns: 3000, seed: 17 });
});

test('the logger filters by level, scrubs registered secrets and keeps one line per message', () => {
  const lines: string[] = [];
  const core = createLogCore('info', { write: (l) => lines.push(l) });
  core.journald = false;
  core.secrets.add('hunter2');
  const log = createLogger(core, 'Node');
  log.debug('not shown');
  log.info('password is hunter2\nsecond line');
  log.child('Proxy').warn('careful');
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /INFO {2}Node: password is \*{8} second line\n$/);
  assert.ok(!lines.join('').includes('hunter2'));
  assert.match(lines[1] ?? '', /WARN {2}Node\/Proxy: careful/);
  core.journald = true;
  log.error('bad');
  assert.equal(lines[2], '<3>Node: bad\n');
});

test('byCodeUnits orders the parameter names and hex keys as localeCompare did, without ICU', () => {
  const names = PARAMS.map((p) => p.name);
  assert.deepEqual([...names].sort(byCodeUnits), [...names].sort((a, b) => a.localeCompare(b)));
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (x, y) => {
    const a = Buffer.from(x).toString('hex');
    const b = Buffer.from(y).toString('hex');
    assert.equal(Math.sign(byCodeUnits(a, b)), Math.sign(a.localeCompare(b)));
  }));
});
