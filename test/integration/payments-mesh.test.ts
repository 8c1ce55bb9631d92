// Money end to end over a mesh of Node processes in network namespaces, against a real local chain (hardhat)
// holding the MASQ token at the dev chain's address: traffic books debts, the consumer's payable scan pays
// them with ERC-20 transfers, the relays' receivable scans credit them, and the chain agrees with every book.
// A second consumer without MASQ turns delinquent, is refused by the Nodes it owes, and is served again once
// it has MASQ and pays.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet, parseEther } from 'ethers';
import { Books } from '../../src/accountant/books.js';
import { FLUSH_MS } from '../../src/accountant/charges.js';
import { openStore } from '../../src/store/index.js';
import { type DeployedToken, type TestChain, deployDevToken, fundConsumer, startChain } from '../helpers/chain.js';
import { type LabNode, type MeshLab, BIG_BYTES, bigSha256, startMeshLab } from '../helpers/mesh-lab.js';
import { netnsAvailable } from '../helpers/netns.js';
import { type Forward, forwardIntoLan } from '../helpers/ns-forward.js';
import { Sandbox, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
const available = await netnsAvailable();
const RPC_PORT = 8545;
const CONSUMER = 6;
const DEBTOR = 7;
const GWEI = 1_000_000_000n;
// Gwei and seconds: debts over 10 gwei are due after 2 s; debtors are banned a second later and served again
// once they owe 20 gwei or less.
const THRESHOLDS = '50|1|1|10|1|20';
// Wei per byte and per chunk: 10 MB through a hop costs about 100 gwei.
const RATE_PACK = '10000|1000000|10000|1000000';

let chain: TestChain;
let token: DeployedToken;
let lab: MeshLab;
let forward: Forward | undefined;
let consumer: Wallet;
const debtor = Wallet.createRandom();

async function tokens(address: string): Promise<bigint> {
  return (await token.contract.getFunction('balanceOf')(address)) as bigint;
}

/** One download of /big through the Node's proxy; true when every byte came and matched. */
async function download(node: LabNode): Promise<boolean> {
  const file = join(sandbox.tempDir('masq-pay-'), 'big');
  const r = await node.curl('/big', 'http', ['-o', file]);
  const body = r.code === 0 ? readFileSync(file) : Buffer.alloc(0);
  return body.length === BIG_BYTES && createHash('sha256').update(body).digest('hex') === bigSha256();
}

/** The Paid and Unpaid rows of `masq financials --gwei` (payable, receivable). */
async function financials(node: LabNode): Promise<{ unpaid: [bigint, bigint]; paid: [bigint, bigint] }> {
  const out = (await node.masq('financials', '--gwei')).stdout;
  const row = (label: string): [bigint, bigint] => {
    const m = new RegExp(`^${label}\\s+(\\d+)\\s+(-?\\d+)`, 'm').exec(out);
    assert.ok(m, `financials has a ${label} row:\n${out}`);
    return [BigInt(m[1] as string), BigInt(m[2] as string)];
  };
  return { unpaid: row('Unpaid and pending'), paid: row('Paid') };
}

/** A Node's books, read from its data directory while it runs (LMDB readers never block its writer). */
async function booksOf(node: LabNode): Promise<{ books: Books; close: () => Promise<void> }> {
  const store = await openStore({ dataDir: join(node.dataDir, 'dev'), chain: 'dev', readOnly: true });
  return { books: new Books(store.books()), close: () => store.close() };
}

const providers = (): LabNode[] => lab.nodes.filter((n) => n.index !== CONSUMER && n.index !== DEBTOR);

describe('payments over the mesh against a local chain', () => {
  before(async () => {
    assert.ok(available, 'needs root and ip netns');
    chain = await startChain(sandbox);
    token = await deployDevToken(chain);
    consumer = await fundConsumer(chain, token, parseEther('10'), parseEther('1000'));
    // Gas but no MASQ: it can send transactions but pays nobody.
    const deployer = chain.wallets[0] as Wallet;
    await (await deployer.sendTransaction({ to: debtor.address, value: parseEther('10') })).wait();
    lab = await startMeshLab(sandbox, 8, {
      prefix: 'mqpay',
      modes: { [CONSUMER]: 'consume-only', [DEBTOR]: 'consume-only' },
      env: { MASQ_PAYMENT_THRESHOLDS: THRESHOLDS, MASQ_RATE_PACK: RATE_PACK, MASQ_SCAN_INTERVALS: '1|1|1' },
      nodeEnv: {
        // No automatic scans: it pays when told to (masq scan payables).
        [CONSUMER]: { MASQ_CONSUMING_PRIVATE_KEY: consumer.privateKey.slice(2), MASQ_SCANS: 'off' },
        [DEBTOR]: { MASQ_CONSUMING_PRIVATE_KEY: debtor.privateKey.slice(2) },
      },
      beforeNodes: async (web) => {
        forward = await forwardIntoLan(sandbox, web, chain.port, RPC_PORT);
        return { MASQ_BLOCKCHAIN_SERVICE_URL: `http://${forward.address}` };
      },
    });
    await lab.routeFound(lab.nodes[CONSUMER] as LabNode);
    await lab.routeFound(lab.nodes[DEBTOR] as LabNode);
  });

  after(async () => {
    await forward?.close();
    await sandbox.cleanup();
  });

  test('traffic becomes debts, debts become transfers on chain, and the creditors credit them', async (t) => {
    const node = lab.nodes[CONSUMER] as LabNode;
    // The user's gas price, set while the Node runs, is what its payments bid.
    const set = await node.masq('set-configuration', '--gas-price', '3');
    assert.equal(set.code, 0, set.stderr);
    const before = await tokens(consumer.address);
    assert.ok(await download(node), 'the download over the mesh works');
    assert.ok(await download(node), 'and a second one');
    // Its debts are due within seconds, but with scans off nothing is paid until it says so.
    await new Promise((r) => setTimeout(r, 3_000));
    const owed = await financials(node);
    assert.ok(owed.unpaid[0] > 10n && owed.paid[0] === 0n, `scans off: owed ${owed.unpaid[0]} gwei, paid ${owed.paid[0]}`);
    const scan = await node.masq('scan', 'payables');
    assert.equal(scan.code, 0, scan.stderr);
    // The consumer paid everything over the thresholds; the providers see it arrive.
    await waitFor('the consumer to pay its debts', async () => {
      const f = await financials(node);
      return f.paid[0] > 0n && f.unpaid[0] <= 10n;
    }, 40_000, 1000);
    const paidOnChain = before - (await tokens(consumer.address));
    assert.ok(paidOnChain > 0n, 'MASQ left the consumer');
    const sent = await token.contract.queryFilter(token.contract.filters.Transfer?.(consumer.address) ?? 'Transfer');
    assert.ok(sent.length > 0, 'the consumer\'s transfers are on chain');
    for (const log of sent) assert.equal((await chain.provider.getTransaction(log.transactionHash))?.gasPrice, 3_000_000_000n, 'bid at the configured 3 gwei');
    await waitFor('the providers to credit what they received', async () => {
      let credited = 0n;
      for (const p of providers()) credited += (await financials(p)).paid[1];
      // financials reports gwei, rounded down per Node: allow one gwei each.
      return paidOnChain / GWEI - credited <= BigInt(providers().length);
    }, 30_000, 1000).catch((e: unknown) => {
      const said = providers().map((p) => `Node ${p.index}:\n${p.process.output().split('\n').filter((l) => /Receivables|Accountant|scan/.test(l)).slice(-6).join('\n')}`);
      throw new Error(`${String(e)}\n${said.join('\n')}`);
    });

    // Exact, in wei, from the Nodes' own books: every book agrees with the chain. Charges reach the books within
    // a second of the traffic (src/accountant/charges.ts); give every Node's last ones time to land.
    await new Promise((r) => setTimeout(r, FLUSH_MS + 500));
    const c = await booksOf(node);
    try {
      assert.equal(c.books.journal().length, 0, 'no payment left unsettled');
      assert.equal(c.books.totals().paidPayableWei, paidOnChain, 'the consumer paid exactly what left its wallet');
      let receivedOnChain = 0n;
      for (const p of providers()) {
        const earning = p.env.MASQ_EARNING_WALLET as string;
        const onChain = await tokens(earning);
        receivedOnChain += onChain;
        const pb = await booksOf(p);
        try {
          assert.equal(pb.books.totals().paidReceivableWei, onChain, `Node ${p.index} credited exactly what reached its earning wallet`);
          const owedByConsumer = pb.books.receivable(consumer.address)?.balanceWei ?? 0n;
          const owedToIt = c.books.payable(earning)?.balanceWei ?? 0n;
          assert.equal(owedByConsumer, owedToIt, `Node ${p.index} and the consumer agree on what is still owed`);
        } finally {
          await pb.close();
        }
      }
      assert.equal(receivedOnChain, paidOnChain, 'what left the consumer arrived at the providers');
      const paidTo = (await Promise.all(providers().map((p) => tokens(p.env.MASQ_EARNING_WALLET as string)))).filter((b) => b > 0n).length;
      t.diagnostic(`the consumer paid ${paidOnChain} wei to ${paidTo} Nodes`);
    } finally {
      await c.close();
    }
  });

  test('a consumer without MASQ is refused by the Nodes it owes, and served again once it pays', async (t) => {
    const node = lab.nodes[DEBTOR] as LabNode;
    const wallet = debtor.address.toLowerCase();
    assert.ok(await download(node), 'served while it owes nothing');
    // Its debts pass the thresholds within seconds; then the Nodes it owes refuse its routes.
    let refused = false;
    for (let i = 0; i < 8 && !refused; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      refused = !(await download(node));
    }
    assert.ok(refused, `the debtor is refused at last; the Nodes said:\n${providers().map((p) => p.process.output().split('\n').filter((l) => /Refusing|Serving/.test(l)).join('\n')).join('\n')}`);
    const refusing = providers().filter((p) => p.process.output().includes(`Refusing to serve ${wallet}`));
    assert.ok(refusing.length > 0, 'Nodes it owes say they refuse it');
    t.diagnostic(`${refusing.length} Nodes refused the debtor`);
    for (const p of refusing) {
      const pb = await booksOf(p);
      try {
        const owed = pb.books.receivable(wallet)?.balanceWei ?? 0n;
        assert.ok(owed > 10n * GWEI, `Node ${p.index} refuses a debtor that owes it more than the permanent debt allowed (${owed} wei)`);
      } finally {
        await pb.close();
      }
    }
    assert.match(node.process.output(), /does not cover \d+ due payment/, 'the debtor is told its MASQ does not cover its debts');

    // MASQ arrives: its payable scan pays, the creditors' receivable scans credit it, and the bans lift.
    const transfer = token.contract.connect(chain.wallets[0] as Wallet).getFunction('transfer');
    await (await transfer(debtor.address, parseEther('1000'))).wait();
    await waitFor('the debtor to pay', async () => (await financials(node)).paid[0] > 0n, 30_000, 1000);
    let served = false;
    for (let i = 0; i < 10 && !served; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      served = await download(node);
    }
    assert.ok(served, `the debtor is served again after paying; the debtor said:\n${node.process.output().slice(-2000)}`);
    assert.ok(refusing.some((p) => p.process.output().includes(`Serving ${wallet} again`)), 'a Node that refused it serves it again');
  });
});
