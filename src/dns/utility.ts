// masq-dns-utility: MASQ's dns_utility verbs on Linux. A plain /etc/resolv.conf or a link to a file elsewhere is
// replaced by a subverted file; under systemd-resolved its stub is left alone and a global drop-in is written.
// The state record is written before any change, so revert gives back exactly what was there.

import { existsSync, readdirSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { MasqError } from '../system/index.js';
import { fileError, readBounded, readOriginal, restoreOriginal, writeAtomically, makeDir } from './files.js';
import { activeNameservers, inspectText, revertText, statusText, subvertText } from './resolv-conf.js';
import { activeResolvedServers, DROP_IN_TEXT, isResolvedLink, parseResolvectlDns } from './resolved.js';
import { type CommandRunner, mustRun, runCommand } from './runner.js';
import { readState, removeState, type StatePaths, withState } from './state-file.js';
import type { StateRecord } from './state-record.js';

export interface DnsPaths extends StatePaths {
  resolvConf: string;
  dropInDir: string;
  dropIn: string;
}

export const SYSTEM_DNS_PATHS: DnsPaths = {
  resolvConf: '/etc/resolv.conf',
  dropInDir: '/etc/systemd/resolved.conf.d',
  dropIn: '/etc/systemd/resolved.conf.d/masq.conf',
  stateDir: '/var/lib/masq-dns-utility',
  state: '/var/lib/masq-dns-utility/state.json',
};

export interface DnsSystem {
  paths: DnsPaths;
  run: CommandRunner;
  isRoot(): boolean;
}

export function systemDns(): DnsSystem {
  return { paths: SYSTEM_DNS_PATHS, run: runCommand, isRoot: () => process.getuid?.() === 0 };
}

const RESOLVED_FIX = 'See systemctl status systemd-resolved.';

function usesResolved(p: DnsPaths): boolean {
  const o = readOriginal(p.resolvConf);
  return o.kind === 'symlink' && isResolvedLink(p.resolvConf, o.target);
}

function hasOurDropIn(p: DnsPaths): boolean {
  const o = readOriginal(p.dropIn);
  return o.kind === 'file' && o.content.equals(Buffer.from(DROP_IN_TEXT));
}

async function reloadResolved(sys: DnsSystem): Promise<void> {
  await mustRun(sys.run, 'systemctl', ['reload-or-restart', 'systemd-resolved'], RESOLVED_FIX);
}

function requireRoot(sys: DnsSystem, verb: string): void {
  if (!sys.isRoot()) throw new MasqError('DNS', `${verb} changes the system's DNS settings, which needs root.`, `Run it with sudo: sudo masq-dns-utility ${verb}`);
}

/** The active nameservers: resolv.conf's, or under systemd-resolved the servers it asks. */
export async function inspect(sys: DnsSystem): Promise<string[]> {
  if (usesResolved(sys.paths)) {
    return activeResolvedServers(parseResolvectlDns(await mustRun(sys.run, 'resolvectl', ['dns'], RESOLVED_FIX)));
  }
  const bytes = readBounded(sys.paths.resolvConf);
  return bytes ? activeNameservers(bytes.toString('utf8')) : [];
}

function modifyError(path: string, e: unknown): MasqError {
  return new MasqError('DNS', `${path} is not readable and writable and could not be modified`, e instanceof Error ? `(${e.message})` : undefined);
}

/** Makes this machine (127.0.0.1) the only nameserver; a no-op when it is already. */
export async function subvert(sys: DnsSystem): Promise<void> {
  requireRoot(sys, 'subvert');
  const p = sys.paths;
  if (usesResolved(p)) {
    if (hasOurDropIn(p)) return;
    const state: StateRecord = { how: 'resolved', dropIn: readOriginal(p.dropIn), madeDir: !existsSync(p.dropInDir) };
    await withState(p, state, async () => {
      makeDir(p.dropInDir, 0o755);
      writeAtomically(p.dropIn, DROP_IN_TEXT, 0o644);
      try {
        await reloadResolved(sys);
      } catch (e) {
        // resolved kept its old settings in memory; the files go back to match them.
        undoDropIn(p, state);
        throw e;
      }
    });
    return;
  }
  const original = readOriginal(p.resolvConf);
  const bytes = readBounded(p.resolvConf);
  if (!bytes) throw new MasqError('DNS', 'This system does not appear to be connected to a network', `${p.resolvConf} is missing.`);
  const next = subvertText(bytes.toString('utf8'));
  if (next === undefined) return;
  // A link is replaced by a file (the rename replaces the link, not its target), so whatever manages the target
  // cannot undo the subversion; revert puts the link back.
  const mode = original.kind === 'file' ? original.mode : 0o644;
  await withState(p, { how: 'resolv-conf', resolvConf: original }, () => {
    try {
      writeAtomically(p.resolvConf, next, mode);
    } catch (e) {
      throw modifyError(p.resolvConf, e);
    }
  });
}

function undoDropIn(p: DnsPaths, state: Extract<StateRecord, { how: 'resolved' }>): void {
  restoreOriginal(p.dropIn, state.dropIn);
  // The folder goes only if subvert made it and nothing else has been put there since.
  if (state.madeDir && existsSync(p.dropInDir) && readdirSync(p.dropInDir).length === 0) {
    try {
      rmdirSync(p.dropInDir);
    } catch (e) {
      throw fileError(p.dropInDir, 'removed', e);
    }
  }
}

/** Gives back what subvert changed: from the state record, else by MASQ's text rules; a no-op when not subverted. */
export async function revert(sys: DnsSystem): Promise<void> {
  requireRoot(sys, 'revert');
  const p = sys.paths;
  const state = readState(p);
  if (state?.how === 'resolv-conf') {
    restoreOriginal(p.resolvConf, state.resolvConf);
  } else if (state?.how === 'resolved') {
    undoDropIn(p, state);
    await reloadResolved(sys);
  } else if (usesResolved(p)) {
    if (!hasOurDropIn(p)) return;
    restoreOriginal(p.dropIn, { kind: 'absent' });
    await reloadResolved(sys);
  } else {
    revertByText(p);
  }
  if (state) removeState(p);
}

/** A machine subverted by MASQ's own dns_utility, which edited the file (through any link) in place. */
function revertByText(p: DnsPaths): void {
  const bytes = readBounded(p.resolvConf);
  if (!bytes) throw new MasqError('DNS', 'There do not appear to be any DNS settings to revert to', `${p.resolvConf} is missing.`);
  const next = revertText(bytes.toString('utf8'));
  if (next === undefined) return;
  try {
    const real = realpathSync(p.resolvConf);
    writeAtomically(real, next, statSync(real).mode & 0o7777);
  } catch (e) {
    throw modifyError(p.resolvConf, e);
  }
}

export const VERBS = ['subvert', 'revert', 'status', 'inspect'] as const;

export interface DnsIo {
  out(text: string): void;
  err(text: string): void;
}

export function dnsUsage(program: string): string {
  return [
    `Usage: ${program} ${VERBS.join('|')}`,
    '  subvert  make this machine (127.0.0.1, the MASQ Node) the system\'s only DNS server (root)',
    '  revert   give back the DNS settings subvert replaced (root)',
    '  status   print subverted or reverted',
    '  inspect  print the active DNS servers, one a line',
  ].join('\n');
}

/** One verb; MasqErrors are printed as a sentence and give exit 1, a wrong verb the usage and exit 1. */
export async function runDnsUtility(argv: readonly string[], io: DnsIo, program = 'masq-dns-utility', sys: DnsSystem = systemDns()): Promise<number> {
  const verb = argv[0];
  if (argv.length !== 1 || !VERBS.some((v) => v === verb)) {
    io.err(dnsUsage(program));
    return 1;
  }
  try {
    if (verb === 'subvert') await subvert(sys);
    else if (verb === 'revert') await revert(sys);
    else if (verb === 'status') io.out(statusText(await inspect(sys)));
    else io.out(inspectText(await inspect(sys)));
    return 0;
  } catch (e) {
    if (!(e instanceof MasqError)) throw e;
    io.err(e.describe());
    return 1;
  }
}
