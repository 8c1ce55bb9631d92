// The setup page's own parsers of what arrives from the network or the Node: Host headers, cookies, the Node's
// neighborhood graph, and the log redaction. Each is bounded, never throws on random input, and does its job.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hostAllowed, hostName, ownHostNames, peerAllowed } from '../../src/setup/guard.js';
import { MAX_GRAPH_NODES, parseGraph } from '../../src/setup/graph.js';
import { redact } from '../../src/setup/redact.js';
import { cookieValue } from '../../src/setup/sessions.js';

const FUZZ = { seed: 42, numRuns: 1000 };

test('Host headers: the name without port or brackets, lower case; anything odd is no name', () => {
  assert.equal(hostName('Masq-7F3A.local:80'), 'masq-7f3a.local');
  assert.equal(hostName('[::1]:8080'), '::1');
  assert.equal(hostName('192.168.1.5'), '192.168.1.5');
  for (const bad of ['', 'a b', 'evil.example/x', 'x'.repeat(300), 'host:port', '[::1', undefined]) assert.equal(hostName(bad), undefined, String(bad));
  const own = ownHostNames('masq-7F3A', ['192.168.1.5', '::ffff:10.0.0.2']);
  assert.ok(hostAllowed('masq-7f3a.local', own) && hostAllowed('10.0.0.2:80', own) && hostAllowed('localhost:5390', own));
  assert.ok(!hostAllowed('masq-7f3a.local.evil.example', own));
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (h) => {
    const n = hostName(h);
    assert.ok(n === undefined || (n.length <= 255 && n === n.toLowerCase()));
  }), FUZZ);
});

test('peers: loopback always, local networks only with the LAN on, the internet never', () => {
  assert.ok(peerAllowed('127.0.0.1', false) && peerAllowed('::1', false) && peerAllowed('::ffff:127.0.0.1', false));
  assert.ok(!peerAllowed('192.168.1.9', false) && peerAllowed('192.168.1.9', true) && peerAllowed('fd00::5', true));
  assert.ok(!peerAllowed('8.8.8.8', true) && !peerAllowed('2001:db8::1', true) && !peerAllowed(undefined, true) && !peerAllowed('junk', true));
});

test('cookies: the session id only when it looks like one; a huge header is not read', () => {
  assert.equal(cookieValue('a=1; masq_session=abc_DEF-123; b=2', 'masq_session'), 'abc_DEF-123');
  assert.equal(cookieValue('masq_session=<script>', 'masq_session'), undefined);
  assert.equal(cookieValue(`masq_session=x; ${'y'.repeat(9000)}`, 'masq_session'), undefined);
  fc.assert(fc.property(fc.string({ maxLength: 500 }), (h) => {
    const v = cookieValue(h, 'masq_session');
    assert.ok(v === undefined || /^[A-Za-z0-9_-]{1,128}$/.test(v));
  }), FUZZ);
});

test("the neighborhood graph: nodes, edges and the Node itself from the Node's DOT; bounded on any input", () => {
  const g = parseGraph('digraph db {\n  "aaaa" [label="aaaa\\nv1\\n10.0.0.1:5555" style=filled];\n  "bbbb" [label="bbbb\\nv2" shape=box];\n  "aaaa" -> "bbbb";\n  "aaaa" -> "cccc";\n}');
  assert.deepEqual(g.nodes.map((n) => [n.id, n.self, n.routes]), [['aaaa', true, true], ['bbbb', false, false], ['cccc', false, false]]);
  assert.deepEqual(g.nodes[0]?.label, ['aaaa', 'v1', '10.0.0.1:5555']);
  assert.equal(g.edges.length, 2, 'an edge to a Node the graph does not describe keeps a bare node');
  const many = `digraph db {\n${Array.from({ length: MAX_GRAPH_NODES + 50 }, (_, i) => `  "n${i}" [label="n${i}"];`).join('\n')}\n}`;
  assert.equal(parseGraph(many).nodes.length, MAX_GRAPH_NODES);
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (dot) => {
    const r = parseGraph(dot);
    assert.ok(r.nodes.length <= MAX_GRAPH_NODES && r.edges.every((e) => r.nodes.some((n) => n.id === e.from)));
  }), FUZZ);
});

test('redaction: addresses, keys, wallets and descriptors are replaced by what they were', () => {
  const line = 'Debut to masq://dev:AbCdEf0123456789AbCdEf0123456789AbCdEf01234@10.0.0.7:5555 from 192.168.1.20, [fe80::1:2] pays 0x1234567890abcdef1234567890abcdef12345678 key 0x' + 'ab'.repeat(32);
  const out = redact(line);
  assert.equal(out, 'Debut to <descriptor> from <ip>, [<ip>] pays <wallet> key <key>');
  fc.assert(fc.property(fc.string({ maxLength: 500 }), (s) => {
    const r = redact(s);
    assert.doesNotMatch(r, /\b(?:\d{1,3}\.){3}\d{1,3}\b/);
  }), FUZZ);
});
