// A real local EVM for tests: `hardhat node` (Hardhat 2, its Rust EDR engine) in a child process on a free
// port, chain id 2 like the `dev` chain, the test ERC-20 deployed, consumer wallets funded with ETH and tokens.
// Hardhat rather than ganache 7: ganache is archived (no releases since 2023). Both start in about a second
// (hardhat node: 0.7 s to "Started HTTP" here); hardhat is the larger install (~240 MB: EDR for every platform).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, ContractFactory, FetchRequest, HDNodeWallet, JsonRpcProvider, Network, Wallet, parseEther } from 'ethers';
import { findChain } from '../../src/chains/index.js';
import { tokenArtifact } from './erc20-artifact.js';
import { ROOT, type Sandbox, type Tracked, freePort, waitFor } from './processes.js';

const HARDHAT_CLI = join(ROOT, 'node_modules', 'hardhat', 'internal', 'cli', 'bootstrap.js');
export const DEV_CHAIN_ID = 2;
// The mnemonic of MASQ's own dev chain: its account 0 deploying first (nonce 0) puts the token exactly at the
// `dev` chain's contract address in the chains table, so Nodes on this chain need no address override. The
// accounts are public, which is what a throwaway test chain wants.
const MNEMONIC = 'timber cage wide hawk phone shaft pattern movie army dizzy hen tackle lamp absent write kind term toddler sphere ripple idle dragon curious hold';
const ACCOUNTS = 10;
/**
 * Whole tokens minted to the deployer: MASQ's total supply, 37 500 000 (MASQ_TOTAL_SUPPLY in MASQ-Project/Node,
 * masq_lib/src/constants.rs).
 */
export const TOKEN_SUPPLY = parseEther('37500000');

export interface TestChain {
  url: string;
  port: number;
  process: Tracked;
  /** Funded accounts: [0] deploys the token, the rest are free for tests. */
  wallets: Wallet[];
  provider: JsonRpcProvider;
}

export interface DeployedToken {
  address: string;
  contract: Contract;
  /** Block the token was created in (the `dev` chain's contract creation block for scans). */
  creationBlock: number;
}

function accountWallet(index: number): Wallet {
  const hd = HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return new Wallet(hd.privateKey);
}

/** Starts `hardhat node`; the sandbox kills it whatever happens to the test. */
export async function startChain(sandbox: Sandbox): Promise<TestChain> {
  const dir = sandbox.tempDir('masq-chain-');
  const config = join(dir, 'hardhat.config.cjs');
  writeFileSync(config, `module.exports = { networks: { hardhat: { chainId: ${DEV_CHAIN_ID}, accounts: { mnemonic: '${MNEMONIC}', count: ${ACCOUNTS} } } } };\n`);
  const port = await freePort();
  const proc = sandbox.spawn(process.execPath, [HARDHAT_CLI, '--config', config, 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
    HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('hardhat node to listen', () => proc.output().includes('Started HTTP') || proc.child.exitCode !== null, 30_000);
  if (proc.child.exitCode !== null) throw new Error(`hardhat node exited:\n${proc.output()}`);
  // A static network: no chain-id probing loop that would outlive a stopped chain; no response cache, which
  // would hand back a stale pending nonce within 250 ms of the previous transaction.
  const provider = new JsonRpcProvider(new FetchRequest(url), Network.from(DEV_CHAIN_ID), { staticNetwork: true, cacheTimeout: -1 });
  const wallets = Array.from({ length: ACCOUNTS }, (_, i) => accountWallet(i).connect(provider));
  return { url, port, process: proc, wallets, provider };
}

async function deployToken(chain: TestChain): Promise<DeployedToken> {
  const artifact = tokenArtifact();
  const deployer = chain.wallets[0];
  if (!deployer) throw new Error('the test chain has no accounts');
  const factory = new ContractFactory(artifact.abi as never[], artifact.bytecode, deployer);
  const contract = await factory.deploy(TOKEN_SUPPLY);
  const receipt = await contract.deploymentTransaction()?.wait();
  if (!receipt) throw new Error('token deployment has no receipt');
  return { address: await contract.getAddress(), contract: contract as Contract, creationBlock: receipt.blockNumber };
}

/** The token at the `dev` chain's table address: deployed first on a fresh chain, or the test is wrong. */
export async function deployDevToken(chain: TestChain): Promise<DeployedToken> {
  const token = await deployToken(chain);
  const expected = findChain('dev')?.tokenContract.toLowerCase();
  if (token.address.toLowerCase() !== expected) throw new Error(`the token landed at ${token.address}, not the dev chain's ${expected}: deploy it first`);
  return token;
}

/** A fresh consumer wallet holding `eth` ETH and `tokens` token wei, paid by the deployer. */
export async function fundConsumer(chain: TestChain, token: DeployedToken, eth: bigint, tokens: bigint): Promise<Wallet> {
  const deployer = chain.wallets[0];
  if (!deployer) throw new Error('the test chain has no accounts');
  const consumer = new Wallet(Wallet.createRandom().privateKey, chain.provider);
  await (await deployer.sendTransaction({ to: consumer.address, value: eth })).wait();
  const transfer = token.contract.connect(deployer).getFunction('transfer');
  await (await transfer(consumer.address, tokens)).wait();
  return consumer;
}
