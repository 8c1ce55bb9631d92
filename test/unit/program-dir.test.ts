import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { CHUNK_DIR, programDir } from '../../src/system/index.js';

test('the programs\' directory: the bundle\'s own, a chunk\'s parent, or dist/ from the source tree', () => {
  assert.equal(programDir('file:///usr/lib/masq/masq-node.js'), '/usr/lib/masq');
  assert.equal(programDir(`file:///usr/lib/masq/${CHUNK_DIR}/chunk-ABCD1234.js`), '/usr/lib/masq', 'a chunk reads beside the programs');
  assert.equal(programDir(pathToFileURL(join('/work/x', 'src', 'geo', 'load.ts')).href), join('/work/x', 'dist'));
  assert.equal(programDir('file:///opt/other/lib.js'), '/opt/other');
});
