// The Configurator's wallet opcodes (MASQ's node/src/node_configurator/configurator.rs): generateWallets,
// recoverWallets, walletAddresses. The consuming key is stored sealed, the earning wallet as its address only; once
// stored neither is replaced. Bad input throws (WalletError, or UI_PROTOCOL for a malformed field): the UI edge
// table (src/ui/error-edge.ts) says which UI error answers it.

import type { Store } from '../store/index.js';
import { MasqError } from '../system/index.js';
import { type Answers, type ConvOpcode, UI_ERRORS } from '../ui/index.js';
import {
  addressOf, checksumAddress, CONSUMING_KEY_SECRET as KEY_ROW, EARNING_WALLET_ROW as EARNING_ROW, generatePair, parseAddress, parsePrivateKey, privateKeyHex, recoverPair,
  type GenerateSpec, type RecoverSpec,
} from '../wallet/index.js';

/** More than any phrase, path, key or address needs; bounds what a UI client can make us hold. */
const MAX_FIELD_CHARS = 1024;
const MAX_PHRASE_WORDS = 24;

/** An answer, or an error; `changed` when the store's wallets changed (the running Node takes them up). */
export type WalletOutcome<Op extends ConvOpcode> =
  | { payload: Answers[Op]; changed?: { earning: Buffer; consumingKey?: Buffer | undefined } }
  | { error: { code: bigint; message: string } };

const badField = (message: string): MasqError => new MasqError('UI_PROTOCOL', message);

function text(obj: Record<string, unknown>, field: string): string | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > MAX_FIELD_CHARS) throw badField(`Field '${field}' must be a string of at most ${String(MAX_FIELD_CHARS)} characters`);
  return v;
}

function record(obj: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badField(`Field '${field}' must be an object`);
  return v as Record<string, unknown>;
}

function words(obj: Record<string, unknown>): string[] {
  const v = obj.mnemonicPhrase;
  if (!Array.isArray(v) || v.length > MAX_PHRASE_WORDS || !v.every((w) => typeof w === 'string' && w.length <= 64)) {
    throw badField(`Field 'mnemonicPhrase' must be a list of at most ${String(MAX_PHRASE_WORDS)} words`);
  }
  return v as string[];
}

function generateSpec(p: Record<string, unknown>): GenerateSpec {
  const s = record(p, 'seedSpecOpt');
  const size = s?.mnemonicPhraseSizeOpt;
  if (size !== undefined && size !== null && typeof size !== 'number') throw badField("Field 'mnemonicPhraseSizeOpt' must be a number");
  const seed = s && { wordCount: size ?? undefined, language: text(s, 'mnemonicPhraseLanguageOpt'), passphrase: text(s, 'mnemonicPassphraseOpt') };
  return { seed, consumingPath: text(p, 'consumingDerivationPathOpt'), earningPath: text(p, 'earningDerivationPathOpt') };
}

function recoverSpec(p: Record<string, unknown>): RecoverSpec {
  const s = record(p, 'seedSpecOpt');
  return {
    seed: s && { phrase: words(s), language: text(s, 'mnemonicPhraseLanguageOpt'), passphrase: text(s, 'mnemonicPassphraseOpt') },
    consumingPath: text(p, 'consumingDerivationPathOpt'),
    consumingKey: text(p, 'consumingPrivateKeyOpt'),
    earningPath: text(p, 'earningDerivationPathOpt'),
    earningAddress: text(p, 'earningAddressOpt'),
  };
}

/** The password must open the store: the consuming key is sealed with it. */
export async function unlocked(store: Store, password: unknown): Promise<boolean> {
  if (typeof password !== 'string' || !(await store.checkPassword(password))) return false;
  if (!store.isUnlocked()) await store.unlock(password);
  return true;
}

/** MASQ's set_wallet_info: storing the same pair again is harmless, a different one is a collision (said why). */
export function pairCollision(store: Store, consumingKey: Buffer | undefined, earning: Buffer | undefined): string | undefined {
  const oldKey = store.getSecret(KEY_ROW);
  if (consumingKey && oldKey !== undefined && !parsePrivateKey(oldKey).equals(consumingKey)) return 'Consuming wallet private key already populated; cannot replace';
  const oldEarning = store.getConfig(EARNING_ROW);
  if (earning && oldEarning !== undefined && !parseAddress(oldEarning).equals(earning)) return 'Earning wallet address already populated; cannot replace';
  return undefined;
}

async function storePair(store: Store, consumingKey: Buffer, earning: Buffer): Promise<string | undefined> {
  const collision = pairCollision(store, consumingKey, earning);
  if (collision) return collision;
  // Two writes, key first: a crash between them leaves a key without an earning address, which walletAddresses
  // reports as not configured rather than half a pair.
  await store.setSecret({ [KEY_ROW]: consumingKey.toString('hex') });
  await store.setConfig({ [EARNING_ROW]: checksumAddress(earning) });
  return undefined;
}

export const fail = (code: bigint, message: string): { error: { code: bigint; message: string } } => ({ error: { code, message } });

export async function generateWallets(store: Store, p: Record<string, unknown>): Promise<WalletOutcome<'generateWallets'>> {
  if (!(await unlocked(store, p.dbPassword))) return fail(UI_ERRORS.BAD_PASSWORD_ERROR, "Bad password; can't generate wallets");
  const g = await generatePair(generateSpec(p));
  const earning = addressOf(g.earningKey);
  const collision = await storePair(store, g.consumingKey, earning);
  if (collision) return fail(UI_ERRORS.CONFIGURATOR_WRITE_ERROR, `Wallet information could not be set: ${collision}`);
  return {
    payload: {
      mnemonicPhraseOpt: g.phrase,
      consumingWalletAddress: checksumAddress(addressOf(g.consumingKey)),
      consumingWalletPrivateKey: privateKeyHex(g.consumingKey),
      earningWalletAddress: checksumAddress(earning),
      earningWalletPrivateKey: privateKeyHex(g.earningKey),
    },
    changed: { earning, consumingKey: g.consumingKey },
  };
}

export async function recoverWallets(store: Store, p: Record<string, unknown>): Promise<WalletOutcome<'recoverWallets'>> {
  if (!(await unlocked(store, p.dbPassword))) return fail(UI_ERRORS.BAD_PASSWORD_ERROR, "Bad password; can't recover wallets");
  const r = await recoverPair(recoverSpec(p));
  const collision = await storePair(store, r.consumingKey, r.earningAddress);
  if (collision) return fail(UI_ERRORS.CONFIGURATOR_WRITE_ERROR, `Wallet information could not be set: ${collision}`);
  return { payload: {}, changed: { earning: r.earningAddress, consumingKey: r.consumingKey } };
}

export async function walletAddresses(store: Store, p: Record<string, unknown>): Promise<WalletOutcome<'walletAddresses'>> {
  const earning = store.getConfig(EARNING_ROW);
  if (earning === undefined) return fail(UI_ERRORS.MISSING_DATA, 'Wallet pair not yet configured');
  if (!(await unlocked(store, p.dbPassword))) return fail(UI_ERRORS.BAD_PASSWORD_ERROR, "Bad password; can't read the consuming wallet");
  const key = store.getSecret(KEY_ROW);
  if (key === undefined) return fail(UI_ERRORS.MISSING_DATA, 'Wallet pair not yet configured');
  return { payload: { consumingWalletAddress: checksumAddress(addressOf(parsePrivateKey(key))), earningWalletAddress: earning } };
}
