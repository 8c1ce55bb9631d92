// The one table of chains a Node can run on: MASQ Node's chains and constants (docs/MASQ-COMPATIBILITY.md, 'Chains').

export interface Chain {
  name: string;
  chainId: number;
  tokenContract: string;
  contractCreationBlock: number;
  gasLimit: number;
  mainnet: boolean;
}

export const CHAINS: readonly Chain[] = [
  { name: 'polygon-mainnet', chainId: 137, tokenContract: '0xEe9A352F6aAc4aF1A5B9f467F6a93E0ffBe9Dd35', contractCreationBlock: 14_863_650, gasLimit: 70_000, mainnet: true },
  { name: 'eth-mainnet', chainId: 1, tokenContract: '0x06F3C323f0238c72BF35011071f2b5B7F43A054c', contractCreationBlock: 11_170_708, gasLimit: 55_000, mainnet: true },
  { name: 'base-mainnet', chainId: 8453, tokenContract: '0x45D9C101a3870Ca5024582fd788F4E1e8F7971c3', contractCreationBlock: 19_711_235, gasLimit: 70_000, mainnet: true },
  { name: 'base-sepolia', chainId: 84532, tokenContract: '0x898e1ce720084A902bc37dd822ed6d6a5f027e10', contractCreationBlock: 14_732_730, gasLimit: 70_000, mainnet: false },
  { name: 'polygon-amoy', chainId: 80002, tokenContract: '0xd98c3ebd6b7f9b7cda2449ecac00d1e5f47a8193', contractCreationBlock: 5_323_366, gasLimit: 70_000, mainnet: false },
  { name: 'dev', chainId: 2, tokenContract: '0x59882e4a8f5d24643d4dda422922a870f1b3e664', contractCreationBlock: 0, gasLimit: 55_000, mainnet: false },
];

export const DEFAULT_CHAIN = 'base-mainnet';

export function findChain(name: string): Chain | undefined {
  return CHAINS.find((c) => c.name === name);
}
