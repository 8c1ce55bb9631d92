// The Node's backup opcodes (src/backup): exportBackup seals the node key, the wallets, the past neighbors and the
// settings into one file with the backup password; importBackup opens one and writes them into this Node's store,
// sealed with this store's password. The restored node key takes effect at the next start; the settings are for the
// caller to give to the Daemon's setup. Bad files throw BackupError, which the UI edge turns into UI errors.

import { BackupError, type BackupSetting, checkNewPassword, MAX_PAST_NEIGHBORS, readBackup, writeBackup } from '../backup/index.js';
import { importIdentity } from '../crypto/index.js';
import type { Store } from '../store/index.js';
import { type Clock, unixSeconds } from '../system/index.js';
import { UI_ERRORS } from '../ui/index.js';
import { VERSION } from '../version.js';
import { checksumAddress, CONSUMING_KEY_SECRET as KEY_ROW, EARNING_WALLET_ROW as EARNING_ROW, parseAddress, parsePrivateKey } from '../wallet/index.js';
import { IDENTITY_SECRET } from './identity.js';
import { PAST_NEIGHBORS_SECRET } from './network.js';
import { fail, pairCollision, unlocked, type WalletOutcome } from './wallet-handlers.js';

/** What the backup opcodes need of the running Node besides its store. */
export interface BackupContext {
  /** This Node's settings for a backup (backupSettings of src/backup). */
  settings(): BackupSetting[];
  /** The key the Node runs with, to tell whether a restore changes it. */
  nodePublicKey: Buffer;
  clock: Clock;
}

/** Why the store cannot be used with this password, if it cannot. */
async function refusedPassword(store: Store, password: unknown, doing: string): Promise<ReturnType<typeof fail> | undefined> {
  if (!store.hasPassword()) return fail(UI_ERRORS.BAD_PASSWORD_ERROR, `This Node's database has no password yet, so it keeps no secrets; set one with masq set-password, then ${doing}`);
  return (await unlocked(store, password)) ? undefined : fail(UI_ERRORS.BAD_PASSWORD_ERROR, `Bad password; can't ${doing}`);
}

export async function exportBackup(store: Store, p: Record<string, unknown>, ctx: BackupContext): Promise<WalletOutcome<'exportBackup'>> {
  checkNewPassword(p.backupPassword);
  const refused = await refusedPassword(store, p.dbPassword, 'back up');
  if (refused) return refused;
  const nodeKey = store.getSecret(IDENTITY_SECRET);
  const consumingKey = store.getSecret(KEY_ROW);
  const earningAddress = store.getConfig(EARNING_ROW);
  const past = store.getSecret(PAST_NEIGHBORS_SECRET);
  const file = await writeBackup({
    masqVersion: VERSION,
    createdAt: unixSeconds(ctx.clock),
    chain: store.getConfig('chain_name') ?? '',
    ...(nodeKey !== undefined && { nodeKey }),
    wallets: { ...(consumingKey !== undefined && { consumingKey }), ...(earningAddress !== undefined && { earningAddress }) },
    pastNeighbors: past ? past.split(',').slice(0, MAX_PAST_NEIGHBORS) : [],
    settings: ctx.settings(),
  }, p.backupPassword);
  return { payload: { file } };
}

export async function importBackup(store: Store, p: Record<string, unknown>, ctx: BackupContext): Promise<WalletOutcome<'importBackup'>> {
  const refused = await refusedPassword(store, p.dbPassword, 'restore');
  if (refused) return refused;
  const b = await readBackup(p.file, p.backupPassword);
  const chain = store.getConfig('chain_name');
  if (b.chain !== chain) throw new BackupError('backup-chain', `This backup is of a Node on chain ${b.chain}, but this Node runs on chain ${chain ?? '(none)'}.`);
  const consumingKey = b.wallets.consumingKey !== undefined ? parsePrivateKey(b.wallets.consumingKey) : undefined;
  const earning = b.wallets.earningAddress !== undefined ? parseAddress(b.wallets.earningAddress) : undefined;
  // Everything is checked before the first write: a refused restore leaves the store as it was.
  const collision = pairCollision(store, consumingKey, earning);
  if (collision) return fail(UI_ERRORS.CONFIGURATOR_WRITE_ERROR, `The backup's wallets could not be restored: ${collision}`);
  // One transaction for the secrets; the earning address after them, as storePair does.
  await store.setSecret({
    ...(b.nodeKey !== undefined && { [IDENTITY_SECRET]: b.nodeKey }),
    ...(consumingKey && { [KEY_ROW]: consumingKey.toString('hex') }),
    ...(b.pastNeighbors.length > 0 && { [PAST_NEIGHBORS_SECRET]: b.pastNeighbors.join(',') }),
  });
  if (earning) await store.setConfig({ [EARNING_ROW]: checksumAddress(earning) });
  const nodeKeyChanged = b.nodeKey !== undefined && !importIdentity(b.nodeKey).publicKey.equals(ctx.nodePublicKey);
  return { payload: { settings: b.settings, nodeKeyChanged }, ...(earning && { changed: { earning, consumingKey } }) };
}
