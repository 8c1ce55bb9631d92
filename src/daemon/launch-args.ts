// What the Daemon makes of a resolved setup: the Node's command line and secret environment, and the setup answer
// UIs see. Pure.

import { envName, findParam, type Resolution } from '../config/index.js';
import type { SetupResponse } from '../ui/index.js';
import { byCodeUnits } from '../system/index.js';

/**
 * The Node's command line and secret environment from a resolved setup: what setup shows is what runs. A stored
 * parameter at its default is left to the Node, which reads its own store: the packaged Daemon has no capability
 * to read the Node's data directory (0700, user masq), so its default would overwrite what set-configuration stored.
 */
export function launchArguments(r: Resolution, uiPort: number): { args: string[]; secrets: Record<string, string> } {
  const args: string[] = [];
  const secrets: Record<string, string> = {};
  const sorted = [...r.values.values()].sort((a, b) => byCodeUnits(a.name, b.name));
  for (const v of sorted) {
    const p = findParam(v.name);
    if (v.value === '' || p?.daemonOnly || (p?.storeRow && v.status === 'Default')) continue;
    if (p?.secret) secrets[envName(v.name)] = v.value;
    else args.push(`--${v.name}`, v.value);
  }
  args.push('--ui-port', String(uiPort));
  return { args, secrets };
}

/** The setup answer: every value with its status, secrets censored, and what is wrong. */
export function setupReport(r: Resolution, running: boolean, extra: Array<[string, string]> = []): SetupResponse {
  const values = [...r.values.values()]
    .sort((a, b) => byCodeUnits(a.name, b.name))
    .map((v) => {
      const p = findParam(v.name);
      const value = p?.secret && v.value !== '' ? '*'.repeat(p.censorWidth ?? 16) : v.value;
      return { name: v.name, value, status: v.status };
    });
  return { running, values, errors: [...extra, ...r.errors] };
}
