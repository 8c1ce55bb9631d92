// A backup file from its contents and back: the payload (payload.ts) in the sealed envelope (format.ts). The
// plaintext bytes are wiped once used; the strings made of them live on until the garbage collector takes them.

import { type BackupKdf, openBackup, sealBackup } from './format.js';
import { type BackupContents, decodePayload, encodePayload } from './payload.js';

export async function writeBackup(contents: BackupContents, password: string, kdf?: BackupKdf): Promise<string> {
  const plain = encodePayload(contents);
  try {
    return await sealBackup(plain, password, kdf);
  } finally {
    plain.fill(0);
  }
}

/** The checked contents of a backup file; every failure is a BackupError. */
export async function readBackup(text: unknown, password: unknown): Promise<BackupContents> {
  const plain = await openBackup(text, password);
  try {
    return decodePayload(plain);
  } finally {
    plain.fill(0);
  }
}
