import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_NOTICED_SOURCES, NOTICE_EVERY_MS, Notices, Refusals, SourceCounter, fairShare } from '../../src/proxy/sources.js';
import { localSource, unmappedIPv4 } from '../../src/address-ranges/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';

test('the fair share: max(32, maxConnections / 8)', () => {
  assert.equal(fairShare(1024), 128);
  assert.equal(fairShare(100), 32);
  assert.equal(fairShare(2), 32);
  assert.equal(fairShare(4000), 500);
});

test('sources: the share per source, the total, the rule; IPv4-mapped addresses count as IPv4', () => {
  const seen: string[] = [];
  const s = new SourceCounter({ maxConnections: 5, maxPerSource: 2, allowed: (ip) => { seen.push(ip); return ip !== '203.0.113.9'; } });
  assert.deepEqual(s.admit('192.168.1.5'), { ok: true, source: '192.168.1.5' });
  assert.deepEqual(s.admit('::ffff:192.168.1.5'), { ok: true, source: '192.168.1.5' });
  assert.deepEqual(s.admit('192.168.1.5'), { ok: false, source: '192.168.1.5', why: 'share' });
  assert.deepEqual(s.admit('203.0.113.9'), { ok: false, source: '203.0.113.9', why: 'not-allowed' });
  assert.deepEqual(s.admit(undefined), { ok: false, source: '', why: 'not-allowed' });
  assert.equal(s.admit('192.168.1.6').ok, true);
  assert.equal(s.admit('192.168.1.7').ok, true);
  assert.equal(s.admit('fe80::1').ok, true);
  assert.deepEqual(s.admit('192.168.1.8'), { ok: false, source: '192.168.1.8', why: 'full' });
  s.release('192.168.1.5');
  assert.equal(s.admit('192.168.1.5').ok, true, 'a released place is free again');
  assert.ok(!seen.some((ip) => ip.startsWith('::ffff:')), 'the rule sees plain IPv4');
});

test('sources: admit and release in any order keep the counts exact', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3 })), { maxLength: 200 }), (ops) => {
    const s = new SourceCounter({ maxConnections: 6, maxPerSource: 3 });
    const held: string[] = [];
    for (const [open, n] of ops) {
      const ip = `10.0.0.${n}`;
      if (open) {
        const a = s.admit(ip);
        const mine = held.filter((h) => h === ip).length;
        assert.equal(a.ok, held.length < 6 && mine < 3);
        if (a.ok) held.push(ip);
      } else if (held.includes(ip)) {
        held.splice(held.indexOf(ip), 1);
        s.release(ip);
      }
    }
  }), { numRuns: 500, seed: 15 });
});

test('notices: once per key per minute, and a bounded memory of keys', () => {
  let now = 1_000_000;
  const n = new Notices(() => now);
  assert.equal(n.due('a'), true);
  assert.equal(n.due('a'), false);
  assert.equal(n.due('b'), true);
  now += NOTICE_EVERY_MS - 1;
  assert.equal(n.due('a'), false);
  now += 1;
  assert.equal(n.due('a'), true);
  for (let i = 0; i < MAX_NOTICED_SOURCES * 3; i++) n.due(`flood ${i}`);
  const memory = (n as unknown as { last: Map<string, number> }).last;
  assert.equal(memory.size, MAX_NOTICED_SOURCES);
  assert.equal(n.due(`flood ${MAX_NOTICED_SOURCES * 3 - 1}`), false, 'the newest are remembered');
});

test('refusals: a line per source per minute for the rule and the share; the full proxy counted every 10 s', () => {
  const lines: string[] = [];
  let now = 0;
  const r = new Refusals(createLogger(createLogCore('warn', { write: (l) => lines.push(l) }), 'test'), { now: () => now }, { maxConnections: 4, maxPerSource: 2 });
  for (let i = 0; i < 5; i++) {
    r.tell({ ok: false, source: '198.51.100.7', why: 'not-allowed' });
    r.tell({ ok: false, source: '10.0.0.2', why: 'share' });
    r.tell({ ok: false, source: '10.0.0.3', why: 'full' });
  }
  r.tell({ ok: false, source: '', why: 'not-allowed' });
  now = 10_000;
  r.tell({ ok: false, source: '10.0.0.3', why: 'full' });
  const text = lines.join('\n');
  assert.equal(lines.length, 4, text);
  assert.match(text, /Refused a connection from 198\.51\.100\.7: not on this box's local networks/);
  assert.match(text, /Closed new connections from 10\.0\.0\.2 at once: it holds 2/);
  assert.match(text, /Closed 1 new connection\(s\) at once: 4 are open[\s\S]*Closed 5 new connection\(s\) at once/);
});

test('localSource: loopback, RFC 1918, link-local, ULA and the given subnets; not 100.64/10 nor public', () => {
  for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.20', '169.254.10.1', 'fe80::1', 'febf::1',
    'fc00::1', 'fd12:3456::1', '::ffff:192.168.1.20', '::FFFF:127.0.0.1']) {
    assert.equal(localSource(ip), true, ip);
  }
  for (const ip of ['100.64.0.1', '100.127.255.255', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:db8::1', 'fec0::1', '::ffff:8.8.8.8', '::', 'not-an-ip', '', '1.2.3']) {
    assert.equal(localSource(ip), false, ip);
  }
  const subnets = ['100.64.5.0/24', '2001:db8:1::/48', 'garbage', '1.2.3.4/33', '::ffff:203.0.113.0/120'];
  assert.equal(localSource('100.64.5.77', subnets), true, 'inside an interface subnet');
  assert.equal(localSource('::ffff:100.64.5.77', subnets), true);
  assert.equal(localSource('100.64.6.1', subnets), false);
  assert.equal(localSource('2001:db8:1:2::9', subnets), true);
  assert.equal(localSource('2001:db8:2::9', subnets), false);
  assert.equal(localSource('1.2.3.4', subnets), false, 'a bad CIDR contains nothing');
  assert.equal(unmappedIPv4('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(unmappedIPv4('::ffff:102:304'), '::ffff:102:304');
  fc.assert(fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, net, bits) => {
    assert.equal(localSource(`::ffff:${ip}`, [`${net}/${bits}`]), localSource(ip, [`${net}/${bits}`]));
  }), { numRuns: 1000, seed: 15 });
  fc.assert(fc.property(fc.string({ maxLength: 50 }), fc.array(fc.string({ maxLength: 50 }), { maxLength: 3 }), (ip, nets) => {
    assert.equal(typeof localSource(ip, nets), 'boolean');
  }), { numRuns: 2000, seed: 16 });
});

test('sources: a rule that throws refuses the source instead of taking the proxy down', () => {
  const c = new SourceCounter({ maxConnections: 10, maxPerSource: 5, allowed: (ip) => { if (ip === '10.0.0.9') throw new Error('bad rule'); return true; } });
  assert.deepEqual(c.admit('10.0.0.9'), { ok: false, source: '10.0.0.9', why: 'not-allowed' });
  assert.deepEqual(c.admit('10.0.0.8'), { ok: true, source: '10.0.0.8' });
});
