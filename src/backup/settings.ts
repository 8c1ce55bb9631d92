// Which of the Node's parameters a backup carries, as the settings a restored box is set up with, and the check of
// those it reads back. Every parameter of the table is placed here (a new one does not compile until it is): kept,
// or left out with the reason.

import { findParam, type Param, type ParamName, ParamProblem, PARAMS } from '../config/index.js';
import type { ConfigRow } from '../store/index.js';
import { BackupError } from './errors.js';

export interface BackupSetting {
  name: string;
  value: string;
}

const KEPT = true;

/** true: kept; otherwise why a backup leaves it out. */
export const BACKUP_SCOPE: Readonly<Record<ParamName, true | string>> = {
  'blockchain-service-url': KEPT,
  chain: KEPT,
  // Neighbors and the router's port forwarding know the Node by its key and this port.
  'clandestine-port': KEPT,
  'config-file': 'a file of this machine',
  'consuming-private-key': 'a secret; the wallets part holds the stored consuming key',
  'data-directory': 'a directory of this machine',
  'db-password': 'a secret; the restoring Node seals with its own',
  'dns-servers': KEPT,
  'earning-wallet': 'the wallets part holds the earning address',
  'exit-location': KEPT,
  'exit-private-destinations': KEPT,
  'gas-price': KEPT,
  'hotspot-delay': 'root\'s choice for this machine\'s radio, not the Node\'s',
  'hotspot-ignore': 'root\'s choice for this machine\'s network ports, not the Node\'s',
  ip: KEPT,
  'lan-consuming': KEPT,
  'lan-dns': KEPT,
  'link-mask': KEPT,
  'log-level': KEPT,
  'mapping-lifetime': KEPT,
  'mapping-protocol': KEPT,
  'min-hops': KEPT,
  'neighborhood-mode': KEPT,
  neighbors: KEPT,
  'new-public-key': 'an order for one start; restored, it would replace the restored node key',
  'payment-thresholds': KEPT,
  'proxy-address': 'this machine\'s address on its network, which a new box may not have',
  'proxy-password': 'a secret; the restored box\'s owner sets it again',
  'proxy-port': KEPT,
  'rate-pack': KEPT,
  'real-user': 'a user of this machine',
  'scan-intervals': KEPT,
  scans: KEPT,
  'setup-page-lan': 'the Daemon\'s setting, not the Node\'s',
  'ssh-access-from-page': 'root\'s choice for this machine, not the Node\'s',
  'unattended-restart': 'the Daemon\'s setting, not the Node\'s',
  'ui-port': 'a port of this machine, chosen by its Daemon',
  'ui-token': 'a secret of this machine',
};

const KEPT_PARAMS: readonly Param[] = PARAMS.filter((p) => BACKUP_SCOPE[p.name as ParamName] === KEPT);

/**
 * The settings of a running Node for its backup: of the kept parameters, those the store keeps as it keeps them
 * now (set-configuration may have changed them since the start), the others as given at the start (not this
 * masq's defaults, which the restoring masq-pi has its own of), and always the chain.
 */
export function backupSettings(started: ReadonlyMap<string, { value: string; status: string }>, stored: (row: ConfigRow) => string | undefined): BackupSetting[] {
  const valueOf = (p: Param): string | undefined => {
    if (p.storeRow) return stored(p.storeRow);
    const start = started.get(p.name);
    return p.name === 'chain' || start?.status !== 'Default' ? start?.value : undefined;
  };
  return KEPT_PARAMS.flatMap((p) => {
    const value = valueOf(p);
    return value ? [{ name: p.name, value }] : [];
  });
}

const damaged = (why: string): BackupError => new BackupError('backup-damaged', `The backup file is damaged: ${why}.`);

/** The settings read from a backup, each checked by its parameter for this chain and in its canonical form. */
export function checkSettings(raw: unknown, chain: string): BackupSetting[] {
  if (!Array.isArray(raw) || raw.length > PARAMS.length) throw damaged('its settings are not a list of parameters');
  const seen = new Set<string>();
  return raw.map((entry: unknown) => {
    const { name, value } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof value !== 'string' || name.length > 64 || value.length > 8192) throw damaged('a setting is not a name and a value');
    const p = findParam(name);
    if (!p) throw new BackupError('backup-newer', `The backup holds the setting '${name}', which this masq-pi does not know.`);
    if (BACKUP_SCOPE[name as ParamName] !== KEPT) throw damaged(`it holds the setting '${name}', which backups never hold`);
    if (seen.has(name)) throw damaged(`it holds the setting '${name}' twice`);
    seen.add(name);
    try {
      const canonical = p.check(value, chain);
      if (name === 'chain' && canonical !== chain) throw damaged(`its chain setting is ${canonical}, but the backup is of chain ${chain}`);
      return { name, value: canonical };
    } catch (e) {
      if (e instanceof ParamProblem) throw damaged(`its setting ${name} is not valid (${e.message})`);
      throw e;
    }
  });
}
