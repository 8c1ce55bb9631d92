// The payer wired as src/node/accountant.ts wires it (Books over the store, an Erc20Bridge, Payments), used by the
// payments crash test as a child process it kills with SIGKILL, and by bench/payments.ts in-process.
//   node --import tsx test/helpers/payer-worker.ts <dataDir> <rpcUrl>
//   env PAYER_KEY (consuming key, hex), PAYER_DELAY_MS (longest random pause at each step; 0 = none), PAYER_SEED,
//   and optionally PAYER_GAS_PRICE_GWEI (the gas-price parameter), PAYER_REPLACE_AFTER_SEC, PAYER_RECEIPT_WAIT_MS
// It prints '@ready', then '@phase <name>' on reaching each step of a payment cycle (pipes are synchronous on
// Linux, so a printed phase was reached before a kill), '@scan <report>' after each scan, and '@done' once the
// books owe nothing; then it exits 0.

import { Wallet } from 'ethers';
import { Books } from '../../src/accountant/books.js';
import { parsePaymentThresholds } from '../../src/config/index.js';
import { Payments, bridgePayer } from '../../src/accountant/payments.js';
import { Erc20Bridge } from '../../src/blockchain/erc20-bridge.js';
import { openStore } from '../../src/store/index.js';
import { type Logger, createLogCore, createLogger } from '../../src/system/logger.js';

/**
 * Every positive payable is due once it is a second old: maturity 0 and a zero interval put the curve at
 * permanent-debt-allowed (0) right after maturity; debt-threshold must be above it, so it is 1 gwei.
 */
export const ALL_DUE_THRESHOLDS = '1|0|0|0|0|0';
export const PAYER_CHAIN = 'dev';

/** A small seeded PRNG (mulberry32) in [0, 1), so a run's kill points can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Nothing owed and nothing in flight. */
export function owesNothing(books: Books): boolean {
  return books.journal().length === 0 && books.payables().every((p) => p.balanceWei === 0n && !p.pending);
}

export interface PayerWiring {
  books: Books;
  url: string;
  consumingKey: string;
  log: Logger;
  nowSec?: () => number;
  /** The gas-price parameter; without it the node's price is used. */
  gasPriceGwei?: number;
  replaceAfterSec?: number;
  receiptWaitMs?: number;
  /** Called on reaching each step of a cycle (the crash test prints it and pauses there). */
  step?: (phase: string) => Promise<void>;
}

