// The BIP-39 languages MASQ Node offers, under the names its UI and masq --language use.

import { WalletError } from './errors.js';

// Each list is loaded at the first phrase made or checked in its language: split into words, the eight hold
// 1.2 MiB, which a Node that runs with its wallets set never needs (docs/PERFORMANCE.md).
export const LANGUAGES = {
  English: () => import('@scure/bip39/wordlists/english.js'),
  Chinese: () => import('@scure/bip39/wordlists/simplified-chinese.js'),
  'Traditional Chinese': () => import('@scure/bip39/wordlists/traditional-chinese.js'),
  French: () => import('@scure/bip39/wordlists/french.js'),
  Italian: () => import('@scure/bip39/wordlists/italian.js'),
  Japanese: () => import('@scure/bip39/wordlists/japanese.js'),
  Korean: () => import('@scure/bip39/wordlists/korean.js'),
  Spanish: () => import('@scure/bip39/wordlists/spanish.js'),
} as const satisfies Record<string, () => Promise<{ wordlist: readonly string[] }>>;

export type Language = keyof typeof LANGUAGES;
export const DEFAULT_LANGUAGE: Language = 'English';
export const LANGUAGE_NAMES = Object.keys(LANGUAGES) as Language[];

export function parseLanguage(name: string): Language {
  if (Object.hasOwn(LANGUAGES, name)) return name as Language;
  throw new WalletError('language', `Unrecognized mnemonic language: '${name.slice(0, 40)}'.`,
    `Use one of ${LANGUAGE_NAMES.join(', ')}.`);
}

/** The language's 2048 words. */
export async function wordlistOf(language: Language): Promise<string[]> {
  return [...(await LANGUAGES[language]()).wordlist];
}
