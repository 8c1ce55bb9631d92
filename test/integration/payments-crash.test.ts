// Crash safety of payments against a real chain: the payer (test/helpers/payer-worker.ts, wired as the Node wires
// it) is killed with SIGKILL at random moments of its payment cycles, many times, while new debts keep arriving;
// each restart carries on from its books. In the end the chain must show every creditor paid exactly what was
// booked to it: a debt paid twice or lost shows up as a balance that is off.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Wallet, parseEther } from 'ethers';
import { Books } from '../../src/accountant/books.js';
import { Erc20Bridge } from '../../src/blockchain/erc20-bridge.js';
import { openStore } from '../../src/store/index.js';
import { type DeployedToken, type TestChain, deployDevToken, fundConsumer, startChain } from '../helpers/chain.js';
import { PAYER_CHAIN, owesNothing, seededRandom } from '../helpers/payer-worker.js';
import { ROOT, Sandbox, waitFor } from '../helpers/processes.js';

const WORKER = join(ROOT, 'test', 'helpers', 'payer-worker.ts');
const SEED = Number(process.env.PAYMENTS_CRASH_SEED ?? 20261123);
const CREDITORS = 8;
const KILLS = 30;
/** Longest pause the worker takes at each step, so that kills can land between the steps. */
const STEP_DELAY_MS = 40;
/** A kill comes this long at most after the worker said it is ready. */
const KILL_WINDOW_MS = 500;
const FUNDED = parseEther('1000');
/** Where a kill may land inside a payment cycle (the worker's step names). */
const CYCLE_PHASES = ['signed', 'journaled', 'send-first', 'send-next', 'sent', 'receipts', 'settled', 'reconcile', 'resend', 'resent', 'resent-receipts'];
/**
 * The moments that matter most, each of which every run must have killed at least once: signed but not journaled,
 * journaled but not sent, between two sends of a batch, sent but no receipts read, receipts read but not settled.
 * Every other kill aims at one of them (killed on seeing the worker reach it); the rest come at random times.
 */
const AIMED_PHASES = ['signed', 'journaled', 'send-next', 'sent', 'receipts'];

