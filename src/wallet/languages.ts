// The BIP-39 languages MASQ Node offers, under the names its UI and masq --language use.

import { wordlist as chineseSimplified } from '@scure/bip39/wordlists/simplified-chinese.js';
import { wordlist as chineseTraditional } from '@scure/bip39/wordlists/traditional-chinese.js';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { wordlist as french } from '@scure/bip39/wordlists/french.js';
import { wordlist as italian } from '@scure/bip39/wordlists/italian.js';
import { wordlist as japanese } from '@scure/bip39/wordlists/japanese.js';
import { wordlist as korean } from '@scure/bip39/wordlists/korean.js';
import { wordlist as spanish } from '@scure/bip39/wordlists/spanish.js';
import { WalletError } from './errors.js';

export const LANGUAGES = {
  English: english,
  Chinese: chineseSimplified,
  'Traditional Chinese': chineseTraditional,
  French: french,
  Italian: italian,
  Japanese: japanese,
  Korean: korean,
  Spanish: spanish,
} as const satisfies Record<string, readonly string[]>;

export type Language = keyof typeof LANGUAGES;
export const DEFAULT_LANGUAGE: Language = 'English';
export const LANGUAGE_NAMES = Object.keys(LANGUAGES) as Language[];

export function parseLanguage(name: string): Language {
  if (Object.hasOwn(LANGUAGES, name)) return name as Language;
  throw new WalletError('language', `Unrecognized mnemonic language: '${name.slice(0, 40)}'.`,
    `Use one of ${LANGUAGE_NAMES.join(', ')}.`);
}
