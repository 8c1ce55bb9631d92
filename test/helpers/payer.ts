// Payer policies for in-process meshes: every Node checks proofs for the dev chain's token contract, and the Nodes
// that originate sign with one consuming wallet made for the test run.

import { randomBytes } from 'node:crypto';
import { findChain } from '../../src/chains/index.js';
import type { NodeIdentity } from '../../src/crypto/identity.js';
import { type PayerPolicy, createPayerPolicy } from '../../src/stream/payer.js';

export const TEST_CONSUMING_KEY = randomBytes(32);
export const DEV_TOKEN_CONTRACT = Buffer.from((findChain('dev')?.tokenContract ?? '').slice(2), 'hex');

/** `unpaid`: the Node has no consuming wallet (it still checks the proofs of streams it carries). */
export function testPayer(identity: NodeIdentity, unpaid = false): PayerPolicy {
  return createPayerPolicy({ consumingKey: () => (unpaid ? undefined : TEST_CONSUMING_KEY), ownPublicKey: identity.publicKey, tokenContract: DEV_TOKEN_CONTRACT });
}
