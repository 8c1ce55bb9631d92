// Every shell script of the repository (what git tracks that starts with #!/bin/sh) passes shellcheck.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/processes.js';

function startsWithShebang(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    return head.subarray(0, readSync(fd, head, 0, 16, 0)).toString().startsWith('#!/bin/sh');
  } finally {
    closeSync(fd);
  }
}

test('every shell script passes shellcheck', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT }).toString().split('\0').filter(Boolean);
  // test/fixtures/ holds other programs' scripts as data (Raspberry Pi Imager's firstrun.sh), read and never run.
  const scripts = tracked.filter((f) => !f.includes('node_modules/') && !f.startsWith('test/fixtures/') && startsWithShebang(join(ROOT, f)));
  assert.ok(scripts.includes('scripts/run.sh') && scripts.includes('packaging/debian/postinst'), `the list is the repository's scripts: ${scripts.join(' ')}`);
  const r = spawnSync('shellcheck', ['--shell=sh', ...scripts], { cwd: ROOT, encoding: 'utf8' });
  assert.notEqual(r.error?.message.includes('ENOENT'), true, 'shellcheck is needed: apt-get install shellcheck (make test-deps)');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
