// masq-imager: applies Raspberry Pi Imager's OS-customisation settings from the card's boot partition at first
// boot (masq-firstboot-imager.service, and the systemd.run shim), then removes their secrets from the card.
// Reads → parses → plans → applies → scrubs; the journal gets what was applied and what was not, never a secret.

import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createLogCore, createLogger, type Logger } from '../system/index.js';
import { applyActions, type Outcome, type RunProgram } from './apply.js';
import { readBootInputs, readCmdline, scrub, stripCmdline } from './boot-partition.js';
import { regulatoryDomain } from './cmdline.js';
import { ImagerError } from './errors.js';
import { parseFirstrun } from './firstrun.js';
import { parseNetworkConfig } from './network-config.js';
import { planActions } from './plan.js';
import { put, readOptional } from './root-files.js';
import { runProgram } from './run-program.js';
import { emptySettings, mergeSettings, settingsSecrets, type ImagerFile, type ImagerSettings } from './settings.js';
import { parseUserData } from './user-data.js';

export { parseUserData, parseNetworkConfig, parseFirstrun, ImagerError };
export type { ImagerSettings, Outcome };

const PARSERS: Record<ImagerFile, (text: string) => ImagerSettings> = {
  'user-data': parseUserData,
  'network-config': parseNetworkConfig,
  'firstrun.sh': parseFirstrun,
};
/** The digests of the files applied so far: one seen again (its scrub failed, or the same copied back) is not
 * applied twice, only removed. */
const STAMP = 'var/lib/masq-image/imager-applied';
const MAX_STAMPS = 64;

function fileDigest(name: ImagerFile, text: string): string {
  return createHash('sha256').update(`${name}\0${text}`).digest('hex');
}

async function appliedDigests(root: string): Promise<string[]> {
  return ((await readOptional(root, STAMP)) ?? '').split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l));
}

function logOutcome(log: Logger, o: Outcome): void {
  if (o.status === 'applied') log.info(`applied: ${o.action}${o.detail ? ` (${o.detail})` : ''}`);
  else if (o.status === 'skipped') log.warn(`not applied: ${o.action}: ${o.detail ?? ''}`);
  else log.error(`failed: ${o.action}: ${o.detail ?? ''}`);
}

/** Each file's settings, the files that parsed, and whether any was refused. */
function parseAll(files: ReadonlyMap<ImagerFile, string>, cmdline: string | undefined, log: Logger) {
  const parts: ImagerSettings[] = [];
  const parsed: ImagerFile[] = [];
  let refused = false;
  for (const [name, text] of files) {
    try {
      parts.push(PARSERS[name](text));
      parsed.push(name);
    } catch (e) {
      if (!(e instanceof ImagerError)) throw e;
      log.error(`${e.describe()} It stays on the card, not applied.`);
      refused = true;
    }
  }
  // The country on the command line (Imager 1.8 on) counts after the files' own.
  try {
    const country = cmdline === undefined ? undefined : regulatoryDomain(cmdline);
    if (country) parts.push({ ...emptySettings(), wifiCountry: country });
  } catch (e) {
    if (!(e instanceof ImagerError)) throw e;
    log.warn(`${e.describe()} The country is not taken from it.`);
  }
  return { settings: mergeSettings(parts), parsed, refused };
}

export interface ImagerDeps {
  run: RunProgram;
}

export async function runImager(argv: string[], deps: ImagerDeps = { run: runProgram }): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { boot: { type: 'string', default: '/boot/firmware' }, root: { type: 'string', default: '/' } } });
  const boot = values.boot;
  const root = values.root;
  const core = createLogCore('info');
  const log = createLogger(core, 'masq-imager');
  const inputs = await readBootInputs(boot);
  for (const e of inputs.refused) log.error(`${e.describe()} It stays on the card, not applied.`);
  let failed = inputs.refused.length > 0;
  if (inputs.files.size === 0) log.info('no Raspberry Pi Imager settings on the boot partition');
  const done = await appliedDigests(root);
  const fresh = new Map<ImagerFile, string>();
  const toScrub: ImagerFile[] = [];
  for (const [name, text] of inputs.files) {
    if (!done.includes(fileDigest(name, text))) fresh.set(name, text);
    else {
      log.info(`${name} was applied at an earlier boot: it is only removed`);
      toScrub.push(name);
    }
  }
  if (fresh.size > 0) {
    const { settings, parsed, refused } = parseAll(fresh, await readCmdline(boot), log);
    for (const s of settingsSecrets(settings)) core.secrets.add(s);
    const plan = planActions(settings, { live: root === '/' });
    const outcomes = await applyActions(root, plan.actions, deps.run);
    outcomes.forEach((o) => logOutcome(log, o));
    for (const n of plan.notes) log.info(`note: ${n}`);
    const digests = [...done, ...parsed.map((name) => fileDigest(name, fresh.get(name) ?? ''))].slice(-MAX_STAMPS);
    await put(root, STAMP, `${digests.join('\n')}\n`, 0o644);
    toScrub.push(...parsed);
    failed ||= refused || outcomes.some((o) => o.status === 'failed');
  }
  for (const name of toScrub) {
    await scrub(boot, name);
    log.info(`${name} removed from the boot partition (its secrets overwritten first)`);
  }
  if (await stripCmdline(boot)) log.info('cmdline.txt: the systemd.run entries that boot firstrun.sh are taken out');
  return failed ? 1 : 0;
}
