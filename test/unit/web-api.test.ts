// The page's calls: method and path from the route table, the CSRF header and a JSON body on every POST, and every
// failure as one ApiError the page shows (the server's own, bounded and checked, or the page's words for a proxy's
// error page, a lost connection, an ended session). The live events' parser drops anything of the wrong shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CSRF_HEADER, CSRF_VALUE } from '../../src/setup/api.js';
import { type FetchInit, makeCall } from '../../web-setup/core/client.js';
import { parseEvent } from '../../web-setup/core/events.js';
import { ApiFailure, apiErrorOf, MAX_ANSWER_CHARS, readAnswer } from '../../web-setup/core/failures.js';

const FUZZ = { seed: 42, numRuns: 500 };

function failure(f: () => unknown): ApiFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiFailure) return e;
    throw e;
  }
  assert.fail('expected an ApiFailure');
}

test("the server's error is shown as it is, with only the fields of the right types", () => {
  const e = failure(() => readAnswer(403, JSON.stringify({ error: { code: 'SETUP_CODE_WRONG', message: 'Wrong code.', fix: 'Look again.', field: 'code', triesLeft: 4, lockedForS: 'soon' } })));
  assert.equal(e.status, 403);
  assert.deepEqual(e.error, { code: 'SETUP_CODE_WRONG', message: 'Wrong code.', fix: 'Look again.', field: 'code', triesLeft: 4 });
  assert.equal(apiErrorOf({ error: { code: 'X', message: 'm'.repeat(10_000), lockedForS: 12.7 } })?.message.length, 2000);
  assert.equal(apiErrorOf({ error: { code: 'X', message: 'm', lockedForS: 12.7 } })?.lockedForS, 12);
  assert.equal(apiErrorOf({ error: { code: 'X' } }), undefined, 'no message: not an ApiError');
  // An error in a 200 answer is still an error.
  assert.equal(failure(() => readAnswer(200, JSON.stringify({ error: { code: 'LOCKED_OUT', message: 'Locked.' } }))).error.code, 'LOCKED_OUT');
  assert.deepEqual(readAnswer(200, '{"ok":true}'), { ok: true });
});

test('an answer that is not the API speaks in the status in words', () => {
  assert.equal(failure(() => readAnswer(401, '')).error.code, 'NOT_LOGGED_IN');
  assert.equal(failure(() => readAnswer(404, '<html>Not found</html>')).error.code, 'NOT_FOUND');
  assert.equal(failure(() => readAnswer(413, '')).error.code, 'TOO_LARGE');
  const proxy = failure(() => readAnswer(502, '<html>Bad gateway</html>')).error;
  assert.equal(proxy.code, 'BAD_ANSWER');
  assert.match(proxy.message, /HTTP 502/);
  assert.ok(proxy.fix);
  assert.match(failure(() => readAnswer(200, 'not json')).error.message, /does not understand \(HTTP 200\)/);
  assert.equal(failure(() => readAnswer(200, `"${'x'.repeat(MAX_ANSWER_CHARS)}"`)).error.code, 'BAD_ANSWER', 'a huge answer is not parsed');
});

test('fuzz: any answer is either parsed JSON or an ApiFailure with a message', () => {
  const body = fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 3 }), fc.record({ error: fc.dictionary(fc.constantFrom('code', 'message', 'fix', 'field', 'triesLeft', 'lockedForS'), fc.jsonValue({ maxDepth: 1 })) }).map((v) => JSON.stringify(v)));
  fc.assert(fc.property(fc.integer({ min: 0, max: 599 }), body, (status, text) => {
    try {
      readAnswer(status, text);
      assert.ok(status >= 200 && status < 300);
    } catch (e) {
      assert.ok(e instanceof ApiFailure);
      assert.equal(typeof e.error.code, 'string');
      assert.ok(e.error.message.length > 0 && e.error.message.length <= 2000);
      if (e.error.triesLeft !== undefined) assert.ok(Number.isInteger(e.error.triesLeft) && e.error.triesLeft >= 0);
    }
  }), FUZZ);
});

interface Seen { url: string; init: FetchInit }

function fakeFetch(status: number, body: string, seen: Seen[]) {
  return async (url: string, init: FetchInit) => {
    seen.push({ url, init });
    return { status, text: async () => body };
  };
}

test('a POST carries the CSRF header and a JSON body; a GET carries neither', async () => {
  const seen: Seen[] = [];
  const call = makeCall(fakeFetch(200, '{"ok":true}', seen), () => assert.fail('session kept'));
  await call('claimCode', { code: 'ABCD1234' });
  await call('stop');
  await call('panelStatus');
  assert.deepEqual(seen.map((s) => [s.init.method, s.url]), [['POST', '/api/claim/code'], ['POST', '/api/node/stop'], ['GET', '/api/panel/status']]);
  assert.equal(seen[0]?.init.headers[CSRF_HEADER], CSRF_VALUE);
  assert.equal(seen[0]?.init.headers['content-type'], 'application/json');
  assert.equal(seen[0]?.init.body, '{"code":"ABCD1234"}');
  assert.equal(seen[1]?.init.body, '{}');
  assert.equal(seen[2]?.init.body, undefined);
  assert.equal(seen[2]?.init.headers[CSRF_HEADER], undefined);
  assert.ok(seen.every((s) => s.init.credentials === 'same-origin'));
});

test('an ended session asks for the password again, except on the login itself; no connection is its own failure', async () => {
  let lost = 0;
  const call = makeCall(fakeFetch(401, '', []), () => { lost++; });
  await assert.rejects(call('panelLogs'), (e: unknown) => e instanceof ApiFailure && e.error.code === 'NOT_LOGGED_IN');
  assert.equal(lost, 1);
  await assert.rejects(call('login', { password: 'x' }));
  assert.equal(lost, 1);
  const offline = makeCall(async () => { throw new TypeError('Failed to fetch'); }, () => undefined);
  await assert.rejects(offline('state'), (e: unknown) => e instanceof ApiFailure && e.error.code === 'UNREACHABLE' && e.error.fix !== undefined);
});

test('live events of the right shape are read, anything else is dropped', () => {
  assert.deepEqual(parseEvent('stage', '{"type":"stage","stage":"RouteFound"}'), { type: 'stage', stage: 'RouteFound' });
  assert.deepEqual(parseEvent('log', '{"level":"INFO","msg":"hi","at":5}'), { type: 'log', level: 'INFO', msg: 'hi', at: 5 });
  assert.deepEqual(parseEvent('node', '{"running":false,"crashReason":"ChildWaitFailure","pid":1.5}'), { type: 'node', running: false, crashReason: 'ChildWaitFailure' });
  assert.equal(parseEvent('stage', '{"stage":"Flying"}'), undefined);
  assert.equal(parseEvent('log', '{"level":"INFO","msg":"hi"}'), undefined);
  assert.equal(parseEvent('other', '{}'), undefined);
  assert.equal(parseEvent('log', `{"level":"INFO","msg":"${'x'.repeat(20_000)}","at":1}`), undefined);
  fc.assert(fc.property(fc.constantFrom('stage', 'log', 'node', 'x'), fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 2 })), (type, data) => {
    const ev = parseEvent(type, data);
    if (ev) assert.equal(ev.type, type);
    if (ev?.type === 'log') assert.ok(ev.msg.length <= 4000 && Number.isFinite(ev.at));
  }), FUZZ);
});
