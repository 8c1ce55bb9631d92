// What a backup holds, as JSON inside the sealed envelope (format.ts), and the check of what is read back: every
// field bounded and valid for the backup's chain before anything reaches a store. Fields this version does not
// know are ignored, so a later version may add optional ones; anything else changes the format's version.

import { findChain } from '../chains/index.js';
import { importIdentity } from '../crypto/index.js';
import { DecodeError, parseDescriptor } from '../wire/index.js';
import { BackupError } from './errors.js';
import { type BackupSetting, checkSettings } from './settings.js';

/** More than a Node ever keeps (it has at most a handful of full neighbors). */
export const MAX_PAST_NEIGHBORS = 64;
const MAX_DESCRIPTOR_CHARS = 512;

export interface BackupWallets {
  /** The consuming wallet's private key, 64 lowercase hex digits, as the store keeps it (sealed). */
  consumingKey?: string;
  /** The earning wallet's address, 0x + 40 hex digits, as the store keeps it. */
  earningAddress?: string;
}

export interface BackupContents {
  /** The masq-pi that made it. */
  masqVersion: string;
  /** Unix seconds. */
  createdAt: number;
  chain: string;
  /** The node key as the store keeps it (the identity's exported secrets); absent when the Node kept none. */
  nodeKey?: string;
  wallets: BackupWallets;
  /** Descriptors of the Node's last full neighbors. */
  pastNeighbors: string[];
  settings: BackupSetting[];
}

export function encodePayload(c: BackupContents): Buffer {
  return Buffer.from(JSON.stringify(c), 'utf8');
}

const damaged = (why: string): BackupError => new BackupError('backup-damaged', `The backup file is damaged: ${why}.`);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(o: Record<string, unknown>, field: string, pattern: RegExp): string {
  const v = o[field];
  if (typeof v !== 'string' || !pattern.test(v)) throw damaged(`its field '${field}' is missing or malformed`);
  return v;
}

function optionalText(o: Record<string, unknown>, field: string, pattern: RegExp): string | undefined {
  return o[field] === undefined ? undefined : text(o, field, pattern);
}

function pastNeighbors(raw: unknown, chain: string): string[] {
  if (!Array.isArray(raw) || raw.length > MAX_PAST_NEIGHBORS) throw damaged(`its past neighbors are not a list of at most ${MAX_PAST_NEIGHBORS}`);
  return raw.map((d: unknown) => {
    if (typeof d !== 'string' || d.length > MAX_DESCRIPTOR_CHARS) throw damaged('a past neighbor is not a descriptor');
    try {
      if (parseDescriptor(d).chain !== chain) throw damaged(`a past neighbor is not on chain ${chain}`);
    } catch (e) {
      if (e instanceof DecodeError) throw damaged(`a past neighbor is not a descriptor (${e.message})`);
      throw e;
    }
    return d;
  });
}

/** The contents of a decrypted payload, every field checked; a BackupError says what is wrong. */
export function decodePayload(bytes: Buffer): BackupContents {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw damaged('its contents are not JSON');
  }
  if (!isRecord(raw)) throw damaged('its contents are not a record');
  const chain = text(raw, 'chain', /^[a-z0-9-]{1,64}$/);
  if (!findChain(chain)) throw new BackupError('backup-newer', `The backup is of a Node on chain ${chain}, which this masq-pi does not know.`);
  const createdAt = raw.createdAt;
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0) throw damaged("its field 'createdAt' is not a time");
  const nodeKey = optionalText(raw, 'nodeKey', /^[A-Za-z0-9_-]{43},[A-Za-z0-9_-]{43}$/);
  if (nodeKey !== undefined) {
    try {
      importIdentity(nodeKey);
    } catch {
      throw damaged('its node key is unusable');
    }
  }
  const w = raw.wallets;
  if (!isRecord(w)) throw damaged("its field 'wallets' is not a record");
  const consumingKey = optionalText(w, 'consumingKey', /^[0-9a-f]{64}$/);
  const earningAddress = optionalText(w, 'earningAddress', /^0x[0-9a-fA-F]{40}$/);
  return {
    masqVersion: text(raw, 'masqVersion', /^[0-9A-Za-z.+-]{1,64}$/),
    createdAt,
    chain,
    ...(nodeKey !== undefined && { nodeKey }),
    wallets: { ...(consumingKey !== undefined && { consumingKey }), ...(earningAddress !== undefined && { earningAddress }) },
    pastNeighbors: pastNeighbors(raw.pastNeighbors, chain),
    settings: checkSettings(raw.settings, chain),
  };
}
