import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_USERPASS, basicCredentials, checkCredentials, credentialsMatch, encodeBasic, encodeUserPass, parseUserPass, userPassReply } from '../../src/proxy/auth.js';
import { FAILURES, errorPage } from '../../src/proxy/failures.js';
import { MasqError } from '../../src/system/index.js';

const c = { user: 'family', password: 'se:cret ü' };

test('Basic credentials: one header, scheme in any case, the password may hold colons', () => {
  assert.deepEqual(basicCredentials([encodeBasic(c)]), c);
  assert.deepEqual(basicCredentials([`basic   ${Buffer.from('a:').toString('base64')} `]), { user: 'a', password: '' });
  assert.equal(basicCredentials([]), undefined);
  assert.equal(basicCredentials([encodeBasic(c), encodeBasic(c)]), undefined, 'two headers');
  assert.equal(basicCredentials([`Bearer ${Buffer.from('a:b').toString('base64')}`]), undefined);
  assert.equal(basicCredentials([`Basic ${Buffer.from('no colon').toString('base64')}`]), undefined);
  assert.equal(basicCredentials(['Basic a b']), undefined);
  assert.equal(basicCredentials(['Basic ']), undefined);
});

test('RFC 1929 sub-negotiation: parse, every cut incomplete, wrong version, reply', () => {
  const req = encodeUserPass(c);
  assert.deepEqual(parseUserPass(req), { kind: 'ok', length: req.length, ...c });
  for (let cut = 0; cut < req.length; cut++) assert.equal(parseUserPass(req.subarray(0, cut)).kind, 'incomplete', `cut ${cut}`);
  assert.deepEqual(parseUserPass(Buffer.from([1, 0, 0, 0xaa])), { kind: 'ok', length: 3, user: '', password: '' });
  assert.equal(parseUserPass(Buffer.from([5, 1, 0x61, 0])).kind, 'invalid');
  assert.throws(() => encodeUserPass({ user: 'u', password: 'p'.repeat(256) }), RangeError);
  assert.deepEqual([...userPassReply(true)], [1, 0]);
  assert.deepEqual([...userPassReply(false)], [1, 1]);
});

test('fuzz: credential codecs round-trip, and arbitrary bytes never throw nor read past the bound', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 60 });
  fc.assert(fc.property(text.filter((u) => !u.includes(':')), text, (user, password) => {
    assert.deepEqual(basicCredentials([encodeBasic({ user, password })]), { user, password });
    if (Buffer.byteLength(user) <= 255 && Buffer.byteLength(password) <= 255) {
      const b = encodeUserPass({ user, password });
      assert.deepEqual(parseUserPass(b), { kind: 'ok', length: b.length, user, password });
    }
  }), { numRuns: 1000, seed: 15 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: MAX_USERPASS + 20 }), (bytes) => {
    const r = parseUserPass(Buffer.from(bytes));
    if (r.kind === 'ok') assert.ok(r.length <= Math.min(bytes.length, MAX_USERPASS));
    // A reader that has MAX_USERPASS bytes always has an answer.
    if (bytes.length >= MAX_USERPASS) assert.notEqual(r.kind, 'incomplete');
  }), { numRuns: 3000, seed: 16 });
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 3 }), (values) => {
    const r = basicCredentials(values);
    if (r) assert.ok(!r.user.includes(':'));
  }), { numRuns: 3000, seed: 17 });
});

test('credentials compare whole, and unusable ones are refused up front', () => {
  assert.equal(credentialsMatch(c, { ...c }), true);
  assert.equal(credentialsMatch(c, { ...c, password: 'se:cret' }), false);
  assert.equal(credentialsMatch(c, { ...c, user: 'Family' }), false);
  assert.equal(credentialsMatch(c, { user: `${c.user}${c.password}`, password: '' }), false);
  checkCredentials(c);
  for (const bad of [{ user: '', password: 'Qz9' }, { user: 'a:b', password: 'Qz9' }, { user: 'u'.repeat(256), password: 'Qz9' }, { user: 'u', password: 'é'.repeat(128) }]) {
    assert.throws(() => checkCredentials(bad), (e: unknown) => e instanceof MasqError && e.code === 'CONFIG_INVALID' && !e.message.includes(bad.password));
  }
});

test('407 page: the Basic challenge of realm MASQ, an access_denied alert, SOCKS not allowed', () => {
  const text = errorPage('auth-required', { host: '', port: 0 }).toString();
  assert.match(text, /^HTTP\/1\.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="MASQ"\r\n/);
  assert.equal(FAILURES['auth-required'].alert, 0x31);
  assert.equal(FAILURES['auth-required'].socks, 0x02);
});
