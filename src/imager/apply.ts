// The I/O edge: a plan's actions performed against a root directory (/ on the box). Each action stands alone: one
// that fails or cannot apply here is reported and the others still run, so a bad keyboard setting never costs
// the owner their Wi-Fi or ssh key.

import { applyAuthorizedKeys, applyUser, type RunProgram } from './apply-user.js';
import { describeError } from '../system/index.js';
import { describeAction, type Action } from './plan.js';
import {
  hostsFile, keyboardFile, PATHS, SSHD_KEY_ONLY, sudoersFile, sudoersRule, WIRELESS_NETWORK, wpaSupplicantConf,
} from './render.js';
import { exists, link, put, readOptional, remove } from './root-files.js';
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type { RunProgram } from './apply-user.js';

export interface Outcome {
  action: string;
  status: 'applied' | 'skipped' | 'failed';
  /** Why it was skipped or failed, or a remark on what was applied. */
  detail?: string;
}

async function timezone(root: string, zone: string): Promise<string | undefined> {
  const base = join(root, PATHS.zoneinfo);
  const file = join(base, zone);
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
    throw e;
  });
  if (!st?.isFile()) return `no zone ${zone} in /usr/share/zoneinfo on this box`;
  if (!(await realpath(file)).startsWith(`${await realpath(base)}/`)) return `${zone} leads out of /usr/share/zoneinfo`;
  await link(root, PATHS.localtime, `/usr/share/zoneinfo/${zone}`);
  await put(root, PATHS.timezone, `${zone}\n`, 0o644);
  return undefined;
}

/** Performs one action; a string back is why it was not applied, or a remark on it. */
async function perform(root: string, a: Action, run: RunProgram): Promise<{ skipped?: string; remark?: string }> {
  switch (a.kind) {
    case 'hostname':
      await put(root, PATHS.hostname, `${a.name}\n`, 0o644);
      await put(root, PATHS.hosts, hostsFile(await readOptional(root, PATHS.hosts), a.name), 0o644);
      return {};
    case 'user':
      return { remark: await applyUser(root, a.user, run) };
    case 'authorized-keys':
      await applyAuthorizedKeys(root, a.user, a.keys);
      return {};
    case 'sudoers':
      await put(root, sudoersFile(a.user), sudoersRule(a.user), 0o440);
      return {};
    case 'ssh-password-auth':
      if (a.allowed) await remove(root, PATHS.sshdDropIn);
      else await put(root, PATHS.sshdDropIn, SSHD_KEY_ONLY, 0o644);
      return {};
    case 'timezone':
      return { skipped: await timezone(root, a.zone) };
    case 'keyboard':
      // The image has no console keyboard setup: a layout file would be read by nothing.
      if (!(await exists(root, PATHS.keyboardPackage))) return { skipped: 'this image has no keyboard-configuration (the box is used over the network)' };
      await put(root, PATHS.keyboard, keyboardFile(a.keyboard), 0o644);
      return {};
    case 'wifi':
      await put(root, PATHS.wpaConf, wpaSupplicantConf(a.wifi, a.country), 0o600);
      await put(root, PATHS.wirelessNetwork, WIRELESS_NETWORK, 0o644);
      return {};
    case 'run':
      await run(a.command, a.args);
      return {};
  }
}

export async function applyActions(root: string, actions: readonly Action[], run: RunProgram): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const a of actions) {
    const action = describeAction(a);
    try {
      const r = await perform(root, a, run);
      out.push(r.skipped ? { action, status: 'skipped', detail: r.skipped } : { action, status: 'applied', detail: r.remark });
    } catch (e) {
      // Reported with the others; the next action still runs.
      out.push({ action, status: 'failed', detail: describeError(e) });
    }
  }
  return out;
}
