// Crash safety of payments against a real chain: the payer (test/helpers/payer-worker.ts, wired as the Node wires
// it) is killed with SIGKILL at random moments of its payment cycles, many times, while new debts keep arriving;
// each restart carries on from its books. In the end the chain must show every creditor paid exactly what was
// booked to it: a debt paid twice or lost shows up as a balance that is off. The second case keeps payments stuck
// in the pool (blocks with a base fee above the first bids), so the kills also land while stuck payments are bid again.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Wallet, parseEther, parseUnits, toQuantity } from 'ethers';
import { Books } from '../../src/accountant/books.js';
import { Erc20Bridge } from '../../src/blockchain/erc20-bridge.js';
import { openStore } from '../../src/store/index.js';
import { type TestChain, deployDevToken, fundConsumer, startChain } from '../helpers/chain.js';
import { PAYER_CHAIN, owesNothing, seededRandom, sleep } from '../helpers/payer-worker.js';
import { ROOT, Sandbox, waitFor } from '../helpers/processes.js';

const WORKER = join(ROOT, 'test', 'helpers', 'payer-worker.ts');
const SEED = Number(process.env.PAYMENTS_CRASH_SEED ?? 20261123);
/** Longest pause the worker takes at each step, so that kills can land between the steps. */
const STEP_DELAY_MS = 40;
/** Where a kill may land inside a payment cycle (the worker's step names). */
const CYCLE_PHASES = ['signed', 'journaled', 'send-first', 'send-next', 'sent', 'receipts', 'settled', 'reconcile', 'resend', 'resent',
  'resent-receipts', 'rebid-signed', 'rebid-journaled', 'rebid-send'];

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

interface Campaign {
  kills: number;
  /** Every other start aims its kill at one of these phases in turn (killed on seeing the worker reach it). */
  aimed: readonly string[];
  /** The other kills come at a random moment this long at most after the worker is ready. */
  windowMs: number;
  /** Extra environment of the worker. */
  env: NodeJS.ProcessEnv;
  /** Books new debts before a start; `lastFinished` after a run that paid everything. */
  debts(start: number, lastFinished: boolean): Promise<void>;
}

