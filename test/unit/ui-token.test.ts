// The UI token: who may drive the Daemon and the Node under systemd. Real servers on 127.0.0.1, real clients.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UiClient, uiAnswers } from '../../src/ui/client.js';
import { startUiServer } from '../../src/ui/server.js';
import { groupAction, groupId, newUiToken, permissionDenied, readUiToken, tokenFilePath, tokenMatches, writeUiTokenFile } from '../../src/ui/token.js';
import { MasqError, describeError } from '../../src/system/errors.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { Sandbox } from '../helpers/processes.js';

const log = createLogger(createLogCore('off'), 'test');
const sandbox = new Sandbox();
after(() => sandbox.cleanup());

test('tokens: 32 random bytes in base64url, compared in constant time', () => {
  const t = newUiToken();
  assert.match(t, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newUiToken(), t);
  assert.equal(tokenMatches(t, t), true);
  assert.equal(tokenMatches(`${t}x`, t), false);
  assert.equal(tokenMatches(undefined, t), false);
  assert.equal(tokenMatches([t], t), false, 'a repeated header is no token');
});

test('the token file: where masq looks, its group and mode', () => {
  assert.equal(tokenFilePath({}), '/run/masq/ui-token');
  assert.equal(tokenFilePath({ MASQ_UI_TOKEN_FILE: '/tmp/t' }), '/tmp/t');
  const groups = 'root:x:0:\nmasq:x:998:\nmasq-admin:x:997:alice,bob\n';
  assert.equal(groupId('masq-admin', groups), 997);
  assert.equal(groupId('masq', groups), 998);
  assert.equal(groupId('wheel', groups), undefined);
  assert.equal(groupAction(997, 997), undefined, 'Group=masq-admin in the unit made it right already');
  assert.deepEqual(groupAction(0, 997), { chown: 997 });
  assert.match((groupAction(0, undefined) as { warn: string }).warn, /no group masq-admin/);

  const dir = sandbox.tempDir();
  const myGid = statSync(dir).gid;
  const warning = writeUiTokenFile(dir, 'tok-tok-tok-tok-tok', () => `masq-admin:x:${myGid}:\n`);
  assert.equal(warning, undefined);
  const file = join(dir, 'ui-token');
  assert.equal(statSync(file).mode & 0o777, 0o640);
  assert.equal(readFileSync(file, 'utf8'), 'tok-tok-tok-tok-tok\n');
  assert.equal(readUiToken({ MASQ_UI_TOKEN_FILE: file }), 'tok-tok-tok-tok-tok');
  assert.equal(readUiToken({ MASQ_UI_TOKEN_FILE: join(dir, 'missing') }), undefined);
});

test('the sentence a user outside masq-admin reads', () => {
  assert.equal(describeError(permissionDenied('carol')), 'Permission denied: only members of masq-admin (or root) can use masq here; ask an administrator to add you: adduser carol masq-admin');
});

test('a server with a token refuses upgrades without it or with a wrong one (401), accepts the right one', async () => {
  const token = newUiToken();
  const server = await startUiServer({ port: 0, log, token, onMessage: (c, m) => c.send({ opcode: m.opcode, contextId: m.contextId ?? 0, payload: { ok: true } }) });
  try {
    await assert.rejects(UiClient.connect(server.port, 1000), (e) => e instanceof MasqError && e.code === 'UI_PERMISSION');
    await assert.rejects(UiClient.connect(server.port, 1000, newUiToken()), (e) => e instanceof MasqError && e.code === 'UI_PERMISSION');
    assert.equal(await uiAnswers(server.port, 1000), false);
    assert.equal(await uiAnswers(server.port, 1000, token), true);
    const c = await UiClient.connect(server.port, 1000, token);
    assert.deepEqual(await c.request('descriptor', {}), { ok: true });
    c.close();
  } finally {
    await server.close();
  }
});

test('without a token configured the server stays open; a redirect to the Node carries the token', async () => {
  const open = await startUiServer({ port: 0, log, onMessage: () => undefined });
  assert.equal(await uiAnswers(open.port, 1000), true);
  await open.close();

  const token = newUiToken();
  const node = await startUiServer({ port: 0, log, token, onMessage: (c, m) => c.send({ opcode: m.opcode, contextId: m.contextId ?? 0, payload: { from: 'node' } }) });
  const daemon = await startUiServer({
    port: 0, log, token,
    onMessage: (c, m) => c.send({ opcode: 'redirect', payload: { port: node.port, opcode: m.opcode, contextId: m.contextId, payload: '{}' } }),
  });
  try {
    const c = await UiClient.connect(daemon.port, 1000, token);
    assert.deepEqual(await c.request('descriptor', {}), { from: 'node' });
    assert.deepEqual(c.target(), { port: node.port, node: true });
    c.close();
  } finally {
    await daemon.close();
    await node.close();
  }
});