/** The promise's value, or undefined once `ms` have passed; the timer does not outlive the race. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

interface Run {
  lines: string[];
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
  output(): string;
}

describe('payments: kill -9 during payment cycles', () => {
  const sandbox = new Sandbox();
  let chain: TestChain;
  let token: DeployedToken;
  let consumer: Wallet;
  let dataDir: string;

  before(async () => {
    chain = await startChain(sandbox);
    token = await deployDevToken(chain);
    consumer = await fundConsumer(chain, token, parseEther('100'), FUNDED);
    dataDir = join(sandbox.tempDir('masq-payer-'), 'data');
  });

  after(async () => {
    chain?.provider.destroy();
    await sandbox.cleanup();
  });

  /** `killAt`: SIGKILL as soon as the worker says it reached this phase. */
  function startWorker(seed: number, killAt?: string): Run {
    const t = sandbox.spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir, chain.url], {
      PAYER_KEY: consumer.privateKey.slice(2), PAYER_DELAY_MS: String(STEP_DELAY_MS), PAYER_SEED: String(seed),
    });
    const lines: string[] = [];
    let partial = '';
    t.child.stdout?.on('data', (d: Buffer) => {
      const parts = (partial + d.toString()).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (killAt && parts.includes(`@phase ${killAt}`)) t.child.kill('SIGKILL');
    });
    // 'close' comes after the pipes are drained: every line the worker wrote before dying has been read by then.
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => t.child.once('close', (code, signal) => r({ code, signal })));
    return { lines, closed, kill: () => t.child.kill('SIGKILL'), output: t.output };
  }

  async function withBooks<T>(use: (books: Books) => Promise<T> | T): Promise<T> {
    const store = await openStore({ dataDir, chain: PAYER_CHAIN });
    try {
      return await use(new Books(store.books()));
    } finally {
      await store.close();
    }
  }

  it('pays every creditor exactly what it was owed, however often the payer dies', { timeout: 120_000 }, async (t) => {
    const random = seededRandom(SEED);
    const creditors = Array.from({ length: CREDITORS }, () => Wallet.createRandom().address.toLowerCase());
    const owed = new Map<string, bigint>(creditors.map((c) => [c, 0n]));
    // Booked an hour back, so that every debt is past maturity for the worker's clock (ALL_DUE_THRESHOLDS).
    const bookedAt = Math.floor(Date.now() / 1000) - 3600;
    // Amounts from 1 wei to ~10^18 wei: payments of very different sizes.
    const amount = (): bigint => BigInt(1 + Math.floor(random() * 1_000_000)) * 10n ** BigInt(Math.floor(random() * 13));
    const addDebts = (): Promise<void> => withBooks(async (books) => {
      // A random half or more of the creditors, some of them with a payment still in flight from before.
      for (const c of creditors.filter((_, i) => i === 0 || random() < 0.6)) {
        const a = amount();
        await books.recordServiceConsumed(c, a, bookedAt);
        owed.set(c, (owed.get(c) ?? 0n) + a);
      }
    });

    const killedIn = new Map<string, number>();
    let kills = 0;
    let finishedRuns = 0;
    let debtRounds = 0;
    let lastFinished = true;
    for (let start = 0; kills < KILLS; start++) {
      assert.ok(start < KILLS * 3, `only ${kills} kills landed in ${start} starts`);
      if (lastFinished || start % 2 === 0) {
        await addDebts();
        debtRounds++;
      }
      const aim = start % 2 === 0 ? AIMED_PHASES[(start / 2) % AIMED_PHASES.length] : undefined;
      const run = startWorker(SEED + start, aim);
      await waitFor('the payer to be ready', () => run.lines.includes('@ready') || run.lines.includes('@done'), 30_000, 10).catch(async (e: unknown) => {
        run.kill();
        await run.closed;
        throw new Error(`${String(e)}\n${run.output()}`);
      });
      const wait = aim ? 15_000 : Math.floor(random() * KILL_WINDOW_MS);
      if (!(await within(run.closed, wait))) run.kill();
      const { code, signal } = await run.closed;
      lastFinished = signal !== 'SIGKILL';
      if (lastFinished) {
        // It got through every cycle before the kill: it must have finished properly.
        assert.equal(code, 0, `the payer failed:\n${run.output()}`);
        assert.ok(run.lines.includes('@done'), run.output());
        finishedRuns++;
        continue;
      }
      kills++;
      const phase = run.lines.filter((l) => l.startsWith('@phase ')).pop()?.slice('@phase '.length) ?? 'start-up';
      killedIn.set(phase, (killedIn.get(phase) ?? 0) + 1);
    }

    // The last run goes to the end: everything journaled is settled, everything owed is paid.
    const last = startWorker(SEED + 1_000_000);
    const end = await within(last.closed, 40_000);
    if (!end) last.kill();
    assert.deepEqual(end, { code: 0, signal: null }, `the last run did not finish:\n${last.output()}`);
    assert.ok(last.lines.includes('@done'), last.output());

    const bridge = new Erc20Bridge({ url: chain.url, chain: PAYER_CHAIN });
    try {
      const total = [...owed.values()].reduce((s, a) => s + a, 0n);
      for (const [c, a] of owed) assert.equal(await bridge.balanceOf(c), a, `creditor ${c}: on chain vs booked`);
      assert.equal(await bridge.balanceOf(consumer.address), FUNDED - total, 'the consumer paid exactly the sum of the debts');
      await withBooks((books) => {
        assert.ok(owesNothing(books), 'no payable balance, nothing pending');
        assert.deepEqual(books.journal(), []);
        const totals = books.totals();
        assert.equal(totals.unpaidAndPendingPayableWei, 0n);
        assert.equal(totals.paidPayableWei, total, 'paid totals equal what the chain moved');
      });
    } finally {
      bridge.close();
    }

    const cyclePhases = CYCLE_PHASES.filter((p) => killedIn.has(p));
    t.diagnostic(`${kills} kills in ${kills + finishedRuns} runs (${finishedRuns} finished), ${debtRounds} rounds of debts; killed in: ${[...killedIn].map(([p, n]) => `${p}×${n}`).join(', ')}`);
    // Otherwise the kills could all have landed outside the cycle, and the test would prove nothing.
    assert.ok(cyclePhases.length >= 3, `kills landed in only ${cyclePhases.join(', ') || 'no'} cycle phases`);
    for (const p of AIMED_PHASES) assert.ok(killedIn.has(p), `no kill landed in phase ${p}`);
    assert.ok(kills >= KILLS);
  });
});