describe('payments: kill -9 during payment cycles', () => {
  const sandbox = new Sandbox();
  const random = seededRandom(SEED);
  let chain: TestChain;
  let consumer: Wallet;

  before(async () => {
    chain = await startChain(sandbox);
    const token = await deployDevToken(chain);
    consumer = await fundConsumer(chain, token, parseEther('100'), parseEther('1000'));
  });

  after(async () => {
    chain?.provider.destroy();
    await sandbox.cleanup();
  });

  /** `killAt`: SIGKILL as soon as the worker says it reached this phase. */
  function startWorker(dataDir: string, env: NodeJS.ProcessEnv, seed: number, killAt?: string): Run {
    const t = sandbox.spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir, chain.url], {
      PAYER_KEY: consumer.privateKey.slice(2), PAYER_DELAY_MS: String(STEP_DELAY_MS), PAYER_SEED: String(seed), ...env,
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

  async function withBooks<T>(dataDir: string, use: (books: Books) => Promise<T> | T): Promise<T> {
    const store = await openStore({ dataDir, chain: PAYER_CHAIN });
    try {
      return await use(new Books(store.books()));
    } finally {
      await store.close();
    }
  }

  /** Creditors and what was booked to each, in one payer's books. */
  function ledger(dataDir: string, count: number) {
    const creditors = Array.from({ length: count }, () => Wallet.createRandom().address.toLowerCase());
    const owed = new Map<string, bigint>(creditors.map((c) => [c, 0n]));
    // Amounts from 1 wei to ~10^18 wei: payments of very different sizes.
    const amount = (): bigint => BigInt(1 + Math.floor(random() * 1_000_000)) * 10n ** BigInt(Math.floor(random() * 13));
    return {
      owed,
      total: () => [...owed.values()].reduce((s, a) => s + a, 0n),
      /** Debts to the first creditor and a random part of the others, some with a payment still in flight. */
      add: (): Promise<void> => withBooks(dataDir, async (books) => {
        // Booked an hour back, so that every debt is past maturity for the worker's clock (ALL_DUE_THRESHOLDS).
        const bookedAt = Math.floor(Date.now() / 1000) - 3600;
        for (const c of creditors.filter((_, i) => i === 0 || random() < 0.6)) {
          const a = amount();
          await books.recordServiceConsumed(c, a, bookedAt);
          owed.set(c, (owed.get(c) ?? 0n) + a);
        }
      }),
    };
  }

  /** Starts and kills the worker until `c.kills` kills landed, then lets it finish; where each kill landed. */
  async function killRepeatedly(dataDir: string, c: Campaign): Promise<{ killedIn: Map<string, number>; runs: number }> {
    const killedIn = new Map<string, number>();
    let kills = 0;
    let lastFinished = true;
    let start = 0;
    for (; kills < c.kills; start++) {
      assert.ok(start < c.kills * 3, `only ${kills} kills landed in ${start} starts`);
      await c.debts(start, lastFinished);
      const aim = start % 2 === 0 ? c.aimed[(start / 2) % c.aimed.length] : undefined;
      const run = startWorker(dataDir, c.env, SEED + start, aim);
      await waitFor('the payer to be ready', () => run.lines.includes('@ready') || run.lines.includes('@done'), 30_000, 10).catch(async (e: unknown) => {
        run.kill();
        await run.closed;
        throw new Error(`${String(e)}\n${run.output()}`);
      });
      if (!(await within(run.closed, aim ? 20_000 : Math.floor(random() * c.windowMs)))) run.kill();
      const { code, signal } = await run.closed;
      lastFinished = signal !== 'SIGKILL';
      if (lastFinished) {
        // It got through every cycle before the kill: it must have finished properly.
        assert.equal(code, 0, `the payer failed:\n${run.output()}`);
        assert.ok(run.lines.includes('@done'), run.output());
        continue;
      }
      kills++;
      const phase = run.lines.filter((l) => l.startsWith('@phase ')).pop()?.slice('@phase '.length) ?? 'start-up';
      killedIn.set(phase, (killedIn.get(phase) ?? 0) + 1);
    }
    // The last run goes to the end: everything journaled is settled, everything owed is paid.
    const last = startWorker(dataDir, c.env, SEED + 1_000_000);
    const end = await within(last.closed, 40_000);
    if (!end) last.kill();
    assert.deepEqual(end, { code: 0, signal: null }, `the last run did not finish:\n${last.output()}`);
    assert.ok(last.lines.includes('@done'), last.output());
    return { killedIn, runs: start + 1 };
  }

  /** The chain and the books agree with what was booked: each creditor paid exactly its debts, once. */
  async function assertAllPaid(dataDir: string, owed: Map<string, bigint>, total: bigint, consumerBefore: bigint): Promise<void> {
    const bridge = new Erc20Bridge({ url: chain.url, chain: PAYER_CHAIN });
    try {
      for (const [c, a] of owed) assert.equal(await bridge.balanceOf(c), a, `creditor ${c}: on chain vs booked`);
      assert.equal(await bridge.balanceOf(consumer.address), consumerBefore - total, 'the consumer paid exactly the sum of the debts');
    } finally {
      bridge.close();
    }
    await withBooks(dataDir, (books) => {
      assert.ok(owesNothing(books), 'no payable balance, nothing pending');
      assert.deepEqual(books.journal(), []);
      const totals = books.totals();
      assert.equal(totals.unpaidAndPendingPayableWei, 0n);
      assert.equal(totals.paidPayableWei, total, 'paid totals equal what the chain moved');
    });
  }

  async function tokenBalance(): Promise<bigint> {
    const bridge = new Erc20Bridge({ url: chain.url, chain: PAYER_CHAIN });
    try {
      return await bridge.balanceOf(consumer.address);
    } finally {
      bridge.close();
    }
  }

  const describeKills = (k: { killedIn: Map<string, number>; runs: number }): string =>
    `${[...k.killedIn.values()].reduce((a, b) => a + b, 0)} kills in ${k.runs} runs; killed in: ${[...k.killedIn].map(([p, n]) => `${p}×${n}`).join(', ')}`;

  it('pays every creditor exactly what it was owed, however often the payer dies', { timeout: 120_000 }, async (t) => {
    const dataDir = join(sandbox.tempDir('masq-payer-'), 'data');
    const debts = ledger(dataDir, 8);
    const before = await tokenBalance();
    // Signed but not journaled, journaled but not sent, between two sends of a batch, sent but no receipts read,
    // receipts read but not settled: each must have been killed at least once.
    const aimed = ['signed', 'journaled', 'send-next', 'sent', 'receipts'];
    const k = await killRepeatedly(dataDir, {
      kills: 24, aimed, windowMs: 500, env: {},
      debts: async (start, lastFinished) => {
        if (lastFinished || start % 2 === 0) await debts.add();
      },
    });
    t.diagnostic(describeKills(k));
    await assertAllPaid(dataDir, debts.owed, debts.total(), before);
    // Otherwise the kills could all have landed outside the cycle, and the test would prove nothing.
    const cyclePhases = CYCLE_PHASES.filter((p) => k.killedIn.has(p));
    assert.ok(cyclePhases.length >= 3, `kills landed in only ${cyclePhases.join(', ') || 'no'} cycle phases`);
    for (const p of aimed) assert.ok(k.killedIn.has(p), `no kill landed in phase ${p}`);
  });

  it('a payment stuck in the pool is bid again and paid once, however often the payer dies while bidding', { timeout: 120_000 }, async (t) => {
    const dataDir = join(sandbox.tempDir('masq-payer-'), 'data');
    const debts = ledger(dataDir, 4);
    const before = await tokenBalance();
    // Blocks come only from the test, all with a base fee of 1.5 gwei: bids of 1 and 1.25 gwei (+25%) wait in the
    // pool, the third bid (1.5625 gwei) is mined.
    await chain.provider.send('evm_setAutomine', [false]);
    let mining = true;
    const miner = (async () => {
      while (mining) {
        await chain.provider.send('hardhat_setNextBlockBaseFeePerGas', [toQuantity(parseUnits('1.5', 'gwei'))]);
        await chain.provider.send('evm_mine', []);
        await sleep(200);
      }
    })();
    try {
      const aimed = ['rebid-signed', 'rebid-journaled', 'rebid-send'];
      const k = await killRepeatedly(dataDir, {
        kills: 10, aimed, windowMs: 3_000,
        env: { PAYER_GAS_PRICE_GWEI: '1', PAYER_REPLACE_AFTER_SEC: '1', PAYER_RECEIPT_WAIT_MS: '200' },
        debts: async (start, lastFinished) => {
          if (lastFinished || start === 5) await debts.add();
        },
      });
      t.diagnostic(describeKills(k));
      await assertAllPaid(dataDir, debts.owed, debts.total(), before);
      for (const p of aimed) assert.ok(k.killedIn.has(p), `no kill landed in phase ${p}`);
    } finally {
      // A failing miner or a dead chain has already failed the test (the last run cannot finish without blocks).
      mining = false;
      await miner.catch(() => undefined);
      await chain.provider.send('evm_setAutomine', [true]).catch(() => undefined);
    }
  });
});
