// masq's wallet commands (as MASQ's masq_cli has them): generate-wallets, recover-wallets, wallet-addresses.
// Arguments are checked here with the Node's own rules so a typo is reported before the password travels to the Node.

import type { Command } from './command.js';
import { UsageError, ask, parseFlags, positional } from './flags.js';
import { LANGUAGE_NAMES, WORD_COUNTS, WalletError, parseAddress, parseLanguage, parsePath, parsePrivateKey, parseWordCount, splitPhrase } from '../wallet/index.js';

/** Runs a wallet parser for its verdict only; its error becomes the usage message. */
function check(parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    if (e instanceof WalletError) throw new UsageError(e.describe());
    throw e;
  }
}

function password(flags: Map<string, string>): string {
  const pw = flags.get('db-password');
  if (pw === undefined) throw new UsageError('--db-password is required');
  return pw;
}

/** Exactly one of two flags, as masq's argument groups demand. */
function oneOf(flags: Map<string, string>, a: string, b: string): void {
  if (flags.has(a) === flags.has(b)) throw new UsageError(`Give exactly one of --${a} and --${b}`);
}

const DEFAULT_WORD_COUNT = 12;

export const WALLET_COMMANDS: readonly Command[] = [
  {
    name: 'generate-wallets',
    usage: `generate-wallets --db-password <pw> [--word-count ${WORD_COUNTS.join('|')}] [--language <${LANGUAGE_NAMES.join('|')}>] [--passphrase <p>] [--consuming-path <path>] [--earning-path <path>]`,
    help: 'Makes a new mnemonic phrase and derives the consuming and earning wallets from it (12 words unless told).',
    async run(args, io) {
      const f = parseFlags(args, ['db-password', 'word-count', 'language', 'passphrase', 'consuming-path', 'earning-path']);
      const dbPassword = password(f);
      const words = f.get('word-count') ?? String(DEFAULT_WORD_COUNT);
      if (!/^[0-9]{2}$/.test(words)) throw new UsageError(`--word-count must be one of ${WORD_COUNTS.join(', ')}`);
      check(() => parseWordCount(Number(words)));
      const language = f.get('language');
      if (language !== undefined) check(() => parseLanguage(language));
      for (const path of ['consuming-path', 'earning-path']) {
        const v = f.get(path);
        if (v !== undefined) check(() => parsePath(v));
      }
      const passphrase = f.get('passphrase');
      const consumingPath = f.get('consuming-path');
      const earningPath = f.get('earning-path');
      const r = await ask(io, 'generateWallets', {
        dbPassword,
        seedSpecOpt: { mnemonicPhraseSizeOpt: Number(words), ...(language !== undefined && { mnemonicPhraseLanguageOpt: language }), ...(passphrase !== undefined && { mnemonicPassphraseOpt: passphrase }) },
        ...(consumingPath !== undefined && { consumingDerivationPathOpt: consumingPath }),
        ...(earningPath !== undefined && { earningDerivationPathOpt: earningPath }),
      });
      const lines: string[] = [];
      if (r.mnemonicPhraseOpt) {
        lines.push("Copy this phrase down and keep it safe; you'll need it to restore your wallet:", `'${r.mnemonicPhraseOpt.join(' ')}'`);
      }
      lines.push(
        `Address of     consuming wallet: ${r.consumingWalletAddress}`,
        `Private key of consuming wallet: ${r.consumingWalletPrivateKey}`,
        `Address of       earning wallet: ${r.earningWalletAddress}`,
        `Private key of   earning wallet: ${r.earningWalletPrivateKey}`,
      );
      io.out(lines.join('\n'));
      return 0;
    },
  },
  {
    name: 'recover-wallets',
    usage: 'recover-wallets --db-password <pw> [--mnemonic-phrase "<words>"] [--passphrase <p>] [--language <name>] (--consuming-path <path> | --consuming-key <hex>) (--earning-path <path> | --earning-address <0x…>)',
    help: 'Stores wallets recovered from a mnemonic phrase, or a consuming private key and an earning address.',
    async run(args, io) {
      const f = parseFlags(args, ['db-password', 'mnemonic-phrase', 'passphrase', 'language', 'consuming-path', 'consuming-key', 'earning-path', 'earning-address']);
      const dbPassword = password(f);
      oneOf(f, 'consuming-path', 'consuming-key');
      oneOf(f, 'earning-path', 'earning-address');
      const phrase = f.get('mnemonic-phrase');
      const needsPhrase = f.has('consuming-path') || f.has('earning-path');
      if (needsPhrase !== (phrase !== undefined)) throw new UsageError('--mnemonic-phrase goes with --consuming-path or --earning-path, and only with them');
      const language = f.get('language');
      if (language !== undefined) check(() => parseLanguage(language));
      const consumingPath = f.get('consuming-path');
      const consumingKey = f.get('consuming-key');
      const earningPath = f.get('earning-path');
      const earningAddress = f.get('earning-address');
      if (consumingPath !== undefined) check(() => parsePath(consumingPath));
      if (earningPath !== undefined) check(() => parsePath(earningPath));
      if (consumingKey !== undefined) check(() => parsePrivateKey(consumingKey));
      if (earningAddress !== undefined) check(() => parseAddress(earningAddress));
      let words: string[] | undefined;
      if (phrase !== undefined) check(() => (words = splitPhrase(phrase)));
      const passphrase = f.get('passphrase');
      await ask(io, 'recoverWallets', {
        dbPassword,
        ...(words && {
          seedSpecOpt: { mnemonicPhrase: words, ...(language !== undefined && { mnemonicPhraseLanguageOpt: language }), ...(passphrase !== undefined && { mnemonicPassphraseOpt: passphrase }) },
        }),
        ...(consumingPath !== undefined && { consumingDerivationPathOpt: consumingPath }),
        ...(consumingKey !== undefined && { consumingPrivateKeyOpt: consumingKey }),
        ...(earningPath !== undefined && { earningDerivationPathOpt: earningPath }),
        ...(earningAddress !== undefined && { earningAddressOpt: earningAddress }),
      });
      io.out('Wallets were successfully recovered');
      return 0;
    },
  },
  {
    name: 'wallet-addresses',
    usage: 'wallet-addresses <db-password>',
    help: 'Shows the addresses of the consuming and earning wallets.',
    async run(args, io) {
      const [dbPassword] = positional(args, 1, 1) as [string];
      const r = await ask(io, 'walletAddresses', { dbPassword });
      io.out(`Your consuming wallet address: ${r.consumingWalletAddress}\nYour   earning wallet address: ${r.earningWalletAddress}`);
      return 0;
    },
  },
];
