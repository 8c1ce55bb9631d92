// masq-wifi's one parameter, hotspot-delay, from the same places as the Daemon's root-only parameters: its
// environment variable (MASQ_HOTSPOT_DELAY) over /etc/masq/config.toml over the table's default.

import { findParam } from '../config/index.js';

/** Where root's configuration lives (masq-daemon.service's MASQ_CONFIG_FILE). */
export const ROOT_CONFIG = '/etc/masq/config.toml';

/** The delay in ms; throws the table's ParamProblem when the value breaks its rule. */
export function hotspotDelayMs(fileValues: Readonly<Record<string, string>>, envValues: Readonly<Record<string, string>>): number {
  const p = findParam('hotspot-delay');
  const given = envValues['hotspot-delay'] ?? fileValues['hotspot-delay'] ?? p?.defaultValue?.({ role: 'daemon', home: '/root', systemResolvers: [], chain: '', stored: {} });
  if (!p || given === undefined) throw new Error('hotspot-delay is missing from the parameter table');
  return Number(p.check(given, '')) * 1000;
}
