import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FAILURES, type ProxyProblem, errorPage, escapeHtml, tlsAlert } from '../../src/proxy/failures.js';
import { type FailureKind, StreamFailure } from '../../src/proxy/index.js';
import { PRIVATE_RANGES, isPrivateAddress } from '../../src/address-ranges/index.js';
import { ipBytes } from '../../src/proxy/ip-bytes.js';

const t = { host: 'www.example.org', port: 8443 };

function parts(problem: ProxyProblem, target = t) {
  const text = errorPage(problem, target).toString();
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { head, body, statusLine: head.split('\r\n')[0] };
}

test('failure table: MASQ wording, status, TLS alert and SOCKS code for each kind', () => {
  const expected: Record<FailureKind, [number, string, string, number, number]> = {
    route: [503, 'Routing Problem', "Can't find a route to www.example.org", 0x50, 0x01],
    'exit-country': [503, 'Routing Problem', 'No exit in the countries of your exit location is reachable', 0x50, 0x04],
    dns: [503, 'DNS Resolution Problem', 'Exit Nodes couldn\'t resolve "www.example.org"', 0x70, 0x04],
    connect: [503, 'Connection Problem', "Couldn't connect to www.example.org:8443", 0x50, 0x05],
    timeout: [503, 'Connection Problem', "Couldn't connect to www.example.org:8443", 0x50, 0x06],
    'refused-private': [403, 'Destination Refused', 'www.example.org is a loopback, private or link-local address', 0x31, 0x02],
    payment: [402, 'Consuming Wallet Required', 'This Node has no wallet to pay other Nodes with', 0x50, 0x02],
  };
  for (const [kind, [status, title, subtitle, alert, socks]] of Object.entries(expected) as Array<[FailureKind, [number, string, string, number, number]]>) {
    const f = FAILURES[kind];
    assert.deepEqual([f.status, f.title, f.subtitle(t), f.alert, f.socks], [status, title, subtitle, alert, socks], kind);
    const page = parts(kind);
    assert.equal(page.statusLine, `HTTP/1.1 ${status} Routing Error`);
    assert.match(page.body, new RegExp(`<h1>Error ${status}</h1>\\s*<h2>${title}</h2>\\s*<h3>[^<]+</h3>\\s*<p>[^<]+</p>`));
    assert.deepEqual([...tlsAlert(kind)], [0x15, 3, 3, 0, 2, 2, alert]);
  }
  assert.match(parts('refused-private').body, /exit-private-destinations/);
  assert.equal(parts('bad-request').statusLine, 'HTTP/1.1 400 Bad Request');
  assert.equal(parts('header-too-large').statusLine, 'HTTP/1.1 431 Request Header Fields Too Large');
  assert.equal(new StreamFailure('dns', t, 'x').kind, 'dns');
  // The page names the countries the exit location allows.
  assert.match(errorPage('exit-country', t, 'CZ, SK').toString(), /<h3>No exit in CZ, SK is reachable<\/h3>[\s\S]*masq exit-location/);
});

test('error pages: complete responses, plainly from the Node, host names escaped', () => {
  for (const problem of Object.keys(FAILURES) as ProxyProblem[]) {
    const { head, body } = parts(problem, { host: '<script>"x"&\'y\'</script>', port: 80 });
    assert.match(head, /\r\nContent-Type: text\/html; charset=utf-8\r\n/);
    assert.match(head, /\r\nConnection: close(\r\n|$)/);
    assert.equal(Number(/Content-Length: (\d+)/.exec(head)?.[1]), Buffer.byteLength(body), problem);
    assert.match(body, /comes from your MASQ Node, not from the site/);
    assert.doesNotMatch(body, /<script>|"x"/, problem);
  }
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => assert.doesNotMatch(escapeHtml(s), /[<>"']/)), { numRuns: 2000, seed: 42 });
});

test('private destinations: IPv4 ranges', () => {
  for (const ip of ['0.0.0.0', '0.1.2.3', '10.1.2.3', '100.64.0.1', '100.127.255.255', '127.0.0.1', '127.255.0.9', '169.254.169.254', '172.16.0.1', '172.31.255.255',
    '192.0.0.8', '192.168.1.1', '198.18.0.1', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255']) {
    assert.equal(isPrivateAddress(ip), true, ip);
  }
  for (const ip of ['1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.1', '172.15.255.255', '172.32.0.1',
    '192.167.255.255', '192.169.0.1', '223.255.255.255']) {
    assert.equal(isPrivateAddress(ip), false, ip);
  }
});

test('private destinations: IPv6 ranges, IPv4-mapped and -compatible forms, zones, non-addresses', () => {
  for (const ip of ['::', '::1', '0:0:0:0:0:0:0:1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1',
    '0:0:0:0:0:ffff:c0a8:1', '::ffff:8.8.8.8', '::127.0.0.1', '::7f00:1']) {
    assert.equal(isPrivateAddress(ip), true, ip);
  }
  for (const ip of ['2001:4860:4860::8888', '2606:4700:4700::1111', 'fec0::1', 'fbff::1', '64:ff9b::808:808']) assert.equal(isPrivateAddress(ip), false, ip);
  for (const notIp of ['', 'localhost', 'example.com', '1.2.3', '[::1]', '127.0.0.1:80']) assert.equal(isPrivateAddress(notIp), true, notIp);
  assert.ok(PRIVATE_RANGES.length > 10);
});

test('private destinations agree with the table for random addresses', () => {
  const inRange4 = (ip: string, base: string, prefix: number): boolean => {
    const n = (s: string) => ipBytes(s).readUInt32BE(0);
    return prefix === 0 || (n(ip) ^ n(base)) >>> (32 - prefix) === 0;
  };
  const v4 = PRIVATE_RANGES.filter(([a]) => !a.includes(':'));
  fc.assert(fc.property(fc.ipV4(), (ip) => {
    assert.equal(isPrivateAddress(ip), v4.some(([base, prefix]) => inRange4(ip, base, prefix)), ip);
    assert.equal(isPrivateAddress(`::ffff:${ip}`), true);
  }), { numRuns: 2000, seed: 42 });
  fc.assert(fc.property(fc.ipV6(), (ip) => {
    const b = ipBytes(ip);
    const expected = b.subarray(0, 10).every((x) => x === 0) && ((b[10] === 0xff && b[11] === 0xff) || (b[10] === 0 && b[11] === 0))
      || (b[0] as number) >= 0xfc && (b[0] as number) <= 0xfd || (b[0] === 0xfe && ((b[1] as number) & 0xc0) === 0x80) || b[0] === 0xff;
    assert.equal(isPrivateAddress(ip), expected, ip);
  }), { numRuns: 2000, seed: 42 });
});

test('ipBytes', () => {
  assert.deepEqual([...ipBytes('10.0.0.255')], [10, 0, 0, 255]);
  assert.deepEqual([...ipBytes('::1')], [...Array(15).fill(0), 1]);
  assert.deepEqual([...ipBytes('1:2::ffff:1.2.3.4')], [0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
  assert.throws(() => ipBytes('nope'), RangeError);
});
