// The money side for make bench: what the books cost per relayed MB (CPU), and how long one payable scan paying N
// creditors takes against a local hardhat chain (automine), wired as the Node wires it (test/helpers/payer-worker.ts).
// Run alone: node --import tsx bench/payments.ts

import { join } from 'node:path';
import { setImmediate as nextTick } from 'node:timers/promises';
import { Wallet, parseEther } from 'ethers';
import { ChargeBuffer } from '../src/accountant/charges.js';
import { Books } from '../src/accountant/books.js';
import { openStore } from '../src/store/index.js';
import { createLogCore, createLogger } from '../src/system/logger.js';
import { deployDevToken, fundConsumer, startChain } from '../test/helpers/chain.js';
import { PAYER_CHAIN, owesNothing, wirePayments } from '../test/helpers/payer-worker.js';
import { BenchSandbox, type Emit, emitLine } from './common.js';

/** One charge per relayed 16 KiB cell, as the hopper books them. */
const CHARGES_PER_MB = (1024 * 1024) / (16 * 1024);
const ACCOUNTING_MB = Number(process.env.BENCH_ACCOUNTING_MB ?? 256);
const PAYERS = 4;
const CYCLE_SIZES = [1, 10, 50];
const CYCLE_RUNS = 3;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** Books the charges of `mb` relayed MB; `serial` awaits each charge's commit before the next one. */
async function bookRelayedMb(books: Books, payers: string[], mb: number, serial: boolean): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  for (let m = 0; m < mb; m++) {
    const inFlight: Promise<void>[] = [];
    for (let c = 0; c < CHARGES_PER_MB; c++) {
      const charge = books.recordServiceProvided(payers[c % payers.length] as string, 53_844n + 107_688n * 16_384n, now);
      if (serial) await charge;
      else {
        // The hopper books a charge per cell and does not wait for it; the next cell comes in a later tick.
        inFlight.push(charge);
        await nextTick();
      }
    }
    await Promise.all(inFlight);
  }
}

async function accountingFigures(emit: Emit, dir: string): Promise<void> {
  const store = await openStore({ dataDir: join(dir, 'accounting'), chain: PAYER_CHAIN });
  try {
    const books = new Books(store.books());
    const payers = Array.from({ length: PAYERS }, () => Wallet.createRandom().address);
    await bookRelayedMb(books, payers, 8, false); // warm-up
    // What the Node does: a charge per cell into the ChargeBuffer, written about once a second.
    const buffer = new ChargeBuffer(books, () => Math.floor(Date.now() / 1000), createLogger(createLogCore('warn'), 'Accountant'));
    let cpu = process.cpuUsage();
    const t0 = performance.now();
    for (let c = 0; c < ACCOUNTING_MB * CHARGES_PER_MB; c++) {
      buffer.add('receivable', payers[c % payers.length] as string, 53_844n + 107_688n * 16_384n);
      if (c % CHARGES_PER_MB === 0) await nextTick();
    }
    await buffer.flush();
    const wall = performance.now() - t0;
    emit('accounting_cpu_per_mb', cpuMs(cpu) / ACCOUNTING_MB, 'ms/MB');
    emit('accounting_charges_per_s', (ACCOUNTING_MB * CHARGES_PER_MB) / (wall / 1000), 'charges/s');
    cpu = process.cpuUsage();
    await bookRelayedMb(books, payers, ACCOUNTING_MB, false);
    emit('accounting_cpu_per_mb_unbuffered', cpuMs(cpu) / ACCOUNTING_MB, 'ms/MB');
    const serialMb = Math.max(1, ACCOUNTING_MB / 4);
    cpu = process.cpuUsage();
    await bookRelayedMb(books, payers, serialMb, true);
    emit('accounting_cpu_per_mb_serial', cpuMs(cpu) / serialMb, 'ms/MB');
  } finally {
    await store.close();
  }
}

async function cycleFigures(emit: Emit, sandbox: BenchSandbox, dir: string): Promise<void> {
  const chain = await startChain(sandbox);
  const store = await openStore({ dataDir: join(dir, 'payer'), chain: PAYER_CHAIN });
  const books = new Books(store.books());
  try {
    const token = await deployDevToken(chain);
    const funded = parseEther('1000000');
    const consumer = await fundConsumer(chain, token, parseEther('1000'), funded);
    const { payments, bridge } = wirePayments({ books, url: chain.url, consumingKey: consumer.privateKey, log: createLogger(createLogCore('warn'), 'Payer') });
    let total = 0n;
    // N debts to fresh creditors, old enough to be due, then one scan that pays and settles them all.
    const cycle = async (n: number): Promise<number> => {
      const bookedAt = Math.floor(Date.now() / 1000) - 3600;
      for (let i = 0; i < n; i++) {
        const amount = parseEther('1') + BigInt(i);
        await books.recordServiceConsumed(Wallet.createRandom().address, amount, bookedAt);
        total += amount;
      }
      const t0 = performance.now();
      const report = await payments.scanPayables();
      const ms = performance.now() - t0;
      if (report.paid !== n || !owesNothing(books)) throw new Error(`a cycle of ${n} did not settle: ${JSON.stringify(report)}`);
      return ms;
    };
    try {
      await cycle(1); // warm-up
      for (const n of CYCLE_SIZES) {
        const times: number[] = [];
        for (let r = 0; r < CYCLE_RUNS; r++) times.push(await cycle(n));
        emit(`payment_cycle_ms_${n}`, median(times), 'ms');
      }
      // The figures count only if the chain moved exactly what the books say was paid.
      if ((await bridge.balanceOf(consumer.address)) !== funded - total) throw new Error('the chain disagrees with the books');
    } finally {
      bridge.close();
    }
  } finally {
    await store.close();
    chain.provider.destroy();
  }
}

export async function paymentFigures(emit: Emit): Promise<void> {
  const sandbox = new BenchSandbox();
  // However the benchmark ends (an error, Ctrl-C in bench/run.ts, which exits), the chain and the stores go.
  const onExit = (): void => sandbox.killNow();
  process.once('exit', onExit);
  try {
    const dir = sandbox.tempDir('masq-bench-pay-');
    await accountingFigures(emit, dir);
    await cycleFigures(emit, sandbox, dir);
  } finally {
    await sandbox.cleanup();
    process.off('exit', onExit);
  }
}

if (process.argv[1]?.endsWith('payments.ts')) {
  // Exiting runs the 'exit' handler above, which stops the chain (bench/run.ts does the same for its signals).
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(1));
  await paymentFigures(emitLine);
}
