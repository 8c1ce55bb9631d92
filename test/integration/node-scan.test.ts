// `masq scan` and `masq set-configuration --start-block` against a real Node process and a local chain: a
// receivable scan from a chosen block credits a transfer to the earning wallet; a blockchain service that is
// down gives a clear error and the Node stays up; a wrong scan name is a usage error.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Wallet, parseEther } from 'ethers';
import { Books } from '../../src/accountant/books.js';
import { openStore } from '../../src/store/index.js';
import { type DeployedToken, type TestChain, deployDevToken, startChain } from '../helpers/chain.js';
import { MASQ, MASQ_NODE, type Result, Sandbox, type Tracked, freePort, hasStackTrace, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
let chain: TestChain;
let token: DeployedToken;

interface RunningNode {
  process: Tracked;
  dataDir: string;
  masq(...args: string[]): Promise<Result>;
}

/** A standard-mode Node alone on loopback (no neighbors, so no automatic scans: only `masq scan`). */
async function startNode(url: string, earning: string): Promise<RunningNode> {
  const ui = await freePort();
  const dataDir = sandbox.tempDir('masq-scan-');
  const proc = sandbox.spawn(MASQ_NODE, [
    '--neighborhood-mode', 'standard', '--ip', '127.0.0.1', '--chain', 'dev', '--db-password', 'scan-test',
    '--blockchain-service-url', url, '--earning-wallet', earning, '--data-directory', dataDir,
    '--ui-port', String(ui), '--proxy-port', String(await freePort()), '--clandestine-port', String(await freePort()),
  ]);
  await waitFor('the Node to be ready', () => proc.output().includes('MASQ Node ready') || proc.child.exitCode !== null, 20_000);
  assert.equal(proc.child.exitCode, null, proc.output());
  return { process: proc, dataDir: join(dataDir, 'dev'), masq: (...args) => run(MASQ, ['--ui-port', String(ui), ...args], {}, 90_000) };
}

describe('masq scan against a Node process', () => {
  before(async () => {
    chain = await startChain(sandbox);
    token = await deployDevToken(chain);
  });
  after(() => sandbox.cleanup());

  test('a receivable scan from --start-block credits a transfer to the earning wallet', async () => {
    const earning = Wallet.createRandom().address;
    const node = await startNode(chain.url, earning);
    const payer = chain.wallets[1] as Wallet;
    const transfer = token.contract.connect(chain.wallets[0] as Wallet).getFunction('transfer');
    await (await transfer(payer.address, parseEther('5'))).wait();
    const from = await chain.provider.getBlockNumber();
    await (await token.contract.connect(payer).getFunction('transfer')(earning, parseEther('2'))).wait();

    const set = await node.masq('set-configuration', '--start-block', String(from));
    assert.equal(set.code, 0, set.stderr);
    const scan = await node.masq('scan', 'receivables');
    assert.equal(scan.code, 0, scan.stderr);
    const totals = await node.masq('financials', '--gwei');
    assert.match(totals.stdout, /^Paid\s+0\s+2000000000$/m, totals.stdout);
    assert.match(totals.stdout, /^Unpaid and pending\s+0\s+-2000000000$/m, 'owing nothing, the payer is in credit');
    const store = await openStore({ dataDir: node.dataDir, chain: 'dev', readOnly: true });
    try {
      assert.equal(new Books(store.books()).receivable(payer.address)?.balanceWei, -parseEther('2'), 'the payer is the account credited');
    } finally {
      await store.close();
    }
    // The start block moved past the scanned blocks: scanning again credits nothing twice.
    assert.equal((await node.masq('scan', 'receivables')).code, 0);
    assert.match((await node.masq('financials', '--gwei')).stdout, /^Paid\s+0\s+2000000000$/m);
    const config = await node.masq('configuration');
    assert.match(config.stdout, new RegExp(`Start block:\\s+${(await chain.provider.getBlockNumber()) + 1}`), config.stdout);
  });

  test('a blockchain service that is down: a clear error, no stack trace, the Node stays up', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const node = await startNode(dead, Wallet.createRandom().address);
    const scan = await node.masq('scan', 'receivables');
    assert.equal(scan.code, 1);
    assert.match(scan.stderr, /blockchain service failed to read the latest block after \d+ attempt/);
    assert.match(scan.stderr, /Check blockchain-service-url/);
    assert.ok(!hasStackTrace(scan.stderr + scan.stdout), scan.stderr);
    assert.equal(node.process.child.exitCode, null, 'the Node is still running');
    assert.equal((await node.masq('scan', 'payables')).code, 0, 'with nothing owed a payable scan needs no chain');
    const bogus = await node.masq('scan', 'everything');
    assert.notEqual(bogus.code, 0);
    assert.match(bogus.stderr, /'everything' is not a scan; use pendingpayables, payables, receivables/);
  });
});
