// The layering rules (.dependency-cruiser.cjs) fire: a small tree with one break of each kind is cruised with the
// project's own configuration, and every break is reported under its rule. `make lint` cruises the real src/.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

/** A fixture src/ tree: file → its text. */
const TREE: Record<string, string> = {
  'src/system/index.ts': "export { upward } from './upward.js';\n",
  // ground floor reaching up to a program
  'src/system/upward.ts': "import { run } from '../node/index.js';\nexport const upward = run;\n",
  'src/node/index.ts': "export const run = 1;\nexport { a } from './a.js';\n",
  // a cycle inside one folder
  'src/node/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
  'src/node/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  // a subsystem reaching past wire's entry file
  'src/wire/index.ts': "export const codec = 1;\n",
  'src/wire/frame.ts': 'export const frame = 2;\n',
  'src/hopper/index.ts': "import { frame } from '../wire/frame.js';\nexport const hop = frame;\n",
  // two folders on one floor
  'src/proxy/index.ts': "import { hop } from '../hopper/index.js';\nexport const proxy = hop;\n",
  // a folder without a floor
  'src/gizmo/index.ts': "import { codec } from '../wire/index.js';\nexport const gizmo = codec;\n",
};

function cruise(dir: string): Promise<string> {
  return new Promise((res) => {
    execFile(DEPCRUISE, ['--config', join(ROOT, '.dependency-cruiser.cjs'), 'src'], { cwd: dir, timeout: 60_000 }, (_err, stdout, stderr) => res(stdout + stderr));
  });
}

describe('layering rules', () => {
  it('report a floor break, a cycle, a bypassed entry file, a same-floor import and an unknown folder by rule name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'masq-layering-'));
    try {
      for (const [path, text] of Object.entries(TREE)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
      const out = await cruise(dir);
      assert.match(out, /error floor-ground: src\/system\/upward\.ts → src\/node\/index\.ts/, out);
      assert.match(out, /error no-cycle: src\/node\/a\.ts → \s*src\/node\/b\.ts/, out);
      assert.match(out, /error entry-file-only: src\/hopper\/index\.ts → src\/wire\/frame\.ts/, out);
      assert.match(out, /error floor-subsystems: src\/proxy\/index\.ts → src\/hopper\/index\.ts/, out);
      assert.match(out, /error no-unknown-folder: src\/gizmo\/index\.ts → src\/wire\/index\.ts/, out);
      assert.doesNotMatch(out, /src\/node\/index\.ts → src\/node\/a\.ts/, 'a folder may use its own files');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
