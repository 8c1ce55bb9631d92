// masq-wifi's own I/O on this machine: the state file (0600, written whole), the bounded line reader, and the
// foreground programs it runs: their lines arrive, an exit by itself is reported, a stop ends them.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogCore, createLogger } from '../../src/system/index.js';
import { lineSplitter, MAX_LINE, runTool, startLineProcess } from '../../src/wifi/processes.js';
import { loadState, saveState, STATE_FILE } from '../../src/wifi/state-file.js';

const dir = mkdtempSync(join(tmpdir(), 'masq-wifi-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const log = createLogger(createLogCore('off'), 'wifi');

test('the state file: absent is empty; saved root\'s alone; too large refused', () => {
  assert.deepEqual(loadState(dir), { country: '' });
  saveState(dir, { country: 'GB', hotspotCode: 'ABCD-EFGH' });
  assert.equal(statSync(join(dir, STATE_FILE)).mode & 0o777, 0o600);
  assert.deepEqual(loadState(dir), { country: 'GB', hotspotCode: 'ABCD-EFGH' });
  writeFileSync(join(dir, STATE_FILE), ' '.repeat(10_000));
  assert.throws(() => loadState(dir), { code: 'WIFI' });
});

test('lines: split on newlines across chunks, cut at MAX_LINE', () => {
  const lines: string[] = [];
  const feed = lineSplitter((l) => lines.push(l));
  feed('one\ntw');
  feed('o\n');
  feed('x'.repeat(MAX_LINE + 10));
  feed('\n');
  assert.deepEqual(lines.map((l) => l.slice(0, 5)), ['one', 'two', 'xxxxx', '']);
  assert.equal(lines[2]?.length, MAX_LINE);
});

test('a foreground program: its lines, its own exit reported, a stop ends it and is not reported', async () => {
  const lines: string[] = [];
  const exits: string[] = [];
  await new Promise<void>((resolve) => {
    startLineProcess('sh', ['-c', 'echo out; echo err >&2; exit 3'], (l) => lines.push(l), (why) => {
      exits.push(why);
      resolve();
    }, log);
  });
  assert.deepEqual(lines.sort(), ['err', 'out']);
  assert.match(exits[0] ?? '', /sh exited \(code 3\)/);
  const stopped: string[] = [];
  const p = startLineProcess('sh', ['-c', 'echo up; exec sleep 30'], () => undefined, (why) => stopped.push(why), log);
  const t0 = Date.now();
  await p.stop();
  assert.ok(Date.now() - t0 < 4000, 'SIGTERM was enough');
  assert.deepEqual(stopped, []);
  const missing: string[] = [];
  await new Promise<void>((resolve) => {
    startLineProcess('masq-no-such-program', [], () => undefined, (why) => {
      missing.push(why);
      resolve();
    }, log);
  });
  assert.equal(missing.length, 1);
});

test('a tool: its output, or a WifiError with the first line it said; bounded in time', async () => {
  assert.equal(await runTool('sh', ['-c', 'echo hello'], 5000), 'hello\n');
  await assert.rejects(runTool('sh', ['-c', 'echo "nl80211 not found" >&2; exit 1'], 5000), (e: Error & { problem?: string }) => e.problem === 'internal' && /nl80211 not found/.test(e.message));
  await assert.rejects(runTool('sleep', ['10'], 200), { problem: 'internal' });
});
