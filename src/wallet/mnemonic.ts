// BIP-39 phrases: generating, validating and turning into a seed (with the optional "25th word" passphrase).

import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { type Language, wordlistOf } from './languages.js';
import { WalletError } from './errors.js';

export const WORD_COUNTS = [12, 15, 18, 21, 24] as const;
export type WordCount = (typeof WORD_COUNTS)[number];
/** Longer than any valid phrase in any language; stops a huge input before normalisation work. */
export const MAX_PHRASE_CHARS = 1024;
export const MAX_PASSPHRASE_CHARS = 1024;

export function parseWordCount(n: number): WordCount {
  if ((WORD_COUNTS as readonly number[]).includes(n)) return n as WordCount;
  throw new WalletError('word-count', `Illegal mnemonic word count: ${String(n)}.`, `Use one of ${WORD_COUNTS.join(', ')}.`);
}

/** A fresh random phrase as its words (32 bits of entropy per 3 words). */
export async function newPhrase(count: WordCount, language: Language): Promise<string[]> {
  return splitPhrase(generateMnemonic(await wordlistOf(language), (count / 3) * 32));
}

/** Words of a phrase; Japanese phrases use the ideographic space, which NFKD turns into a plain one. */
export function splitPhrase(phrase: string): string[] {
  if (phrase.length > MAX_PHRASE_CHARS) throw badPhrase('is too long');
  return phrase.normalize('NFKD').split(' ').filter((w) => w.length > 0);
}

function badPhrase(why: string): WalletError {
  return new WalletError('phrase', `The mnemonic phrase ${why}.`, 'Check every word, the word order and the --language.');
}

/** Checks the words against the language's list and checksum; returns the phrase as BIP-39 joins it. */
export async function checkPhrase(words: readonly string[], language: Language): Promise<string> {
  if (!(WORD_COUNTS as readonly number[]).includes(words.length)) throw badPhrase(`has ${String(words.length)} words, not 12, 15, 18, 21 or 24`);
  const phrase = words.join(' ');
  if (phrase.length > MAX_PHRASE_CHARS) throw badPhrase('is too long');
  if (!validateMnemonic(phrase, await wordlistOf(language))) throw badPhrase(`is not a valid ${language} BIP-39 phrase`);
  return phrase;
}

export function seedOf(phrase: string, passphrase = ''): Buffer {
  if (passphrase.length > MAX_PASSPHRASE_CHARS) throw badPhrase('passphrase is too long');
  return Buffer.from(mnemonicToSeedSync(phrase, passphrase));
}
