import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '../../src/store/index.js';
import { anyRows, withDataDir } from '../helpers/store-tmp.js';
import { BURST_PASSWORD, REKEY_PASSWORDS, WRITER_CHAIN, burstValue } from '../helpers/store-writer.js';

const WRITER = fileURLToPath(new URL('../helpers/store-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Writer {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the lines so far once `until` holds for the last line; rejects on timeout or early exit. */
  waitFor(until: (line: string) => boolean, timeoutMs: number): Promise<string[]>;
  kill(): Promise<void>;
}

function startWriter(dataDir: string, mode: 'burst' | 'rekey'): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines,
    waitFor(until, timeoutMs) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < lines.length; seen++) {
            if (until(lines[seen] as string)) return done(() => resolve(lines.slice(0, seen + 1)));
          }
        };
        const timer = setTimeout(() => done(() => reject(new Error(`writer timed out; stderr: ${stderr}`))), timeoutMs);
        const onExit = () => done(() => reject(new Error(`writer exited early; stderr: ${stderr}`)));
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
          then();
        };
        waiters.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function withWriter<T>(dataDir: string, mode: 'burst' | 'rekey', use: (w: Writer) => Promise<T>): Promise<T> {
  const w = startWriter(dataDir, mode);
  try {
    return await use(w);
  } finally {
    await w.kill();
  }
}

async function withOpen<T>(dataDir: string, use: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore({ dataDir, chain: WRITER_CHAIN });
  try {
    return await use(s);
  } finally {
    await s.close();
  }
}

describe('store: kill -9 while writing', () => {
  it('every reported commit survives, secrets intact', { timeout: 120_000 }, () =>
    withDataDir(async (dir) => {
      const reported = await withWriter(dir, 'burst', async (w) => {
        await w.waitFor((l) => l === '250', 60_000);
        await w.kill();
        assert.equal(w.child.signalCode, 'SIGKILL');
        return w.lines.filter((l) => /^\d+$/.test(l)).map(Number);
      });
      assert.ok(reported.length >= 200, `only ${reported.length} commits`);
      reported.forEach((n, i) => assert.equal(n, i, 'commits are reported in order'));
      await withOpen(dir, async (s) => {
        await s.unlock(BURST_PASSWORD);
        for (const i of reported) {
          const name = `burst_${i}`;
          assert.equal(i % 2 === 0 ? anyRows(s).getConfig(name) : anyRows(s).getSecret(name), burstValue(i), name);
        }
        // a write in flight at the kill is either fully there or absent
        const next = reported.length;
        const got = next % 2 === 0 ? anyRows(s).getConfig(`burst_${next}`) : anyRows(s).getSecret(`burst_${next}`);
        assert.ok(got === undefined || got === burstValue(next));
      });
    }));

  it('during change-password, either the old or the new password opens every secret, never a mix', { timeout: 180_000 }, (t) =>
    withDataDir(async (dir) => {
      const secrets: Record<string, string> = {};
      for (let i = 0; i < 3000; i++) secrets[`s_${i}`] = `secret number ${i} `.repeat(1 + (i % 5));
      await withOpen(dir, async (s) => {
        await s.changePassword(undefined, REKEY_PASSWORDS[0]);
        await s.setSecret(secrets);
      });
      // Kill at different moments of the third change, scaled by how long the (warmed-up) second one took: most
      // fall in the re-sealing transaction, which follows the key derivation; some before and after it.
      const fractions = [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.96, 0.99, 1.02, 0.2, 1.3];
      const outcomes = { old: 0, new: 0 };
      for (const [round, fraction] of fractions.entries()) {
        const { inFlight, done } = await withWriter(dir, 'rekey', async (w) => {
          const second = await w.waitFor((l) => l.startsWith('changed 2 '), 60_000);
          const took = Number(second.at(-1)?.split(' ')[3]);
          assert.ok(took > 0, `round ${round}: change time`);
          await w.waitFor((l) => l.startsWith('changing 3 '), 60_000);
          await new Promise((r) => setTimeout(r, took * fraction));
          await w.kill();
          const last = (prefix: string) => w.lines.filter((l) => l.startsWith(prefix)).pop()?.split(' ');
          return { inFlight: last('changing '), done: last('changed ') };
        });
        assert.ok(inFlight && done, `round ${round}`);
        await withOpen(dir, async (s) => {
          const opens = await Promise.all(REKEY_PASSWORDS.map((pw) => s.checkPassword(pw)));
          assert.equal(opens.filter(Boolean).length, 1, `round ${round}: exactly one password works`);
          const current = opens[0] ? REKEY_PASSWORDS[0] : REKEY_PASSWORDS[1];
          assert.ok(current === inFlight[2] || current === done[2], `round ${round}: ${current} is the last finished or the in-flight one`);
          if (inFlight[1] !== done[1]) outcomes[current === done[2] ? 'old' : 'new'] += 1;
          await s.unlock(current);
          for (const [k, v] of Object.entries(secrets)) assert.equal(anyRows(s).getSecret(k), v, `round ${round}: ${k}`);
        });
      }
      t.diagnostic(`killed while a change was in flight: old password survived ${outcomes.old}×, new one ${outcomes.new}×`);
    }));
});
