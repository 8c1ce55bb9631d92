// Who pays for a stream, as in MASQ (docs/MESH.md): the originator's consuming wallet signs a proof for every hop
// of every route (keccak256 of the hop's public key and the chain's token contract), and each relay and exit
// checks the proof in its own slot before it carries anything. A proof is deterministic per wallet and hop, so a
// hop verifies each payer once and remembers the answer (bounded).

import { decodePayer, encodePayer, hopDigest, signHopProof, verifyHopProof } from '../wallet/index.js';

/** Verified payer slots remembered per Node; the oldest go first. */
export const MAX_REMEMBERED_PAYERS = 4096;

export interface PayerPolicy {
  /** The 85-byte payer slot for a hop, or undefined when this Node has no consuming wallet. */
  slotFor(hopPublicKey: Buffer): Buffer | undefined;
  /** Whether a slot carries a valid proof, for this Node, from a payer it serves. */
  accepts(slot: Buffer): boolean;
}

export interface PayerOptions {
  /** The 32-byte secp256k1 key of the consuming wallet now, if this Node has one: asked at each new stream, so a
   *  wallet generated or recovered while the Node runs pays from its next stream on. */
  consumingKey(): Buffer | undefined;
  /** This Node's 64-byte public key: what proofs addressed to it sign. */
  ownPublicKey: Buffer;
  /** 20-byte token contract of the chain. */
  tokenContract: Buffer;
  /** Payers this Node refuses (delinquent debtors), by 20-byte wallet. */
  banned?(wallet: Buffer): boolean;
}

export function createPayerPolicy(o: PayerOptions): PayerPolicy {
  const digest = hopDigest(o.ownPublicKey, o.tokenContract);
  // Proofs signed by `signer`, per hop; a new consuming key starts them afresh.
  let signer: Buffer | undefined;
  const signed = new Map<string, Buffer>();
  const verified = new Map<string, boolean>();
  const remember = <T>(m: Map<string, T>, k: string, v: T): T => {
    if (m.size >= MAX_REMEMBERED_PAYERS) m.delete(m.keys().next().value as string);
    m.set(k, v);
    return v;
  };
  return {
    slotFor(hopPublicKey) {
      const key = o.consumingKey();
      if (!key) return undefined;
      if (!signer?.equals(key)) {
        signer = key;
        signed.clear();
      }
      const k = hopPublicKey.toString('hex');
      return signed.get(k) ?? remember(signed, k, encodePayer(signHopProof(key, hopPublicKey, o.tokenContract)));
    },
    accepts(slot) {
      const { wallet, proof } = decodePayer(slot);
      if (o.banned?.(wallet)) return false;
      const k = slot.toString('hex');
      return verified.get(k) ?? remember(verified, k, verifyHopProof(wallet, proof, digest));
    },
  };
}
