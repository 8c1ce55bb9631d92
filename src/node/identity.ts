// Which node key a Node starts with, as in MASQ Node: with the database password, the stored key is reused unless
// new-public-key is on (then, or with none stored, a new one is stored); without it, every start gets a fresh key.

import { type NodeIdentity, generateIdentity, importIdentity } from '../crypto/index.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../system/index.js';

export const IDENTITY_SECRET = 'last_cryptde';

export async function loadIdentity(store: Store, newPublicKey: 'on' | 'off' | undefined, log: Logger): Promise<NodeIdentity> {
  if (!store.isUnlocked()) {
    if (newPublicKey === 'off') log.warn('new-public-key is off, but without the database password no key can be reused; using a fresh one');
    return generateIdentity();
  }
  const stored = newPublicKey === 'on' ? undefined : store.getSecret(IDENTITY_SECRET);
  if (stored !== undefined) {
    try {
      return importIdentity(stored);
    } catch (e) {
      log.error(`The stored node key is unusable (${(e as Error).message}); starting with a new one`);
    }
  }
  const fresh = generateIdentity();
  await store.setSecret({ [IDENTITY_SECRET]: fresh.exportSecrets() });
  return fresh;
}
