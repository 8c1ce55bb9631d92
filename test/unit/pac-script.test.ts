// The PAC file's builder: its FindProxyForURL run for real (node:vm, test/helpers/pac-eval.ts) on the hosts a
// device meets, its refusal of an address or port it cannot use, and no value reaching the script's code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pacScript } from '../../src/setup/pac.js';
import { MasqError } from '../../src/system/index.js';
import { PacRunner, firstProxy } from '../helpers/pac-eval.js';

const BOX = { address: '192.168.1.20', proxyPort: 5380, boxNames: ['masq-ab12'] };
const VIA_BOX = 'PROXY 192.168.1.20:5380; SOCKS5 192.168.1.20:5380';

test('sites go through the box; its own names, plain names, .local and the private ranges go direct', () => {
  const pac = new PacRunner(pacScript(BOX));
  for (const url of ['https://example.com/', 'http://example.com:8080/x', 'http://8.8.8.8/', 'http://172.32.0.1/', 'http://11.0.0.1/', 'https://www.example.co.uk/a?b']) {
    assert.equal(pac.forUrl(url), VIA_BOX, url);
  }
  for (const url of ['http://masq-ab12/', 'http://masq-ab12.local/', 'http://192.168.1.20/proxy.pac', 'http://router/', 'http://printer.local:631/',
    'http://10.1.2.3/', 'http://172.16.0.1/', 'http://172.31.255.254/', 'http://192.168.200.1/', 'http://127.0.0.1:5380/', 'http://localhost/', 'http://MASQ-AB12.LOCAL/']) {
    assert.equal(pac.forUrl(url), 'DIRECT', url);
  }
  assert.deepEqual(firstProxy(pac.forUrl('https://example.com/')), { host: '192.168.1.20', port: 5380 });
});

test('a site\'s name is never resolved on the device: its DNS would learn every site visited', () => {
  const pac = new PacRunner(pacScript(BOX), { names: { 'nas.example': '192.168.1.9' } });
  assert.equal(pac.forUrl('https://example.com/'), VIA_BOX);
  assert.equal(pac.forUrl('https://nas.example/'), VIA_BOX, 'a name is not looked up, even one that would be private');
  assert.deepEqual(pac.lookups, []);
});

test('a box outside the private ranges is still reached directly by its own address', () => {
  const pac = new PacRunner(pacScript({ address: '100.64.7.8', proxyPort: 8080, boxNames: ['masq-ab12'] }));
  assert.equal(pac.forUrl('http://100.64.7.8/'), 'DIRECT');
  assert.equal(pac.forUrl('https://example.com/'), 'PROXY 100.64.7.8:8080; SOCKS5 100.64.7.8:8080');
});

test('an address that is not IPv4, or a port that is not one, is refused with what to do', () => {
  for (const address of ['fe80::1', '::1', 'masq-ab12.local', '192.168.1.256', '1.2.3.4"; alert(1); "', '']) {
    assert.throws(() => pacScript({ ...BOX, address }), (e: unknown) => e instanceof MasqError && e.fix !== undefined, address);
  }
  for (const proxyPort of [0, 65536, 1.5, Number.NaN, -1]) {
    assert.throws(() => pacScript({ ...BOX, proxyPort }), MasqError, String(proxyPort));
  }
});

test('no box name reaches the script\'s code: odd names are left out, and the file always runs', () => {
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 4 }), (names) => {
    const script = pacScript({ ...BOX, boxNames: names });
    const pac = new PacRunner(script);
    assert.equal(pac.forUrl('https://example.com/'), VIA_BOX);
    assert.equal(pac.forUrl('http://192.168.1.20/'), 'DIRECT');
  }), { seed: 42, numRuns: 300 });
  const script = pacScript({ ...BOX, boxNames: ['x"];FindProxyForURL=0;//', 'masq-ab12'] });
  assert.doesNotMatch(script, /FindProxyForURL=0/);
  assert.match(script, /"masq-ab12"/);
});
