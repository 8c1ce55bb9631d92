// masq-wifi's parameters, hotspot-delay and hotspot-ignore, from the same places as the Daemon's root-only
// parameters: the environment variable (MASQ_HOTSPOT_DELAY) over /etc/masq/config.toml over the table's default.

import { findParam } from '../config/index.js';

/** Where root's configuration lives (masq-daemon.service's MASQ_CONFIG_FILE). */
export const ROOT_CONFIG = '/etc/masq/config.toml';

/** A parameter's checked value; throws the table's ParamProblem when the value breaks its rule. */
function wifiParam(name: 'hotspot-delay' | 'hotspot-ignore', fileValues: Readonly<Record<string, string>>, envValues: Readonly<Record<string, string>>): string {
  const p = findParam(name);
  const given = envValues[name] ?? fileValues[name] ?? p?.defaultValue?.({ role: 'daemon', home: '/root', systemResolvers: [], chain: '', stored: {} });
  if (!p || given === undefined) throw new Error(`${name} is missing from the parameter table`);
  return p.check(given, '');
}

/** The delay in ms. */
export function hotspotDelayMs(fileValues: Readonly<Record<string, string>>, envValues: Readonly<Record<string, string>>): number {
  return Number(wifiParam('hotspot-delay', fileValues, envValues)) * 1000;
}

/** The ports that do not count as a network. */
export function hotspotIgnored(fileValues: Readonly<Record<string, string>>, envValues: Readonly<Record<string, string>>): string[] {
  return wifiParam('hotspot-ignore', fileValues, envValues).split(',').filter((n) => n !== '');
}
