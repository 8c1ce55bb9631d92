// The Node's link to the chain: MASQ balances, payment batches, receipts, incoming Transfer scans and the
// facts crash reconciliation needs. Every RPC call has a timeout and bounded retries; failures come back
// as MasqError (BLOCKCHAIN_RPC / BLOCKCHAIN_TX), never as something that takes the Node down.

import type { JsonRpcProvider, TransactionRequest } from 'ethers';
import { MasqError } from '../system/index.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, type Sleep, realSleep, retry } from './backoff.js';
import { assignNonces, batchStart } from './nonces.js';
import type { ChainFacts, PendingPayable, TxOnChain } from './reconcile.js';
import type { BlockRange, WindowPolicy } from './ranges.js';
import { classifySendRejection, isTransient, rpcErrorText } from './rpc-errors.js';
import { RangeTooNarrow, scanRange } from './scan.js';
import { type TokenTarget, tokenTarget } from './token-target.js';
import { type RawLog, type TransferEvent, TRANSFER_TOPIC, addressTopic, decodeTransfer, transferCalldata, transferGasLimit } from './transfer-log.js';
import { hexData, JsonRpcClient, quantity, smallQuantity, toQuantity } from './json-rpc.js';

/** Signs transactions for the consuming wallet; an ethers Wallet fits, so does the wallet module's signer. */
export interface TxSigner {
  readonly address: string;
  signTransaction(tx: TransactionRequest): Promise<string>;
}

export interface BridgeOptions {
  url: string;
  chain: string;
  /** Configured gas price; without it the node's fee data decides. */
  gasPriceGwei?: number;
  requestTimeoutMs?: number;
  backoff?: BackoffPolicy;
  logWindow?: WindowPolicy;
  sleep?: Sleep;
}

export interface Payment {
  creditor: string;
  amount: bigint;
}

export type SendOutcome =
  | { status: 'sent'; record: PendingPayable }
  /** The node already had this exact transaction: it counts as sent. */
  | { status: 'already-known'; record: PendingPayable }
  | { status: 'rejected'; record: PendingPayable; error: MasqError }
  /** The node did not answer: the transaction may be in its pool, so only reconciliation may settle it. */
  | { status: 'unknown'; record: PendingPayable; error: MasqError }
  /** Not sent because an earlier transaction of the batch was rejected (its nonce would leave a gap). */
  | { status: 'skipped'; record: PendingPayable };

export type ReceiptState = { state: 'success' | 'failed'; blockNumber: number } | { state: 'pending' };

const DEFAULT_WINDOW: WindowPolicy = { maxSpan: 10_000, growAfter: 4 };
/** A replacement bids this percentage of the stuck price (geth wants at least +10%). */
const REPLACEMENT_BUMP_PERCENT = 125n;

export class Erc20Bridge {
  readonly target: TokenTarget;
  /** ethers is loaded to send the first payment, not before: an idle Node does not hold it (docs/PERFORMANCE.md). */
  private loaded: Promise<JsonRpcProvider> | undefined;
  /** Every read: scans, receipts, nonces, balances. */
  private readonly reads: JsonRpcClient;
  private readonly backoff: BackoffPolicy;
  private readonly sleep: Sleep;
  private readonly window: WindowPolicy;
  private localNextNonce: number | undefined;
  /** The log window the last scan ended with: the next scan starts there instead of relearning the limit. */
  private learnedLogSpan: number | undefined;
  private gasPriceGwei: number | undefined;

  constructor(private readonly options: BridgeOptions) {
    this.target = tokenTarget(options.chain);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.sleep = options.sleep ?? realSleep;
    this.window = options.logWindow ?? DEFAULT_WINDOW;
    this.gasPriceGwei = options.gasPriceGwei;
    this.reads = new JsonRpcClient(options.url, options.requestTimeoutMs ?? 10_000);
  }

  /** One read call of the chain, retried like every call. */
  private read(what: string, method: string, params: readonly unknown[], keepRefusals = false): Promise<unknown> {
    return this.rpc(what, () => this.reads.call(method, params), keepRefusals);
  }

