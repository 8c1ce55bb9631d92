// The entry DNS codec on hand-built queries, and fuzzed: random or mutated datagrams never throw, and every
// response parses back with the query's ID.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { answerQuery, parseQuery, RCODE, refuseQuery, TYPE } from '../../src/dns/index.js';
import { MasqError } from '../../src/system/index.js';
import { buildQuery, encodeName, parseResponse } from '../helpers/dns-wire.js';

const ADDRS = { ipv4: '10.9.8.7', ipv6: 'fd00::1:2' };
const FUZZ = { seed: 15, numRuns: 1000 };

function answer(q: Buffer): ReturnType<typeof parseResponse> {
  const r = answerQuery(q, ADDRS);
  assert.ok(r, 'a response');
  return parseResponse(r);
}

test('A and AAAA in class IN are answered with the addresses, TTL 3600, RA set, question and ID kept', () => {
  const a = answer(buildQuery('www.Example.com', { id: 0xbeef }));
  assert.deepEqual([a.id, a.qr, a.rcode, a.ra, a.rd, a.questionName, a.questionType], [0xbeef, true, RCODE.NOERROR, true, true, 'www.Example.com', TYPE.A]);
  assert.equal(a.answers.length, 1);
  assert.deepEqual({ ...a.answers[0], data: [...(a.answers[0]?.data ?? [])] }, { namePointer: 0xc00c, type: TYPE.A, cls: 1, ttl: 3600, data: [10, 9, 8, 7] });
  const aaaa = answer(buildQuery('x.org', { type: TYPE.AAAA, rd: false }));
  assert.equal(aaaa.rd, false);
  assert.equal(aaaa.answers[0]?.data.toString('hex'), 'fd000000000000000000000000010002');
  assert.equal(answer(buildQuery('x.org', { type: TYPE.AAAA })).answers[0]?.ttl, 3600);
});

test('other types, classes and opcodes are NotImp with the question echoed', () => {
  for (const q of [buildQuery('a.b', { type: 15 }), buildQuery('a.b', { cls: 3 }), buildQuery('a.b', { opcode: 2 })]) {
    const r = answer(q);
    assert.equal(r.rcode, RCODE.NOTIMP);
    assert.equal(r.answers.length, 0);
    assert.equal(r.questionName, 'a.b');
  }
  assert.equal(answer(buildQuery('a.b', { opcode: 2 })).opcode, 2);
});

test('what does not parse is FormErr when there is a header, and nothing when not', () => {
  const formErr = (q: Buffer): void => {
    const r = answer(q);
    assert.deepEqual([r.rcode, r.qdcount, r.answers.length, r.id], [RCODE.FORMERR, 0, 0, q.readUInt16BE(0)]);
  };
  formErr(buildQuery('a.b', { qdcount: 0 }));
  formErr(buildQuery('a.b', { qdcount: 2 }));
  formErr(buildQuery('a.b').subarray(0, 15)); // cut inside the question
  formErr(Buffer.concat([buildQuery('a.b'), Buffer.alloc(520)])); // over 512 bytes
  formErr(buildQuery(`${'x'.repeat(64)}.com`)); // a label over 63
  formErr(buildQuery(Array.from({ length: 5 }, () => 'y'.repeat(60)).join('.'))); // a name over 255
  const loop = Buffer.concat([buildQuery('').subarray(0, 12), Buffer.from([0xc0, 12]), Buffer.alloc(4)]);
  formErr(loop); // a pointer to itself
  const forward = Buffer.concat([buildQuery('').subarray(0, 12), Buffer.from([0xc0, 20]), Buffer.alloc(4)]);
  formErr(forward);
  assert.equal(answerQuery(Buffer.alloc(11), ADDRS), undefined);
  const response = buildQuery('a.b');
  response.writeUInt16BE(0x8000, 2);
  assert.equal(answerQuery(response, ADDRS), undefined, 'a response is not answered');
});

test('compression pointers: a backward one is followed (the name echoed whole), a loop is FormErr', () => {
  // Nothing precedes a query's question but the header: the pointer to offset 4 lands on QDCOUNT's 0x00, the root.
  const header = buildQuery('').subarray(0, 12);
  const q = parseQuery(Buffer.concat([header, Buffer.from([0xc0, 4, 0, 1, 0, 1])]));
  assert.deepEqual(q.question.name, Buffer.of(0));
  assert.equal(answer(Buffer.concat([header, Buffer.from([0xc0, 4, 0, 1, 0, 1])])).questionName, '');
  // "ab" then a pointer back to "ab": a name that never ends.
  const loop = Buffer.concat([header, encodeName('ab').subarray(0, 3), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  assert.equal(answer(loop).rcode, RCODE.FORMERR);
});

test('fuzz: random and mutated datagrams only ever give a parseable response or none, never a throw', () => {
  const check = (b: Uint8Array): void => {
    const buf = Buffer.from(b);
    const r = answerQuery(buf, ADDRS);
    if (buf.length < 12) assert.equal(r, undefined);
    if (!r) return;
    const p = parseResponse(r);
    assert.equal(p.id, buf.readUInt16BE(0));
    assert.ok(r.length <= 512);
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), check), FUZZ);
  const good = buildQuery('mail.example.net', { type: TYPE.AAAA });
  fc.assert(fc.property(fc.nat(good.length - 1), fc.nat(255), fc.nat(good.length + 4), (at, v, len) => {
    const bad = Buffer.from(good);
    bad[at] = v;
    check(bad.subarray(0, len));
  }), FUZZ);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
    try {
      parseQuery(Buffer.from(b));
    } catch (e) {
      if (!(e instanceof MasqError) || e.code !== 'DNS') throw e;
    }
  }), FUZZ);
});

test('the whole-home mode\'s answers: a TTL of its own, AAAA empty without an IPv6 address, REFUSED with the question', () => {
  const a = parseResponse(answerQuery(buildQuery('site.example', { id: 7 }), { ipv4: '192.168.1.50' }, 60) as Buffer);
  assert.deepEqual([a.id, a.rcode, a.answers[0]?.ttl, [...(a.answers[0]?.data ?? [])]], [7, RCODE.NOERROR, 60, [192, 168, 1, 50]]);
  const aaaa = parseResponse(answerQuery(buildQuery('site.example', { type: TYPE.AAAA }), { ipv4: '192.168.1.50' }, 60) as Buffer);
  assert.deepEqual([aaaa.rcode, aaaa.answers.length, aaaa.questionName], [RCODE.NOERROR, 0, 'site.example'], 'no record: the device uses IPv4');
  const r = parseResponse(refuseQuery(buildQuery('x.example', { id: 99, rd: true })) as Buffer);
  assert.deepEqual([r.id, r.rcode, r.answers.length, r.questionName, r.rd], [99, RCODE.REFUSED, 0, 'x.example', true]);
  assert.equal(refuseQuery(Buffer.alloc(5)), undefined, 'no ID to answer');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
    const out = refuseQuery(Buffer.from(b));
    if (out) assert.equal(parseResponse(out).id, Buffer.from(b).readUInt16BE(0));
  }), FUZZ);
});
