// The Daemon's setup area: what UIs have Set, layered over the environment, config.toml and defaults.
// Pure apart from the readers passed in, so every rule is tested without files.

import { type ConfigIo, findParam, ParamProblem, type Resolution, resolveWithConfigFile, SETUP_PARAMS } from '../config/index.js';
import { createHash } from 'node:crypto';
import type { MachineFacts } from '../system/index.js';

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