  private async receipt(hash: string): Promise<{ success: boolean; blockNumber: number } | undefined> {
    const r = await this.read('read a receipt', 'eth_getTransactionReceipt', [hash]);
    if (r === null) return undefined;
    const receipt = r as { status?: unknown; blockNumber?: unknown };
    return { success: quantity(receipt.status, 'a receipt\'s status') === 1n, blockNumber: smallQuantity(receipt.blockNumber, 'a receipt\'s block') };
  }

  private async nonceCount(address: string, block: 'latest' | 'pending'): Promise<number> {
    return smallQuantity(await this.read(`read the ${block === 'latest' ? 'mined' : block} nonce`, 'eth_getTransactionCount', [address, block]), 'a nonce');
  }

  /** `masq set-configuration --gas-price`: used from the next batch on. */
  setGasPrice(gwei: number): void {
    this.gasPriceGwei = gwei;
  }

  private provider(): Promise<JsonRpcProvider> {
    this.loaded ??= import('ethers').then(({ FetchRequest, JsonRpcProvider, Network }) => {
      const request = new FetchRequest(this.options.url);
      request.timeout = this.options.requestTimeoutMs ?? 10_000;
      // Static network: ethers would otherwise probe the chain id in a loop that never ends while the RPC is down.
      // No cache: a cached pending nonce would be stale right after a batch. One request per call, so one
      // failing call cannot fail its neighbours in a JSON-RPC batch.
      return new JsonRpcProvider(request, Network.from(this.target.chain.chainId), { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 });
    });
    return this.loaded;
  }

  close(): void {
    void this.loaded?.then((p) => p.destroy());
  }

  /**
   * One RPC call with timeout and bounded retries of transport trouble. Every failure becomes BLOCKCHAIN_RPC,
   * except that `keepRefusals` hands a node's own refusal back untouched for the caller to interpret.
   */
  private async rpc<T>(what: string, op: () => Promise<T>, keepRefusals = false): Promise<T> {
    const result = await retry(op, this.backoff, isTransient, this.sleep);
    if (result.ok) return result.value;
    if (keepRefusals && !isTransient(result.error)) throw result.error;
    throw new MasqError('BLOCKCHAIN_RPC', `The blockchain service failed to ${what} after ${result.attempts} attempt(s): ${rpcErrorText(result.error)}.`,
      'Check blockchain-service-url and that the service is reachable; the Node retries on its next scan.');
  }

  async balanceOf(owner: string): Promise<bigint> {
    // balanceOf(address): selector then the address as one 32-byte word, which is what a topic is too.
    const data = `0x70a08231${addressTopic(owner).slice(2)}`;
    const answer = hexData(await this.read('read a MASQ balance', 'eth_call', [{ to: this.target.tokenContract, data }, 'latest']), 'a balance');
    return BigInt(answer === '0x' ? 0 : answer);
  }

  async ethBalance(owner: string): Promise<bigint> {
    return quantity(await this.read('read a gas balance', 'eth_getBalance', [owner, 'latest']), 'a balance');
  }

  private async gasPrice(): Promise<bigint> {
    if (this.gasPriceGwei !== undefined) return BigInt(Math.round(this.gasPriceGwei * 1e9));
    return quantity(await this.read('read the gas price', 'eth_gasPrice', []), 'the gas price');
  }

  /**
   * Signs one legacy transfer per payment with consecutive nonces, as MASQ pays, from `nonceAtLeast` at the lowest.
   * Nothing is sent: the caller journals the records first, then calls `send`.
   */
  async sign(signer: TxSigner, payments: readonly Payment[], nonceAtLeast = 0): Promise<PendingPayable[]> {
    if (payments.length === 0) return [];
    const pending = await this.nonceCount(signer.address, 'pending');
    // The caller's floor (past the nonces its journal still holds) wins too: some nodes (hardhat's EDR) leave a
    // transaction priced under the base fee out of the pending count, and its nonce would be handed out again.
    const start = Math.max(batchStart(this.localNextNonce, pending), nonceAtLeast);
    const gasPrice = await this.gasPrice();
    const nonces = assignNonces(start, payments.length);
    return Promise.all(payments.map((p, i) => this.signOne(signer, p, nonces[i] ?? start + i, gasPrice)));
  }

