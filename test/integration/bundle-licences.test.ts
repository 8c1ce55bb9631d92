// Every npm package esbuild compiles into the programs (dist/bundled-packages.json, written by the build) is named
// in the Debian copyright file's stanza for the bundles, so a new dependency cannot ship without its licence.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/processes.js';

test('the copyright file names every package bundled into masq and masq-node', () => {
  const bundled = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundled-packages.json'), 'utf8')) as string[];
  assert.ok(bundled.includes('ws') && bundled.includes('smol-toml'), 'the list comes from the real bundles');
  const copyright = readFileSync(join(ROOT, 'packaging', 'debian', 'copyright'), 'utf8');
  const stanza = copyright.slice(copyright.indexOf('Files: usr/lib/masq/masq.js'), copyright.indexOf('\n\n', copyright.indexOf('Files: usr/lib/masq/masq.js')));
  for (const p of bundled) assert.ok(stanza.includes(p), `the bundles' copyright stanza names ${p}`);
});
