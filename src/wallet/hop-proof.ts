// MASQ's per-hop payer proof: the originator signs keccak256(hop public key ‖ token contract) with its
// consuming key, and hop i checks that the signature recovers to the stated wallet. It proves control of the wallet
// that will pay; it moves no money. Layout of the route header's 85-byte payer slot: wallet 20 ‖ r 32 ‖ s 32 ‖ v 1.

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { ADDRESS_BYTES, addressOf, addressOfPublic } from './keys.js';

export const HOP_PUBLIC_KEY_BYTES = 64;
export const CONTRACT_BYTES = 20;
export const PROOF_BYTES = 65;
export const PAYER_BYTES = ADDRESS_BYTES + PROOF_BYTES;

export interface Payer {
  wallet: Buffer;
  /** r 32 ‖ s 32 ‖ v 1, v being the recovery id 0 or 1. */
  proof: Buffer;
}

function need(buf: Buffer, bytes: number, what: string): void {
  if (buf.length !== bytes) throw new RangeError(`${what} must be ${String(bytes)} bytes, not ${String(buf.length)}`);
}

/** What each hop precomputes once for its own key and the chain's token contract. */
export function hopDigest(hopPublicKey: Buffer, tokenContract: Buffer): Buffer {
  need(hopPublicKey, HOP_PUBLIC_KEY_BYTES, 'a hop public key');
  need(tokenContract, CONTRACT_BYTES, 'a token contract address');
  return Buffer.from(keccak_256(Buffer.concat([hopPublicKey, tokenContract])));
}

/** Signs the raw digest (no EIP-191 prefix, as MASQ): the proof for one hop. */
export function signHopProof(consumingKey: Buffer, hopPublicKey: Buffer, tokenContract: Buffer): Payer {
  const recovered = secp256k1.sign(hopDigest(hopPublicKey, tokenContract), consumingKey, { prehash: false, format: 'recovered' });
  // noble puts the recovery byte first; the payer slot keeps Ethereum's r ‖ s ‖ v order.
  const proof = Buffer.concat([recovered.subarray(1), recovered.subarray(0, 1)]);
  return { wallet: addressOf(consumingKey), proof };
}

/** True when `proof` over `digest` recovers to `address`; any malformed proof is simply false. */
export function verifyHopProof(address: Buffer, proof: Buffer, digest: Buffer): boolean {
  const v = proof[64];
  if (proof.length !== PROOF_BYTES || address.length !== ADDRESS_BYTES || digest.length !== 32 || (v !== 0 && v !== 1)) return false;
  try {
    const sig = Buffer.concat([proof.subarray(64), proof.subarray(0, 64)]);
    const pub = secp256k1.Point.fromBytes(secp256k1.recoverPublicKey(sig, digest, { prehash: false })).toBytes(false);
    return addressOfPublic(pub).equals(address);
  } catch {
    return false; // r or s out of range, or no point recovers: not a proof
  }
}

export function encodePayer(p: Payer): Buffer {
  need(p.wallet, ADDRESS_BYTES, 'a payer wallet');
  need(p.proof, PROOF_BYTES, 'a payer proof');
  return Buffer.concat([p.wallet, p.proof]);
}

export function decodePayer(slot: Buffer): Payer {
  need(slot, PAYER_BYTES, 'a payer slot');
  return { wallet: Buffer.from(slot.subarray(0, ADDRESS_BYTES)), proof: Buffer.from(slot.subarray(ADDRESS_BYTES)) };
}
