// masq setup-code: what it asks the Daemon and what it prints.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand } from '../../src/cli/commands.js';
import { scriptedIo as io } from '../helpers/cli-io.js';


test('masq setup-code prints the code and where to type it', async () => {
  const h = io({ claimed: false, code: 'ABCD-EFGH' });
  assert.equal(await runCommand('setup-code', [], h.cio), 0);
  assert.deepEqual(h.asked, [['setupCode', {}]]);
  assert.equal(h.out[0], 'Setup code: ABCD-EFGH');
  assert.match(h.out[1] ?? '', /^Type it on the box's setup page \(http:\/\/.+\.local\/ on this network\)/);
});

test('masq setup-code --reset asks for a new code; a claimed box says how to reset', async () => {
  const r = io({ claimed: false, code: 'WXYZ-2345' });
  assert.equal(await runCommand('setup-code', ['--reset'], r.cio), 0);
  assert.deepEqual(r.asked, [['setupCode', { reset: true }]]);
  assert.match(r.out[0] ?? '', /^New setup code: WXYZ-2345 \(the admin password was forgotten\)/);
  const c = io({ claimed: true });
  assert.equal(await runCommand('setup-code', [], c.cio), 0);
  assert.match(c.out.join('\n'), /already claimed.*\n.*masq setup-code --reset/);
  const bad = io({});
  assert.equal(await runCommand('setup-code', ['--force'], bad.cio), 1);
  assert.match(bad.err.join('\n'), /Unexpected argument '--force'[\s\S]*Usage: masq setup-code \[--reset\]/);
  assert.equal(bad.asked.length, 0);
});