/** Payments over a bridge exactly as src/node/accountant.ts builds them, with short timeouts and retries. */
export function wirePayments(w: PayerWiring): { payments: Payments; bridge: Erc20Bridge } {
  const { books, step } = w;
  const bridge = new Erc20Bridge({
    url: w.url, chain: PAYER_CHAIN, requestTimeoutMs: 3_000, backoff: { attempts: 3, firstDelayMs: 50, maxDelayMs: 200 },
    ...(w.gasPriceGwei !== undefined ? { gasPriceGwei: w.gasPriceGwei } : {}),
  });
  const signer = new Wallet(w.consumingKey);
  // Where the payer is, to name the phases: sending a fresh batch, its batch sent, or neither (the pending scan).
  let batch: 'idle' | 'sending' | 'sent' = 'idle';
  let sendIndex = 0;
  // A higher bid for a stuck payment was signed: the next single send is that bid.
  let rebid = false;
  if (step) {
    // Pauses inside the cycle, so that kills land between its durable steps: the bridge's own send() calls
    // this.sendRaw for each transaction of a batch, so patching the instance reaches between the sends too.
    const sendRaw = bridge.sendRaw.bind(bridge);
    bridge.sendRaw = async (...args) => {
      const phase = batch === 'sending' ? (sendIndex++ === 0 ? 'send-first' : 'send-next') : rebid ? 'rebid-send' : 'resend';
      rebid = false;
      await step(phase);
      return sendRaw(...args);
    };
    const journalPayments = books.journalPayments.bind(books);
    books.journalPayments = async (...args) => {
      await journalPayments(...args);
      await step('journaled');
    };
    const journalReplacement = books.journalReplacement.bind(books);
    books.journalReplacement = async (...args) => {
      await journalReplacement(...args);
      await step('rebid-journaled');
    };
    const settlePayment = books.settlePayment.bind(books);
    books.settlePayment = async (...args) => {
      await settlePayment(...args);
      await step('settled');
    };
  }
  const pause = step ?? (async () => {});
  const base = bridgePayer(bridge, () => signer);
  const payments = new Payments({
    books,
    nowSec: w.nowSec ?? (() => Math.floor(Date.now() / 1000)),
    log: w.log,
    ...(w.replaceAfterSec !== undefined ? { replaceAfterSec: w.replaceAfterSec } : {}),
    ...(w.receiptWaitMs !== undefined ? { receiptWaitMs: w.receiptWaitMs } : {}),
    thresholds: () => parsePaymentThresholds(ALL_DUE_THRESHOLDS),
    chain: {
      // The Node's own wiring, with a named pause at each durable step so kills can land there.
      ...base,
      sign: async (p, floor) => {
        const signed = await base.sign(p, floor);
        await pause('signed');
        return signed;
      },
      send: async (r) => {
        batch = 'sending';
        sendIndex = 0;
        try {
          return await base.send(r);
        } finally {
          batch = 'sent';
        }
      },
      signReplacement: async (r) => {
        const signed = await base.signReplacement(r);
        await pause('rebid-signed');
        rebid = true;
        return signed;
      },
      waitForReceipts: async (h, ms) => {
        const fresh = batch === 'sent';
        batch = 'idle';
        await pause(fresh ? 'sent' : 'resent');
        const receipts = await base.waitForReceipts(h, ms);
        await pause(fresh ? 'receipts' : 'resent-receipts');
        return receipts;
      },
      chainFacts: async (a, r) => {
        await pause('reconcile');
        return base.chainFacts(a, r);
      },
    },
  });
  return { payments, bridge };
}

const MAX_SCANS = 1000;
const numberEnv = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

async function main(dataDir: string, url: string): Promise<void> {
  const consumingKey = process.env.PAYER_KEY;
  if (!consumingKey) throw new Error('PAYER_KEY is not set');
  const maxDelay = Number(process.env.PAYER_DELAY_MS ?? 0);
  const random = seededRandom(Number(process.env.PAYER_SEED ?? 1));
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const step = async (phase: string): Promise<void> => {
    say(`@phase ${phase}`);
    // At least a few ms, so that a kill sent on seeing the line arrives while the worker is still at this step.
    if (maxDelay > 0) await sleep(5 + Math.floor(random() * maxDelay));
  };
  const store = await openStore({ dataDir, chain: PAYER_CHAIN });
  const books = new Books(store.books());
  const gasPriceGwei = numberEnv('PAYER_GAS_PRICE_GWEI');
  const replaceAfterSec = numberEnv('PAYER_REPLACE_AFTER_SEC');
  const receiptWaitMs = numberEnv('PAYER_RECEIPT_WAIT_MS');
  const { payments, bridge } = wirePayments({
    books, url, consumingKey, log: createLogger(createLogCore('warn'), 'Payer'), step,
    ...(gasPriceGwei !== undefined && { gasPriceGwei }), ...(replaceAfterSec !== undefined && { replaceAfterSec }), ...(receiptWaitMs !== undefined && { receiptWaitMs }),
  });
  say('@ready');
  for (let i = 0; i < MAX_SCANS; i++) {
    await step('scan');
    const report = await payments.scanPayables();
    say(`@scan ${JSON.stringify(report)}`);
    if (owesNothing(books)) {
      bridge.close();
      await store.close();
      say('@done');
      return;
    }
    await sleep(50);
  }
  throw new Error(`still owing after ${MAX_SCANS} scans`);
}

if (process.argv[1]?.endsWith('payer-worker.ts')) {
  const [dataDir, url] = process.argv.slice(2);
  if (!dataDir || !url) {
    process.stderr.write('usage: payer-worker.ts <dataDir> <rpcUrl>\n');
    process.exit(2);
  }
  await main(dataDir, url);
}
