// Which token contract the bridge talks to. Real chains take it from the chains table only; the `dev` chain
// (a local test chain) deploys a fresh token each run, so only there may the caller name the address.

import { type Chain, findChain } from '../config/chains.js';
import { MasqError } from '../system/errors.js';

export interface TokenTarget {
  chain: Chain;
  tokenContract: string;
}

export function tokenTarget(chainName: string, tokenContractOverride?: string): TokenTarget {
  const chain = findChain(chainName);
  if (!chain) throw new MasqError('CONFIG_INVALID', `Unknown chain ${chainName}.`, 'Use one of the chains listed by `masq setup`.');
  if (tokenContractOverride === undefined) return { chain, tokenContract: chain.tokenContract };
  if (chain.name !== 'dev') {
    throw new MasqError('CONFIG_INVALID', `A token contract override is not allowed on ${chain.name}.`, 'Remove the override: real chains use the MASQ contract from the chains table.');
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(tokenContractOverride)) {
    throw new MasqError('CONFIG_INVALID', `${tokenContractOverride} is not a contract address.`, 'Pass the 0x address the test chain deployed the token at.');
  }
  return { chain, tokenContract: tokenContractOverride };
}
