// Test hosts in Linux network namespaces: `createLan(sandbox, n)` gives n hosts on one private Ethernet segment.
//
// Layout: one namespace holds a bridge `br0`; every host has its own namespace with `lo` and `eth0`, the far end
// of a veth pair whose near end (`v<i>`) sits in the bridge namespace as a bridge port. Every interface is made
// directly inside the namespaces, so nothing is ever added to the root namespace, and the harness checks after
// building that no namespace has a route beyond the LAN subnet or a link other than its own. Names carry the
// creating pid and a counter, so LANs of two test files or two runs never share a name; namespaces left by a
// process that died are swept on the next `createLan` with the same prefix.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Result, type Sandbox, type Tracked, run, waitFor } from './processes.js';

const IP_TIMEOUT_MS = 5_000;
const KILL_WAIT_MS = 3_000;
/** Down, address-less fallback devices a kernel with tunnel modules loaded puts in every new namespace. */
const FALLBACK_DEVICES = new Set(['tunl0', 'sit0', 'ip6tnl0', 'gre0', 'gretap0', 'erspan0', 'ip_vti0', 'ip6_vti0', 'ip6gre0', 'ip6erspan0']);

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface Host {
  name: string;
  /** Its network namespace. */
  ns: string;
  /** Its IPv4 address on the LAN. */
  address: string;
  /** Runs a command inside the namespace and waits for it (bounded by `timeoutMs`, default 20 s). */
  exec(cmd: string, args: readonly string[], opts?: ExecOptions): Promise<Result>;
  /** Starts a command inside the namespace; the Sandbox and the LAN's cleanup both kill it. */
  spawn(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Tracked;
}

export interface Lan {
  hosts: Host[];
  bridgeNs: string;
  /** The LAN's IPv4 subnet in CIDR form, e.g. `10.77.5.0/24`. */
  subnet: string;
  /** Kills every process in the LAN's namespaces and deletes them; safe to call twice and on a half-built LAN. */
  cleanup(): Promise<void>;
}

export interface LanOptions {
  /** Starts every namespace name (default `mqt`): letters, digits and `_` only. */
  prefix?: string;
  /** IPv4 subnet `a.b.c.d/len` (len 8 to 29); hosts take its first addresses. Default `10.77.<n>.0/24`. */
  subnet?: string;
  /** For testing clean-up: throw once this many hosts are built, as a failure halfway would. */
  failAfterHosts?: number;
}

let lanCounter = 0;
/** Namespaces made and not yet deleted, for the last-resort clean-up when the process exits. */
const liveNamespaces = new Set<string>();
let exitHookInstalled = false;

function ip(args: readonly string[]): Promise<Result> {
  return run('ip', args, {}, IP_TIMEOUT_MS);
}

async function ipOk(args: readonly string[]): Promise<string> {
  const r = await ip(args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

async function ipJson<T>(args: readonly string[]): Promise<T[]> {
  const out = (await ipOk(['-j', ...args])).trim();
  return out === '' ? [] : (JSON.parse(out) as T[]);
}

/** True when this process may make network namespaces (root and iproute2): makes and deletes one to be sure. */
export async function netnsAvailable(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const probe = `mqprobe-${process.pid}-${++lanCounter}`;
  const added = await ip(['netns', 'add', probe]);
  if (added.code !== 0) return false;
  const deleted = await ip(['netns', 'del', probe]);
  return deleted.code === 0;
}

function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) throw new Error(`Not an IPv4 address: ${text}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

interface Subnet {
  cidr: string;
  len: number;
  /** The address of host i. */
  hostAddress(i: number): string;
  capacity: number;
}

function parseSubnet(cidr: string): Subnet {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  const len = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || !(len >= 8 && len <= 29)) throw new Error(`Subnet must look like 10.77.5.0/24 (prefix 8 to 29), not ${cidr}`);
  const size = 2 ** (32 - len);
  const base = parseIpv4(m[1]);
  if (base % size !== 0) throw new Error(`Subnet ${cidr} has host bits set`);
  return { cidr, len, capacity: size - 2, hostAddress: (i) => formatIpv4(base + i + 1) };
}

/** Whether the process runs (a zombie waiting for its parent to reap it counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function namespacesNamed(pattern: RegExp): Promise<string[]> {
  const out = await ipOk(['netns', 'list']);
  return out.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => pattern.test(name));
}

/** Namespaces whose name starts with `prefix-`: what the LANs with that prefix made and have not deleted. */
export function namespacesWithPrefix(prefix: string): Promise<string[]> {
  return namespacesNamed(new RegExp(`^${prefix}-\\d+-\\d+-`));
}

async function pidsIn(ns: string): Promise<number[]> {
  const r = await ip(['netns', 'pids', ns]);
  if (r.code !== 0) return [];
  return r.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number);
}

/** Kills whatever still runs in the namespace, then deletes it; a namespace already gone is fine. */
async function removeNamespace(ns: string): Promise<void> {
  const existing = await namespacesNamed(/./);
  if (existing.includes(ns)) {
    for (let round = 0; round < 5; round++) {
      const pids = await pidsIn(ns);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* exited meanwhile */ }
      }
      await waitFor(`processes in ${ns} to die`, () => pids.every((pid) => !processAlive(pid)) || undefined, KILL_WAIT_MS, 20).catch(() => undefined);
    }
    const r = await ip(['netns', 'del', ns]);
    if (r.code !== 0 && (await namespacesNamed(/./)).includes(ns)) throw new Error(`Could not delete namespace ${ns}: ${r.stderr.trim()}`);
  }
  liveNamespaces.delete(ns);
}

/** Deletes namespaces with this prefix whose creating process no longer runs (left by a crashed run). */
async function sweepStale(prefix: string): Promise<void> {
  for (const ns of await namespacesWithPrefix(prefix)) {
    const pid = Number(ns.slice(prefix.length + 1).split('-')[0]);
    if (pid !== process.pid && !processAlive(pid)) await removeNamespace(ns);
  }
}

/** When the test process ends without cleaning up, delete what it made (synchronous, each step bounded). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const ns of liveNamespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { timeout: IP_TIMEOUT_MS, encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* exited meanwhile */ }
      }
      spawnSync('ip', ['netns', 'del', ns], { timeout: IP_TIMEOUT_MS });
    }
  });
}

interface LinkInfo { ifname: string; flags?: string[]; master?: string; link_type?: string }
interface RouteInfo { dst: string; dev?: string; gateway?: string }
interface AddrInfo { ifname: string; addr_info?: { family: string; local: string; prefixlen: number }[] }

function unexpected(ns: string, what: string, items: unknown): string {
  return `Namespace ${ns}: unexpected ${what}: ${JSON.stringify(items)}`;
}

/** Only the expected links (plus down fallback tunnel devices), all expected ones up. */
async function checkLinks(ns: string, expected: readonly string[], bridged: boolean): Promise<void> {
  const links = await ipJson<LinkInfo>(['-n', ns, 'link', 'show']);
  const extra = links.filter((l) => !expected.includes(l.ifname) && !(FALLBACK_DEVICES.has(l.ifname) && !l.flags?.includes('UP')));
  const names = links.map((l) => l.ifname);
  const missing = expected.filter((n) => !names.includes(n));
  if (extra.length > 0 || missing.length > 0) throw new Error(unexpected(ns, `links (missing ${missing.join(',') || 'none'})`, extra.length > 0 ? extra : names));
  const down = links.filter((l) => expected.includes(l.ifname) && !l.flags?.includes('UP'));
  if (down.length > 0) throw new Error(unexpected(ns, 'links down', down.map((l) => l.ifname)));
  if (bridged) {
    const loose = links.filter((l) => /^v\d+$/.test(l.ifname) && l.master !== 'br0');
    if (loose.length > 0) throw new Error(unexpected(ns, 'ports outside br0', loose.map((l) => l.ifname)));
  }
}

/** IPv4: only the LAN subnet (or nothing); IPv6: only link-local or multicast; no default route anywhere. */
async function checkRoutes(ns: string, subnet: string | undefined): Promise<void> {
  const v4 = await ipJson<RouteInfo>(['-n', ns, '-4', 'route', 'show', 'table', 'main']);
  const expected = subnet === undefined ? [] : [subnet];
  if (v4.length !== expected.length || v4.some((r) => r.dst !== subnet || r.gateway !== undefined)) throw new Error(unexpected(ns, 'IPv4 routes', v4));
  const v6 = await ipJson<RouteInfo>(['-n', ns, '-6', 'route', 'show', 'table', 'main']);
  const strange = v6.filter((r) => !/^(fe80::\/64|ff00::\/8)$/.test(r.dst) || r.gateway !== undefined);
  if (strange.length > 0) throw new Error(unexpected(ns, 'IPv6 routes', strange));
}

async function checkAddress(ns: string, dev: string, address: string | undefined, len: number): Promise<void> {
  const addrs = await ipJson<AddrInfo>(['-n', ns, '-4', 'addr', 'show']);
  const found = addrs.flatMap((a) => (a.addr_info ?? []).map((i) => `${a.ifname} ${i.local}/${i.prefixlen}`));
  const wanted = ['lo 127.0.0.1/8', ...(address === undefined ? [] : [`${dev} ${address}/${len}`])];
  if (found.length !== wanted.length || wanted.some((w) => !found.includes(w))) throw new Error(unexpected(ns, 'IPv4 addresses', found));
}

function makeHost(sandbox: Sandbox, name: string, ns: string, address: string, tracked: Tracked[]): Host {
  return {
    name, ns, address,
    exec: (cmd, args, opts = {}) => run('ip', ['netns', 'exec', ns, cmd, ...args], opts.env ?? {}, opts.timeoutMs ?? 20_000),
    spawn: (cmd, args, env = {}) => {
      // `ip netns exec` execs the command in place, so the tracked pid is the command's own.
      const t = sandbox.spawn('ip', ['netns', 'exec', ns, cmd, ...args], env);
      tracked.push(t);
      return t;
    },
  };
}

/**
 * Builds a LAN of `count` hosts (see the top of this file). On any failure it removes what it made and throws.
 * Call `cleanup()` on the result in the test's `after`, before `sandbox.cleanup()`.
 */
export async function createLan(sandbox: Sandbox, count: number, opts: LanOptions = {}): Promise<Lan> {
  const prefix = opts.prefix ?? 'mqt';
  if (!/^[A-Za-z0-9_]{1,20}$/.test(prefix)) throw new Error(`LAN prefix must be 1 to 20 letters, digits or _, not ${prefix}`);
  const seq = ++lanCounter;
  const subnet = parseSubnet(opts.subnet ?? `10.77.${(process.pid * 7 + seq) % 256}.0/24`);
  if (!Number.isInteger(count) || count < 1 || count > Math.min(subnet.capacity, 250)) {
    throw new Error(`A LAN of ${subnet.cidr} holds 1 to ${Math.min(subnet.capacity, 250)} hosts, not ${count}`);
  }
  installExitHook();
  await sweepStale(prefix);

  const id = `${prefix}-${process.pid}-${seq}`;
  const bridgeNs = `${id}-br`;
  const made: string[] = [];
  const tracked: Tracked[] = [];
  const hosts: Host[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaned ??= (async () => {
      for (const t of tracked) {
        if (t.child.exitCode === null && t.child.signalCode === null) {
          t.child.kill('SIGKILL');
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([t.exited, new Promise((r) => { timer = setTimeout(r, KILL_WAIT_MS); })]);
          clearTimeout(timer);
        }
      }
      const failures: string[] = [];
      for (const ns of [...made].reverse()) {
        await removeNamespace(ns).catch((e: Error) => failures.push(e.message));
      }
      if (failures.length > 0) throw new Error(`LAN ${id} clean-up: ${failures.join('; ')}`);
    })();
    return cleaned;
  };

  const addNamespace = async (ns: string): Promise<void> => {
    await ipOk(['netns', 'add', ns]);
    made.push(ns);
    liveNamespaces.add(ns);
    await ipOk(['-n', ns, 'link', 'set', 'lo', 'up']);
  };

  try {
    await addNamespace(bridgeNs);
    await ipOk(['-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    await ipOk(['-n', bridgeNs, 'link', 'set', 'br0', 'up']);
    for (let i = 0; i < count; i++) {
      if (opts.failAfterHosts === i) throw new Error(`LAN ${id}: stopped after ${i} hosts as asked (failAfterHosts)`);
      const ns = `${id}-h${i}`;
      const address = subnet.hostAddress(i);
      await addNamespace(ns);
      await ipOk(['-n', bridgeNs, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await ipOk(['-n', bridgeNs, 'link', 'set', `v${i}`, 'master', 'br0', 'up']);
      await ipOk(['-n', ns, 'addr', 'add', `${address}/${subnet.len}`, 'dev', 'eth0']);
      await ipOk(['-n', ns, 'link', 'set', 'eth0', 'up']);
      hosts.push(makeHost(sandbox, `h${i}`, ns, address, tracked));
    }
    await checkLinks(bridgeNs, ['lo', 'br0', ...hosts.map((_, i) => `v${i}`)], true);
    await checkRoutes(bridgeNs, undefined);
    await checkAddress(bridgeNs, 'br0', undefined, subnet.len);
    for (const h of hosts) {
      await checkLinks(h.ns, ['lo', 'eth0'], false);
      await checkRoutes(h.ns, subnet.cidr);
      await checkAddress(h.ns, 'eth0', h.address, subnet.len);
    }
  } catch (e) {
    await cleanup().catch((c: Error) => { (e as Error).message += ` (and ${c.message})`; });
    throw e;
  }
  return { hosts, bridgeNs, subnet: subnet.cidr, cleanup };
}
