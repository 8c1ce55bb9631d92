import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CATALOGUE, checkRequest } from '../../src/ui/catalogue.js';
import { MAX_UI_MESSAGE_BYTES, decode, encode } from '../../src/ui/envelope.js';
import { UI_ERRORS, formatErrorCode } from '../../src/ui/error-codes.js';

test('encode writes opcode, contextId, payload in that order and omits contextId for fire-and-forget', () => {
  assert.equal(encode({ opcode: 'start', contextId: 3, payload: {} }), '{"opcode":"start","contextId":3,"payload":{}}');
  assert.equal(encode({ opcode: 'newPassword', payload: {} }), '{"opcode":"newPassword","payload":{}}');
});

test('64-bit error codes survive the round trip exactly', () => {
  const text = encode({ opcode: 'start', contextId: 1, error: { code: UI_ERRORS.NODE_NOT_RUNNING_ERROR, message: 'm' } });
  assert.equal(text, '{"opcode":"start","contextId":1,"error":{"code":9223372036854775810,"message":"m"}}');
  const d = decode(text);
  assert.equal(d.kind, 'ok');
  assert.equal(d.kind === 'ok' && d.msg.error?.code, 0x8000_0000_0000_0002n);
  assert.equal(formatErrorCode(UI_ERRORS.NODE_NOT_RUNNING_ERROR), '8000_0000_0000_0002');
  assert.equal(formatErrorCode(UI_ERRORS.BAD_PASSWORD_ERROR), '0001_0000_0000_0006');
});

test('critical unmarshal errors: bad JSON, non-object root, missing opcode', () => {
  for (const text of ['{nope', '[1,2]', '"x"', '{"payload":{}}', '{"opcode":7,"payload":{}}']) {
    const d = decode(text);
    assert.equal(d.kind, 'critical', text);
    assert.equal(d.kind === 'critical' && d.badData, text);
  }
});

test('body errors keep opcode and contextId so a conversation can be answered', () => {
  const d = decode('{"opcode":"setup","contextId":4,"payload":[]}');
  assert.equal(d.kind, 'bad-body');
  assert.equal(d.kind === 'bad-body' && d.contextId, 4);
  assert.equal(decode('{"opcode":"setup","contextId":4}').kind, 'bad-body');
  assert.equal(decode('{"opcode":"setup","payload":{},"error":{"code":1,"message":"x"}}').kind, 'bad-body');
});

test('oversized messages are refused before parsing', () => {
  const d = decode(`{"opcode":"setup","payload":{"x":"${'a'.repeat(MAX_UI_MESSAGE_BYTES)}"}}`);
  assert.equal(d.kind, 'critical');
  assert.ok(d.kind === 'critical' && d.badData.length < 300);
});

test('request shapes come from the catalogue', () => {
  assert.equal(checkRequest('changePassword', { newPassword: 'x' }), null);
  assert.match(checkRequest('changePassword', {}) ?? '', /newPassword/);
  assert.match(checkRequest('changePassword', { newPassword: 5 }) ?? '', /string/);
  assert.equal(checkRequest('setup', { values: [] }), null);
  assert.ok(Object.values(CATALOGUE).every((s) => s.kind === 'conv' || s.kind === 'ff'));
});

test('fuzz: decode never throws and round-trips what encode writes', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
    const d = decode(s);
    assert.ok(['ok', 'critical', 'bad-body'].includes(d.kind));
  }), { numRuns: 5000, seed: 3 });
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.option(fc.nat()), fc.dictionary(fc.string(), fc.jsonValue()), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.boolean(),
    (opcode, ctx, payload, code, isError) => {
      const msg = { opcode, ...(ctx !== null ? { contextId: ctx } : {}), ...(isError ? { error: { code, message: opcode } } : { payload: payload as Record<string, unknown> }) };
      const d = decode(encode(msg));
      assert.equal(d.kind, 'ok');
      if (d.kind === 'ok') {
        assert.equal(d.msg.opcode, opcode);
        assert.equal(d.msg.contextId, ctx ?? undefined);
        if (isError) assert.equal(d.msg.error?.code, code);
        else assert.deepEqual(d.msg.payload, JSON.parse(JSON.stringify(payload)));
      }
    }), { numRuns: 2000, seed: 5 });
});
