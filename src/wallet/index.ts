// Wallets: BIP-39 phrases, BIP-32 keys, Ethereum addresses and the per-hop payer proof (pure), and the Node's
// wallet service over the rows of its store (passed in).

export { WalletError, type WalletProblem } from './errors.js';
export { DEFAULT_LANGUAGE, LANGUAGES, LANGUAGE_NAMES, type Language, parseLanguage } from './languages.js';
export { WORD_COUNTS, type WordCount, checkPhrase, newPhrase, parseWordCount, seedOf, splitPhrase } from './mnemonic.js';
export { DEFAULT_CONSUMING_PATH, DEFAULT_EARNING_PATH, parsePath } from './path.js';
export { ADDRESS_BYTES, addressOf, checksumAddress, deriveKey, parseAddress, parsePrivateKey, privateKeyHex } from './keys.js';
export { PAYER_BYTES, type Payer, decodePayer, encodePayer, hopDigest, signHopProof, verifyHopProof } from './hop-proof.js';
export { type GenerateSpec, type RecoverSpec, generatePair, recoverPair } from './pair.js';
export { CONSUMING_KEY_SECRET, EARNING_WALLET_ROW, type WalletParams, type WalletRows, Wallets } from './service.js';