  /**
   * The same payment, the same nonce, a higher bid: for a payment stuck in the pool (MASQ never re-bids). At least
   * REPLACEMENT_BUMP over the old price, since nodes refuse smaller raises, and never below the current price.
   */
  async signReplacement(signer: TxSigner, stuck: PendingPayable): Promise<PendingPayable> {
    const raised = (stuck.gasPrice * REPLACEMENT_BUMP_PERCENT + 99n) / 100n;
    const current = await this.gasPrice();
    return this.signOne(signer, stuck, stuck.nonce, current > raised ? current : raised);
  }

  private async signOne(signer: TxSigner, p: Payment, nonce: number, gasPrice: bigint): Promise<PendingPayable> {
    const data = transferCalldata(p.creditor, p.amount);
    const rawTx = await signer.signTransaction({
      type: 0, chainId: this.target.chain.chainId, to: this.target.tokenContract, value: 0n, data, nonce, gasPrice,
      gasLimit: transferGasLimit(this.target.chain.gasLimit, data),
    });
    // A transaction's hash is the keccak of its signed bytes: known before it is sent, so it can be journaled.
    const { keccak256 } = await import('ethers');
    return { creditor: p.creditor, amount: p.amount, nonce, txHash: keccak256(rawTx), rawTx, gasPrice };
  }

  /** Submits signed records in nonce order; stops at the first rejection so no later nonce waits behind a gap. */
  async send(records: readonly PendingPayable[]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    let accepted = 0;
    let stopped = false;
    for (const record of records) {
      if (stopped) {
        outcomes.push({ status: 'skipped', record });
        continue;
      }
      const outcome = await this.sendRaw(record);
      outcomes.push(outcome);
      // After a refusal a later nonce would wait behind a gap; after silence the node is likely down.
      if (outcome.status === 'rejected' || outcome.status === 'unknown') stopped = true;
      if (outcome.status !== 'rejected') accepted++;
    }
    // Remember the nonce after the last accepted transaction: a rejected one's nonce is free again, and the
    // skipped ones were never sent. batchStart() still takes the chain's count when that is higher.
    const first = records[0];
    if (first) this.localNextNonce = first.nonce + accepted;
    return outcomes;
  }

  /** Sends one signed transaction; a duplicate of what the node already has is reported, not paid twice. */
  async sendRaw(record: PendingPayable): Promise<SendOutcome> {
    try {
      // Retrying a timed-out submission is safe: the same signed bytes carry the same nonce.
      await this.rpc('submit a payment', async () => (await this.provider()).broadcastTransaction(record.rawTx), true);
      return { status: 'sent', record };
    } catch (err) {
      // The node never answered: it may or may not hold the transaction, so it must stay journaled.
      if (err instanceof MasqError) return { status: 'unknown', record, error: err };
      const cause = rpcErrorText(err);
      const kind = classifySendRejection(err);
      if (kind === 'already-known') return { status: 'already-known', record };
      const error = kind === 'nonce-used'
        ? new MasqError('BLOCKCHAIN_TX', `Payment of ${record.amount} to ${record.creditor} was refused: nonce ${record.nonce} is already spent.`, 'Run reconciliation: the earlier transaction with this nonce decides whether the creditor was paid.')
        : new MasqError('BLOCKCHAIN_TX', `Payment of ${record.amount} to ${record.creditor} was refused: ${cause}.`, 'Check the consuming wallet has gas and MASQ; the payable stays owed.');
      return { status: 'rejected', record, error };
    }
  }

