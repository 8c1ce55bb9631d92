// Every shell script of the repository passes shellcheck: what git tracks that starts with #!/bin/sh or #!/bin/bash,
// or, for a file that is sourced (pi-gen's EXPORT_IMAGE), with a `# shellcheck shell=` line. shellcheck reads the
// dialect from that first line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/processes.js';

const FIRST_LINES = ['#!/bin/sh', '#!/bin/bash', '# shellcheck shell='];

function isShellScript(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(24);
    const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString();
    return FIRST_LINES.some((l) => text.startsWith(l));
  } finally {
    closeSync(fd);
  }
}

test('every shell script passes shellcheck', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT }).toString().split('\0').filter(Boolean);
  // test/fixtures/ holds other programs' scripts as data (Raspberry Pi Imager's firstrun.sh), read and never run.
  const scripts = tracked.filter((f) => !f.includes('node_modules/') && !f.startsWith('test/fixtures/') && isShellScript(join(ROOT, f)));
  for (const f of ['scripts/run.sh', 'packaging/debian/postinst', 'image/stage-masq/00-masq/00-run.sh', 'image/stage-masq/EXPORT_IMAGE']) {
    assert.ok(scripts.includes(f), `${f} is among the repository's scripts: ${scripts.join(' ')}`);
  }
  const r = spawnSync('shellcheck', scripts, { cwd: ROOT, encoding: 'utf8' });
  assert.notEqual(r.error?.message.includes('ENOENT'), true, 'shellcheck is needed: apt-get install shellcheck (make test-deps)');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
