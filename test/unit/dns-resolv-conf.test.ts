// The pure parts of masq-dns-utility: resolv.conf's text rules (MASQ's), `resolvectl dns` output, the state
// record; each parser fuzzed to fail only with a DNS MasqError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { activeNameservers, inspectText, revertText, statusText, subvertText } from '../../src/dns/resolv-conf.js';
import { activeResolvedServers, isResolvedLink, parseResolvectlDns } from '../../src/dns/resolved.js';
import { decodeState, encodeState, type StateRecord } from '../../src/dns/state-record.js';
import { MasqError } from '../../src/system/index.js';

const FUZZ = { seed: 15, numRuns: 500 };
const PLAIN = '# from DHCP\nsearch lan\nnameserver 192.168.1.1\n#nameserver 8.8.8.8\nnameserver 1.1.1.1 # cloudflare\noptions edns0\n';

function onlyDns(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof MasqError) || e.code !== 'DNS') throw e;
  }
}

test('inspect and status read the active nameserver lines as MASQ does', () => {
  assert.deepEqual(activeNameservers(PLAIN), ['192.168.1.1', '1.1.1.1']);
  assert.equal(inspectText(activeNameservers(PLAIN)), '192.168.1.1\n1.1.1.1');
  assert.equal(inspectText([]), 'This system does not appear to be connected to a network');
  assert.equal(statusText(['127.0.0.1']), 'subverted');
  assert.equal(statusText(['127.0.0.1', '1.1.1.1']), 'reverted');
  assert.deepEqual(activeNameservers(' nameserver 9.9.9.9\n;nameserver 1.2.3.4\n'), [], 'glibc reads keywords at the line start only');
});

test('subvert comments every nameserver line and appends 127.0.0.1; revert by text gives the file back', () => {
  const s = subvertText(PLAIN);
  assert.equal(s, '# from DHCP\nsearch lan\n#nameserver 192.168.1.1\n##nameserver 8.8.8.8\n#nameserver 1.1.1.1 # cloudflare\noptions edns0\nnameserver 127.0.0.1\n');
  assert.deepEqual(activeNameservers(s ?? ''), ['127.0.0.1']);
  assert.equal(subvertText(s ?? ''), undefined, 'subverting twice changes nothing');
  assert.equal(revertText(s ?? ''), PLAIN);
  assert.equal(revertText(PLAIN), undefined, 'reverting an unsubverted file changes nothing');
});

test('nonsense and nothing are refused with MASQ\'s sentences', () => {
  assert.throws(() => subvertText('search lan\n'), /does not appear to be connected to a network/);
  assert.throws(() => subvertText('nameserver 1.1.1.1\nnameserver 127.0.0.1\n'), /don't make sense; aborting/);
  assert.throws(() => revertText('nameserver 127.0.0.1\nnameserver 127.0.0.1\n#nameserver 1.1.1.1\n'), /don't make sense; aborting/);
  assert.throws(() => revertText('nameserver 127.0.0.1\n'), /There do not appear to be any DNS settings to revert to/);
  assert.throws(() => activeNameservers('x'.repeat(70_000)), (e: unknown) => e instanceof MasqError && e.code === 'DNS');
});

test('fuzz: the text rules fail only with DNS errors, and revert(subvert(x)) is x for files ending in a newline', () => {
  const line = fc.oneof(
    fc.constantFrom('nameserver 10.0.0.1', '#nameserver 10.0.0.2', 'nameserver 127.0.0.1', 'search lan', '', '##nameserver ::1', 'nameserver'),
    fc.string({ maxLength: 30 }),
  );
  fc.assert(fc.property(fc.array(line, { maxLength: 12 }), (ls) => {
    const text = `${ls.join('\n')}\n`;
    onlyDns(() => activeNameservers(text));
    onlyDns(() => revertText(text));
    let s: string | undefined;
    try {
      s = subvertText(text);
    } catch (e) {
      if (!(e instanceof MasqError) || e.code !== 'DNS') throw e;
      return;
    }
    if (s === undefined) return;
    assert.equal(statusText(activeNameservers(s)), 'subverted');
    assert.equal(revertText(s), text);
  }), FUZZ);
});

test('resolvectl dns output: global servers win, else the links\'; #names and %interfaces are cut', () => {
  const out = 'Global: 127.0.0.1\nLink 2 (eth0): 192.168.1.1 fe80::1%eth0\nLink 3 (wlan0): 1.1.1.1#cloudflare-dns.com\n';
  assert.deepEqual(parseResolvectlDns(out), { global: ['127.0.0.1'], links: ['192.168.1.1', 'fe80::1', '1.1.1.1'] });
  assert.deepEqual(activeResolvedServers(parseResolvectlDns(out)), ['127.0.0.1']);
  assert.deepEqual(activeResolvedServers(parseResolvectlDns('Global:\nLink 2 (eth0): 192.168.1.1\n')), ['192.168.1.1']);
  assert.throws(() => parseResolvectlDns('what is this\n'), /does not understand/);
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => onlyDns(() => parseResolvectlDns(s))), FUZZ);
});

test('systemd-resolved links are recognized, relative or absolute; other links are not', () => {
  assert.ok(isResolvedLink('/etc/resolv.conf', '../run/systemd/resolve/stub-resolv.conf'));
  assert.ok(isResolvedLink('/etc/resolv.conf', '/run/systemd/resolve/resolv.conf'));
  assert.ok(isResolvedLink('/etc/resolv.conf', '/usr/lib/systemd/resolv.conf'));
  assert.ok(!isResolvedLink('/etc/resolv.conf', '/run/resolvconf/resolv.conf'));
});

test('the state record round-trips, and damaged records fail only with DNS errors', () => {
  const records: StateRecord[] = [
    { how: 'resolv-conf', resolvConf: { kind: 'file', content: Buffer.from([0, 1, 254, 255, 10]), mode: 0o644 } },
    { how: 'resolv-conf', resolvConf: { kind: 'symlink', target: '../run/resolvconf/resolv.conf' } },
    { how: 'resolved', dropIn: { kind: 'absent' }, madeDir: true },
  ];
  for (const r of records) assert.deepEqual(decodeState(encodeState(r)), r);
  assert.throws(() => decodeState('{"version":2}'), /damaged/);
  const good = encodeState(records[0] as StateRecord);
  fc.assert(fc.property(fc.nat(good.length - 1), fc.string({ maxLength: 3 }), (at, ins) => {
    onlyDns(() => decodeState(good.slice(0, at) + ins + good.slice(at + 1)));
  }), FUZZ);
  fc.assert(fc.property(fc.json(), (j) => onlyDns(() => decodeState(j))), FUZZ);
});
