// The setup the Daemon keeps across its own restarts (and apt upgrades): what UIs Set, in setup.json of its state
// directory. Secret values are never written there. With unattended-restart on they are sealed (sealer.ts) into
// secrets.cred, for root of this machine alone; with it off they live only in the Daemon's memory, and setup.json
// keeps only their names, so the Daemon knows after a restart that the Node waits for them.

import { describeError, type Logger } from '../system/index.js';
import type { Sealer } from './sealer.js';
import { readJson, type StateStore } from './state-dir.js';

export const SETUP_FILE = 'setup.json';
export const SECRETS_FILE = 'secrets.cred';
/** Sealed with the plaintext and checked when unsealing: a credential made for something else is refused. */
export const CREDENTIAL_NAME = 'masq-daemon-secrets';

export interface KeptValues {
  /** Non-secret values UIs Set. */
  values: Record<string, string>;
  /** Names of the secret values UIs had Set. */
  secretsGiven: string[];
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

function stringMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!NAME.test(k) || typeof x !== 'string') return undefined;
    out[k] = x;
  }
  return out;
}

function parseSetup(v: unknown): KeptValues | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const values = stringMap(r.values);
  const given = r.secretsGiven;
  if (r.version !== 1 || !values || !Array.isArray(given) || !given.every((n) => typeof n === 'string' && NAME.test(n))) return undefined;
  return { values, secretsGiven: given as string[] };
}

export class KeptSetup {
  constructor(
    private readonly state: StateStore,
    private readonly sealer: Sealer,
    private readonly log: Logger,
  ) {}

  /** What was kept; nothing when there is no file or it cannot be used (then it is kept aside as setup.json.bad). */
  load(): KeptValues {
    const kept = readJson(this.state, SETUP_FILE, parseSetup, (why, aside) => {
      this.log.error(`The kept setup ${this.state.where}/${SETUP_FILE} cannot be used (${why}); it was kept as ${aside}. The Daemon starts with an empty setup: give it again (masq setup or the setup page).`);
    });
    return kept ?? { values: {}, secretsGiven: [] };
  }

  save(kept: KeptValues): void {
    this.state.write(SETUP_FILE, `${JSON.stringify({ version: 1, values: kept.values, secretsGiven: [...kept.secretsGiven].sort() }, null, 2)}\n`);
  }

  hasSealed(): boolean {
    return this.state.read(SECRETS_FILE).kind !== 'absent';
  }

  /** Seals and writes the secrets; throws (a MasqError saying why) when they cannot be sealed. */
  async seal(secrets: Readonly<Record<string, string>>): Promise<void> {
    const sealed = await this.sealer.seal(CREDENTIAL_NAME, JSON.stringify({ version: 1, values: secrets }));
    this.state.write(SECRETS_FILE, sealed);
  }

  removeSealed(): void {
    this.state.remove(SECRETS_FILE);
  }

  /** The sealed secrets, or undefined when there are none or they cannot be unsealed (then kept aside, and logged). */
  async unseal(): Promise<Record<string, string> | undefined> {
    const r = this.state.read(SECRETS_FILE);
    if (r.kind === 'absent') return undefined;
    let why: string;
    if (r.kind === 'unreadable') {
      why = r.why;
    } else {
      try {
        const parsed = JSON.parse(await this.sealer.unseal(CREDENTIAL_NAME, r.data)) as Record<string, unknown>;
        const values = parsed.version === 1 ? stringMap(parsed.values) : undefined;
        if (values) return values;
        why = 'its contents are not what the Daemon seals';
      } catch (e) {
        why = describeError(e);
      }
    }
    const aside = this.state.setAside(SECRETS_FILE);
    this.log.error(`The sealed secrets ${this.state.where}/${SECRETS_FILE} cannot be unsealed (${why}); they were kept as ${aside}. The Node waits for its database password (masq setup --db-password …, then masq start).`);
    return undefined;
  }
}
