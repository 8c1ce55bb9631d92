// The ERC-20 pieces the bridge speaks without an ABI library: transfer(address,uint256) calldata, its gas
// limit rule (MASQ Node's, docs/PAYMENTS.md 'Scans'), and decoding Transfer(address,address,uint256) logs.

import { MasqError } from '../system/index.js';

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const TRANSFER_SELECTOR = 'a9059cbb';
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const WORD = /^0x[0-9a-fA-F]{64}$/;

function addressOrThrow(address: string): string {
  if (!ADDRESS.test(address)) throw new MasqError('CONFIG_INVALID', `${address} is not an Ethereum address.`, 'Use a 0x-prefixed address of 40 hex digits.');
  return address.toLowerCase();
}

/** A 32-byte topic holding an address, as eth_getLogs filters want it. */
export function addressTopic(address: string): string {
  return `0x${addressOrThrow(address).slice(2).padStart(64, '0')}`;
}

export function transferCalldata(to: string, amount: bigint): string {
  if (amount < 0n || amount >= 2n ** 256n) throw new RangeError(`amount ${amount} does not fit uint256`);
  return `0x${TRANSFER_SELECTOR}${addressOrThrow(to).slice(2).padStart(64, '0')}${amount.toString(16).padStart(64, '0')}`;
}

/** The chain's gas constant plus 4 per zero and 68 per non-zero calldata byte, as MASQ Node does. */
export function transferGasLimit(chainConstant: number, calldata: string): number {
  let gas = chainConstant;
  for (let i = 2; i < calldata.length; i += 2) gas += calldata.slice(i, i + 2) === '00' ? 4 : 68;
  return gas;
}

export interface RawLog {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number;
  transactionHash: string;
  index: number;
}

export interface TransferEvent {
  token: string;
  from: string;
  to: string;
  amount: bigint;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
}

function topicAddress(topic: string): string | undefined {
  // An address topic is 12 zero bytes then the address; anything else is not a standard Transfer.
  if (!WORD.test(topic) || !/^0x0{24}/.test(topic)) return undefined;
  return `0x${topic.slice(26)}`.toLowerCase();
}

/** A Transfer event, or undefined for a log that is not a standard ERC-20 Transfer (ERC-721 has 4 topics). */
export function decodeTransfer(log: RawLog): TransferEvent | undefined {
  const [topic0, fromTopic, toTopic] = log.topics;
  if (log.topics.length !== 3 || topic0?.toLowerCase() !== TRANSFER_TOPIC || !fromTopic || !toTopic || !WORD.test(log.data)) return undefined;
  const from = topicAddress(fromTopic);
  const to = topicAddress(toTopic);
  if (!from || !to) return undefined;
  return { token: log.address.toLowerCase(), from, to, amount: BigInt(log.data), blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.index };
}
