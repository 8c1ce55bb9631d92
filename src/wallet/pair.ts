// The consuming/earning wallet pair from a request: a new phrase, or a recovered phrase, key or address.

import { DEFAULT_LANGUAGE, parseLanguage } from './languages.js';
import { checkPhrase, newPhrase, parseWordCount, seedOf } from './mnemonic.js';
import { addressOf, deriveKey, parseAddress, parsePrivateKey } from './keys.js';
import { DEFAULT_CONSUMING_PATH, DEFAULT_EARNING_PATH } from './path.js';
import { WalletError } from './errors.js';

export interface SeedSpec {
  language?: string;
  passphrase?: string;
}

export interface GenerateSpec {
  seed?: SeedSpec & { wordCount?: number };
  consumingPath?: string;
  earningPath?: string;
}

export interface Generated {
  phrase: string[];
  consumingKey: Buffer;
  earningKey: Buffer;
}

/** MASQ's Node makes 24 English words when the request names no seed at all. */
const NODE_DEFAULT_WORDS = 24;

function missing(what: string): WalletError {
  return new WalletError('missing', `${what}.`, 'Give a mnemonic phrase with derivation paths, or the key and address themselves.');
}

export async function generatePair(spec: GenerateSpec): Promise<Generated> {
  if (!spec.seed && (spec.consumingPath !== undefined || spec.earningPath !== undefined)) throw missing('A derivation path needs a seed specification');
  const words = await newPhrase(parseWordCount(spec.seed?.wordCount ?? NODE_DEFAULT_WORDS), parseLanguage(spec.seed?.language ?? DEFAULT_LANGUAGE));
  const seed = seedOf(words.join(' '), spec.seed?.passphrase);
  try {
    return {
      phrase: words,
      consumingKey: deriveKey(seed, spec.consumingPath ?? DEFAULT_CONSUMING_PATH),
      earningKey: deriveKey(seed, spec.earningPath ?? DEFAULT_EARNING_PATH),
    };
  } finally {
    seed.fill(0);
  }
}

export interface RecoverSpec {
  seed?: SeedSpec & { phrase: readonly string[] };
  consumingPath?: string;
  consumingKey?: string;
  earningPath?: string;
  earningAddress?: string;
}

export interface Recovered {
  consumingKey: Buffer;
  earningAddress: Buffer;
}

/** Exactly one source per wallet; a path needs the phrase. */
export async function recoverPair(spec: RecoverSpec): Promise<Recovered> {
  const oneOf = (path: string | undefined, direct: string | undefined, what: string): void => {
    if ((path === undefined) === (direct === undefined)) throw missing(`Give exactly one of the ${what} derivation path and the ${what} ${what === 'consuming' ? 'private key' : 'address'}`);
    if (path !== undefined && !spec.seed) throw missing(`A ${what} derivation path needs the mnemonic phrase`);
  };
  oneOf(spec.consumingPath, spec.consumingKey, 'consuming');
  oneOf(spec.earningPath, spec.earningAddress, 'earning');
  const seed = spec.seed ? seedOf(await checkPhrase(spec.seed.phrase, parseLanguage(spec.seed.language ?? DEFAULT_LANGUAGE)), spec.seed.passphrase) : undefined;
  try {
    const fromPath = (path: string): Buffer => deriveKey(seed as Buffer, path);
    return {
      consumingKey: spec.consumingKey !== undefined ? parsePrivateKey(spec.consumingKey) : fromPath(spec.consumingPath as string),
      earningAddress: spec.earningAddress !== undefined ? parseAddress(spec.earningAddress) : addressOf(fromPath(spec.earningPath as string)),
    };
  } finally {
    seed?.fill(0);
  }
}
