// The Daemon's setup area: what UIs have Set, layered over the environment, config.toml and defaults.
// Pure apart from the readers passed in, so every rule is tested without files.

import { type ConfigIo, findParam, ParamProblem, type Resolution, resolveWithConfigFile, SETUP_PARAMS } from '../config/index.js';
import type { MachineFacts } from '../system/index.js';

export interface SetupChange {
  name: string;
  /** Absent, null or empty: clear the value a UI set. */
  value?: string | null;
}

export class SetupState {
  private readonly set = new Map<string, string>();

  constructor(
    private readonly env: MachineFacts,
    private readonly envValues: Readonly<Record<string, string>>,
    private readonly io: ConfigIo,
  ) {}

  /** Resolves the cluster from what UIs set, the environment, config.toml and defaults. */
  resolve(): Promise<Resolution> {
    return resolveWithConfigFile([
      { source: 'setup', status: 'Set', values: Object.fromEntries(this.set) },
      { source: 'environment', status: 'Configured', values: this.envValues },
    ], this.env, this.io);
  }

  isEmpty(): boolean {
    return this.set.size === 0;
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
