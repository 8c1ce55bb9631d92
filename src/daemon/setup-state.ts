// The Daemon's setup area: what UIs have Set, layered over the environment, config.toml and defaults.
// Pure apart from the readers passed in, so every rule is tested without files.

import { type ConfigIo, findParam, ParamProblem, type Resolution, resolveWithConfigFile, SETUP_PARAMS } from '../config/index.js';
import { createHash } from 'node:crypto';
import type { MachineFacts } from '../system/index.js';

const ROOT_ONLY = SETUP_PARAMS.filter((p) => p.rootOnly);
/** Where the package's Daemon reads its config file (masq-daemon.service's MASQ_CONFIG_FILE). */
const ROOT_CONFIG_HINT = '/etc/masq/config.toml';

export interface SetupChange {
  name: string;
  /** Absent, null or empty: clear the value a UI set. */
  value?: string | null;
}

export class SetupState {
  private readonly set = new Map<string, string>();
  private readonly io: ConfigIo;
  /** The last past neighbors read: unsealing them costs a scrypt, and they change only while the Node runs. */
  private past: { key: string; value: Promise<string | undefined> } | undefined;

  constructor(
    private readonly env: MachineFacts,
    private readonly envValues: Readonly<Record<string, string>>,
    io: ConfigIo,
  ) {
    const read = io.readPastNeighbors;
    this.io = read ? { ...io, readPastNeighbors: (dir, chain, pw) => this.pastNeighbors(read, dir, chain, pw) } : io;
  }

  /**
   * Resolves the cluster from what UIs set, the environment, config.toml and defaults. Root-only parameters come
   * from the environment and the config file root named: a UI that set config-file or data-directory (where the
   * file is looked for) changes nothing of theirs.
   */
  async resolve(): Promise<Resolution> {
    const env = { source: 'environment', status: 'Configured' as const, values: this.envValues };
    const r = await resolveWithConfigFile([{ source: 'setup', status: 'Set', values: Object.fromEntries(this.set) }, env], this.env, this.io);
    if (!this.set.has('config-file') && !this.set.has('data-directory')) return r;
    const asRoot = await resolveWithConfigFile([env], this.env, this.io);
    for (const p of ROOT_ONLY) {
      const v = asRoot.values.get(p.name);
      if (v) r.values.set(p.name, v);
    }
    return r;
  }

  isEmpty(): boolean {
    return this.set.size === 0;
  }

  /** What UIs set, as they gave it (secrets included: for keeping it, never for showing it). */
  given(): Record<string, string> {
    return Object.fromEntries(this.set);
  }

  /** The Node's store may have changed (it started or stopped): read its past neighbors again next time. */
  forgetStored(): void {
    this.past = undefined;
  }

  private pastNeighbors(read: NonNullable<ConfigIo['readPastNeighbors']>, dir: string, chain: string, pw: string): Promise<string | undefined> {
    const key = createHash('sha256').update(JSON.stringify([dir, chain, pw])).digest('hex');
    if (this.past?.key !== key) this.past = { key, value: read(dir, chain, pw).catch(() => undefined) };
    return this.past.value;
  }

  /** Applies UI changes; invalid ones are reported and leave the old value in place. Returns whether anything changed. */
  async apply(changes: readonly SetupChange[]): Promise<{ changed: boolean; errors: Array<[string, string]> }> {
    const errors: Array<[string, string]> = [];
    const chain = (await this.resolve()).chain;
    let changed = false;
    for (const c of changes) {
      const p = findParam(c.name);
      if (!p || !SETUP_PARAMS.includes(p)) {
        errors.push([c.name, `Unknown parameter '${c.name}'; see masq help setup for the list`]);
        continue;
      }
      if (p.rootOnly) {
        errors.push([p.name, `only root sets it, in ${ROOT_CONFIG_HINT} or the Daemon's environment, then restarts the Daemon (systemctl restart masq-daemon); masq setup and the setup page cannot`]);
        continue;
      }
      if (c.value === undefined || c.value === null || c.value === '') {
        changed = this.set.delete(p.name) || changed;
        continue;
      }
      try {
        // Validate now, keep the raw text: its canonical form may depend on the chain chosen later.
        p.check(c.value, p.name === 'chain' ? c.value : chain);
        if (this.set.get(p.name) !== c.value) changed = true;
        this.set.set(p.name, c.value);
      } catch (e) {
        if (!(e instanceof ParamProblem)) throw e;
        errors.push([p.name, e.message]);
      }
    }
    return { changed, errors };
  }
}
