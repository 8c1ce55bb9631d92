// Keys and Ethereum addresses: BIP-32 derivation, EIP-55 checksums, hex private keys.

import { HDKey } from '@scure/bip32';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { WalletError } from './errors.js';
import { parsePath } from './path.js';

// A Node derives a few addresses and signs or checks a few payer proofs per peer, each remembered: the base point's
// precomputed tables would hold 0.3 MiB for good and cost 19 ms at the first signature, for nothing noticeable.
secp256k1.Point.BASE.precompute(1);

export const ADDRESS_BYTES = 20;
export const PRIVATE_KEY_BYTES = 32;

/** The private key at `path` below a BIP-39 seed. */
export function deriveKey(seed: Buffer, path: string): Buffer {
  const key = HDKey.fromMasterSeed(seed).derive(parsePath(path)).privateKey;
  // HDKey skips invalid children itself (BIP-32), so a missing key means a broken library, not bad input.
  if (!key) throw new Error(`no private key derived at ${path}`);
  return Buffer.from(key);
}

/** Last 20 bytes of keccak256 of the uncompressed public key without its 0x04 prefix. */
export function addressOf(privateKey: Buffer): Buffer {
  return addressOfPublic(secp256k1.getPublicKey(privateKey, false));
}

export function addressOfPublic(uncompressed: Uint8Array): Buffer {
  return Buffer.from(keccak_256(uncompressed.subarray(1))).subarray(32 - ADDRESS_BYTES);
}

/** EIP-55: a hex letter is upper case when the matching nibble of keccak256(lower-case hex) is 8 or more. */
export function checksumAddress(address: Buffer): string {
  const hex = address.toString('hex');
  const hash = Buffer.from(keccak_256(Buffer.from(hex, 'ascii'))).toString('hex');
  let out = '0x';
  for (let i = 0; i < hex.length; i++) out += parseInt(hash[i] as string, 16) >= 8 ? (hex[i] as string).toUpperCase() : hex[i];
  return out;
}

/** "0x" + 40 hex digits; mixed case must carry a correct EIP-55 checksum, one case is taken as unchecked. */
export function parseAddress(text: string): Buffer {
  const fix = 'Give the address as 0x followed by 40 hex digits, copied exactly.';
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new WalletError('key', `'${text.slice(0, 50)}' is not an Ethereum address.`, fix);
  const address = Buffer.from(text.slice(2), 'hex');
  const digits = text.slice(2);
  const mixed = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  if (mixed && checksumAddress(address) !== text) throw new WalletError('key', `The address ${text} has a wrong EIP-55 checksum.`, fix);
  return address;
}

/** 64 hex digits (either case, optional 0x) naming a valid secp256k1 secret. */
export function parsePrivateKey(text: string): Buffer {
  const hex = text.startsWith('0x') ? text.slice(2) : text;
  const bad = new WalletError('key', 'The consuming private key is not a valid secp256k1 key.', 'Give it as 64 hex digits.');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw bad;
  const key = Buffer.from(hex, 'hex');
  if (!secp256k1.utils.isValidSecretKey(key)) throw bad;
  return key;
}

/** As MASQ returns private keys: upper-case hex without 0x. */
export const privateKeyHex = (key: Buffer): string => key.toString('hex').toUpperCase();
