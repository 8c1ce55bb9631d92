// Which token contract the bridge talks to: the chain's MASQ contract from the chains table, never another.
// (The `dev` chain's test token is deployed where MASQ's own dev chain puts it; see test/helpers/chain.ts.)

import { type Chain, findChain } from '../chains/index.js';
import { MasqError } from '../system/index.js';

export interface TokenTarget {
  chain: Chain;
  tokenContract: string;
}

export function tokenTarget(chainName: string): TokenTarget {
  const chain = findChain(chainName);
  if (!chain) throw new MasqError('CONFIG_INVALID', `Unknown chain ${chainName}.`, 'Use one of the chains listed by `masq setup`.');
  return { chain, tokenContract: chain.tokenContract };
}