  /** Polls receipts until all are mined or `timeoutMs` passes; unmined ones come back as pending. */
  async waitForReceipts(hashes: readonly string[], timeoutMs = 30_000, intervalMs = 500): Promise<Map<string, ReceiptState>> {
    const states = new Map<string, ReceiptState>(hashes.map((h) => [h, { state: 'pending' }]));
    const rounds = Math.max(1, Math.ceil(timeoutMs / intervalMs));
    for (let round = 0; round < rounds; round++) {
      for (const [hash, s] of states) {
        if (s.state !== 'pending') continue;
        const receipt = await this.receipt(hash);
        if (receipt) states.set(hash, { state: receipt.success ? 'success' : 'failed', blockNumber: receipt.blockNumber });
      }
      if ([...states.values()].every((s) => s.state !== 'pending') || round === rounds - 1) break;
      await this.sleep(intervalMs);
    }
    return states;
  }

  async blockNumber(): Promise<number> {
    return smallQuantity(await this.read('read the latest block', 'eth_blockNumber', []), 'the block number');
  }

  /** Transfers of the token to `recipient` in `fromBlock..toBlock`, in windows that adapt to the RPC's limits. */
  async scanTransfersTo(recipient: string, fromBlock: number, toBlock: number): Promise<{ transfers: TransferEvent[]; requests: number }> {
    const topics = [TRANSFER_TOPIC, null, addressTopic(recipient)];
    const fetch = async (range: BlockRange): Promise<TransferEvent[]> => {
      // Range complaints are refusals, not transport trouble: they come back raw for scanRange to shrink the window.
      const filter = { address: this.target.tokenContract, topics, fromBlock: toQuantity(range.from), toBlock: toQuantity(range.to) };
      const logs = await this.read('return logs', 'eth_getLogs', [filter], true);
      if (!Array.isArray(logs)) throw new MasqError('BLOCKCHAIN_RPC', 'The blockchain service answered eth_getLogs with something that is not a list.', 'Check blockchain-service-url points at an Ethereum JSON-RPC service.');
      return logs.flatMap((l) => decodeTransfer(rawLog(l)) ?? []);
    };
    try {
      const result = await scanRange(fromBlock, toBlock, this.window, fetch, rpcErrorText, this.learnedLogSpan);
      this.learnedLogSpan = result.span;
      return { transfers: result.items, requests: result.requests };
    } catch (err) {
      // RangeTooNarrow is told in this method's own words; other MasqErrors already are.
      if (err instanceof MasqError && !(err instanceof RangeTooNarrow)) throw err;
      const detail = err instanceof RangeTooNarrow ? err.message : rpcErrorText(err);
      throw new MasqError('BLOCKCHAIN_RPC', `Scanning for incoming payments failed: ${detail}.`, 'Check blockchain-service-url; the scan resumes from the same block next time.');
    }
  }

  /** What reconciliation needs to know about journal records (reconcile.ts). */
  async chainFacts(wallet: string, records: readonly PendingPayable[]): Promise<ChainFacts> {
    const txs = new Map<string, TxOnChain>();
    for (const r of records) {
      const hash = r.txHash.toLowerCase();
      const receipt = await this.receipt(hash);
      if (receipt) {
        txs.set(hash, { state: 'mined', success: receipt.success, blockNumber: receipt.blockNumber });
        continue;
      }
      const tx = await this.read('look up a transaction', 'eth_getTransactionByHash', [hash]);
      txs.set(hash, tx !== null ? { state: 'pooled' } : { state: 'unknown' });
    }
    const minedNonceCount = await this.nonceCount(wallet, 'latest');
    return { txs, minedNonceCount };
  }
}

/** A log of the JSON-RPC answer in the shape decodeTransfer reads; a field of the wrong kind makes it undecodable. */
function rawLog(v: unknown): RawLog {
  const l = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const text = (x: unknown): string => (typeof x === 'string' ? x : '');
  return {
    address: text(l.address), topics: Array.isArray(l.topics) ? l.topics.map(text) : [], data: text(l.data),
    blockNumber: smallQuantity(l.blockNumber, 'a log\'s block'), transactionHash: text(l.transactionHash), index: smallQuantity(l.logIndex, 'a log\'s index'),
  };
}
