// A home router in network namespaces: `createRouterLab(sandbox, opts)` gives a LAN host (where the Node runs)
// behind a router doing NAT with nftables and running Debian's miniupnpd (UPnP IGD, NAT-PMP, PCP), and a WAN
// host on the "internet" side.
//
//   lan 192.168.50.2 ── br ── 192.168.50.1 lan0 [router] wan0 11.22.33.1 ── br ── 11.22.33.2 wan
//
// The two segments are LANs of netns.ts (so naming, stale sweeping and clean-up are its own): the router is host 0
// of the LAN segment, and host 0's veth end of the WAN segment is moved into it as `wan0`. 11.22.33.0/24 is
// outside the reserved ranges because miniupnpd refuses to map while its external address is private or reserved
// (that refusal is the double-NAT case: `privateWan` puts the WAN segment on 100.64.33.0/24, carrier-grade NAT
// space). Those addresses exist only between the lab's namespaces: after building, every veth of the lab is
// checked to have its peer in a lab namespace, so nothing can leave the machine.
//
// miniupnpd quirks that matter here:
// - The nftables backend needs existing tables and chains, named in its config (`upnp_table_name`, …); the Debian
//   package's init script assumes iptables, so the lab writes its own skeleton and runs `miniupnpd -d` itself.
// - NAT-PMP and PCP share one switch (`enable_natpmp`). To offer only one of them, the router drops UDP/5351
//   datagrams of the other by their first payload byte (version 0 = NAT-PMP, 2 = PCP), both the requests from the
//   LAN and the address-change announcements to it.
// - It reads the external address from `ext_ifname` on every request and watches the interface over netlink: a
//   new address is answered at once, announced to 224.0.0.1:5350 (NAT-PMP and PCP ANNOUNCE), and a private one
//   turns forwarding off ("Port forwarding is impossible") until a public one comes back. No signal is needed.
// - On SIGTERM it keeps its nftables rules and lease file (so a restart restores them); `stopMiniupnpd` removes
//   both, as a router that reboots loses its mappings.
// - `min_lifetime`/`max_lifetime` bound the lifetimes it grants over PCP, not NAT-PMP (60 s asked, 60 s granted
//   under the default minimum of 120); it refuses to start unless max_lifetime is above that default minimum. It
//   has no "permanent leases only" mode, and as an IGD v2 it turns a UPnP lease of 0 (permanent) into 604800 s.
// - When a permission rule denies the asked port, over NAT-PMP and PCP it tries the other external ports one by
//   one; under a deny-all rule it gave no answer within 20 s. Over UPnP the client gets error 606.

import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Host, type Lan, createLan, netnsAvailable } from './netns.js';
import { type Result, type Sandbox, type Tracked, run, waitFor } from './processes.js';

export const PCP_PORT = 5351;
const PREFIX = 'mqrouter';
const LAN_SUBNET = '192.168.50.0/24';
const PUBLIC_WAN = '11.22.33';
const PRIVATE_WAN = '100.64.33';
const TABLE = 'miniupnpd';
/** miniupnpd's own chains (the mappings); the lab's base chains jump to them. */
const MAPPING_CHAINS = ['miniupnpd', 'prerouting_miniupnpd', 'postrouting_miniupnpd'] as const;
const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 3_000;

export interface MiniupnpdOptions {
  upnp: boolean;
  natpmp: boolean;
  pcp: boolean;
  /** The router's external address is private (100.64.33.1, double or carrier-grade NAT): miniupnpd refuses. */
  privateWan?: boolean;
  /**
   * The permission rules deny every mapping (a router whose owner turned port mapping off for this host). UPnP only:
   * over NAT-PMP and PCP miniupnpd then searches the port range for an allowed port and does not answer.
   */
  denyAll?: boolean;
  /** Describe the device as IGD v1 (InternetGatewayDevice:1, WANIPConnection:1) instead of v2. */
  igdV1?: boolean;
  /** Bounds of the lifetime granted over PCP, in seconds (miniupnpd's defaults: 120 and 86400). */
  minLifetime?: number;
  maxLifetime?: number;
}

export interface RouterLab {
  /** The Node's host, on the private LAN; its default route is the router. */
  lan: Host;
  router: Host;
  /** The "internet" host, on the router's WAN segment. */
  wan: Host;
  routerLanAddress: string;
  /** The router's current external address (follows `setWanAddress`). */
  readonly routerWanAddress: string;
  /** The WAN host's current address. */
  readonly wanHostAddress: string;
  /** What the running (or last) miniupnpd printed, for assertion messages. */
  miniupnpdLog(): string;
  /**
   * Gives the router this external address (as a /24) instead of its current one, while miniupnpd runs (see the
   * top). The WAN host reaches it only inside its own /24.
   */
  setWanAddress(ip: string): Promise<void>;
  /** Stops miniupnpd and removes its mappings and lease file. */
  stopMiniupnpd(): Promise<void>;
  /** Starts miniupnpd (stopping a running one first) with these protocols; renumbers the WAN for `privateWan`. */
  startMiniupnpd(o: MiniupnpdOptions): Promise<void>;
  /** The rules in miniupnpd's chains, as `nft list chain` prints them: one `dnat … to <lan>:<port>` a mapping. */
  mappings(): Promise<string>;
  /** Kills miniupnpd and removes every namespace of the lab; safe to call twice. */
  close(): Promise<void>;
}

async function ok(cmd: string, args: readonly string[]): Promise<Result> {
  const r = await run(cmd, args, {}, 5_000);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

const inNs = (ns: string, cmd: string, ...args: string[]): Promise<Result> => ok('ip', ['netns', 'exec', ns, cmd, ...args]);

/** NAT for the LAN out of wan0, a forward policy that lets in only what miniupnpd maps, and its empty chains. */
const SKELETON = `table inet ${TABLE} {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "lan0" oifname "wan0" accept
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
    oifname "wan0" masquerade
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
}
`;

/** Drops the NAT-PMP (version 0) or PCP (version 2) datagrams of a protocol the router does not offer. */
function protocolFilter(o: MiniupnpdOptions): string {
  const versions = [...(o.natpmp ? [] : [0]), ...(o.pcp ? [] : [2])];
  const rules = (dir: 'iifname' | 'oifname', port: 'dport' | 'sport'): string =>
    versions.map((v) => `    ${dir} "lan0" udp ${port} ${PCP_PORT} @th,64,8 ${v} drop\n`).join('');
  // Declaring the table first makes the delete succeed when it does not exist yet.
  return `table inet offered {}
delete table inet offered
table inet offered {
  chain input {
    type filter hook input priority -10; policy accept;
${rules('iifname', 'dport')}  }
  chain output {
    type filter hook output priority -10; policy accept;
${rules('oifname', 'sport')}  }
}
`;
}

function miniupnpdConfig(o: MiniupnpdOptions, dir: string): string {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  return [
    'ext_ifname=wan0',
    'listening_ip=lan0',
    'http_port=0',
    `enable_upnp=${yes(o.upnp)}`,
    `enable_natpmp=${yes(o.natpmp || o.pcp)}`,
    `force_igd_desc_v1=${yes(o.igdV1 ?? false)}`,
    'secure_mode=yes',
    // Epochs count from the daemon's start, as the protocols expect after a router restart.
    'system_uptime=no',
    `lease_file=${join(dir, 'leases')}`,
    `uuid=${randomUUID()}`,
    `upnp_table_name=${TABLE}`,
    `upnp_nat_table_name=${TABLE}`,
    'upnp_forward_chain=miniupnpd',
    'upnp_nat_chain=prerouting_miniupnpd',
    'upnp_nat_postrouting_chain=postrouting_miniupnpd',
    ...(o.minLifetime === undefined ? [] : [`min_lifetime=${o.minLifetime}`]),
    ...(o.maxLifetime === undefined ? [] : [`max_lifetime=${o.maxLifetime}`]),
    ...(o.denyAll ? [] : [`allow 1024-65535 ${LAN_SUBNET} 1024-65535`]),
    'deny 0-65535 0.0.0.0/0 0-65535',
    '',
  ].join('\n');
}

interface LinkInfo { ifname: string; flags?: string[]; link_netnsid?: number; linkinfo?: { info_kind?: string } }
interface RouteInfo { dst: string; gateway?: string }

async function ipJson<T>(ns: string, args: readonly string[]): Promise<T[]> {
  const r = await run('ip', ['-j', '-n', ns, ...args], {}, 5_000);
  if (r.code !== 0) throw new Error(`ip -n ${ns} ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim() === '' ? [] : (JSON.parse(r.stdout) as T[]);
}

/**
 * Nothing of the lab reaches a real interface: every veth has its peer in a lab namespace, every other link is
 * loopback, a bridge or down; and the IPv4 routes are exactly the expected ones (only the LAN host has a default
 * route, through the router).
 */
async function checkContained(namespaces: readonly string[], routes: ReadonlyMap<string, readonly string[]>): Promise<void> {
  for (const ns of namespaces) {
    const peers = new Map((await ipJson<{ nsid: number; name?: string }>(ns, ['netns', 'list-id'])).map((p) => [p.nsid, p.name]));
    for (const link of await ipJson<LinkInfo>(ns, ['-d', 'link', 'show'])) {
      const kind = link.linkinfo?.info_kind;
      const peer = link.link_netnsid === undefined ? ns : peers.get(link.link_netnsid);
      const contained = link.ifname === 'lo' || kind === 'bridge' || (kind === 'veth' && peer !== undefined && namespaces.includes(peer))
        || (kind !== 'veth' && !link.flags?.includes('UP'));
      if (!contained) throw new Error(`Namespace ${ns}: link ${link.ifname} (${kind ?? 'no kind'}) leads outside the lab (peer ${peer ?? 'unnamed'})`);
    }
    const found = (await ipJson<RouteInfo>(ns, ['-4', 'route', 'show', 'table', 'main'])).map((r) => (r.gateway ? `${r.dst} via ${r.gateway}` : r.dst));
    const wanted = routes.get(ns) ?? [];
    if (found.length !== wanted.length || !wanted.every((w) => found.includes(w))) {
      throw new Error(`Namespace ${ns}: IPv4 routes ${JSON.stringify(found)}, expected ${JSON.stringify(wanted)}`);
    }
  }
}

async function commandsMissing(names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const n of names) if ((await run('sh', ['-c', 'command -v "$0"', n], {}, 5_000)).code !== 0) missing.push(n);
  return missing;
}

/** Throws a message saying what to install when a tool the lab or its tests use is missing. */
export async function requireTools(names: readonly string[]): Promise<void> {
  const missing = await commandsMissing(names);
  if (missing.length > 0) {
    throw new Error(`Missing ${missing.join(', ')}: \`make test-deps\` installs them (Debian packages miniupnpd-nftables nftables miniupnpc natpmpc)`);
  }
}

/**
 * Builds the lab (see the top of this file) and starts miniupnpd with `opts`. On any failure it removes what it
 * made and throws. Call `close()` in the test's `after`, before `sandbox.cleanup()`.
 */
export async function createRouterLab(sandbox: Sandbox, opts: MiniupnpdOptions): Promise<RouterLab> {
  if (!(await netnsAvailable())) throw new Error('The router lab needs network namespaces: run as root on Linux with iproute2 (`ip netns add` must work)');
  await requireTools(['miniupnpd', 'nft']);
  const dir = sandbox.tempDir('masq-router-');
  const lans: Lan[] = [];
  let daemon: Tracked | undefined;
  /** The running or last miniupnpd, for its log. */
  let lastDaemon: Tracked | undefined;
  // Built public, checked, then renumbered by startMiniupnpd when `privateWan` asks for it.
  let routerWan = `${PUBLIC_WAN}.1`;
  let closed: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closed ??= (async () => {
      const failures: string[] = [];
      for (const l of lans.reverse()) await l.cleanup().catch((e: Error) => failures.push(e.message));
      if (failures.length > 0) throw new Error(`Router lab clean-up: ${failures.join('; ')}`);
    })();
    return closed;
  };

  try {
    const lanSide = await createLan(sandbox, 2, { prefix: PREFIX, subnet: LAN_SUBNET });
    lans.push(lanSide);
    const wanSide = await createLan(sandbox, 2, { prefix: PREFIX, subnet: `${PUBLIC_WAN}.0/24` });
    lans.push(wanSide);
    const [router, lan] = lanSide.hosts;
    const [wanEnd, wan] = wanSide.hosts;
    if (!router || !lan || !wanEnd || !wan) throw new Error('createLan returned fewer hosts than asked');
    router.name = 'router';
    lan.name = 'lan';
    wan.name = 'wan';
    const ip = (ns: string, ...args: string[]): Promise<Result> => ok('ip', ['-n', ns, ...args]);
    const nft = (script: string): Promise<Result> => {
      const file = join(dir, 'rules.nft');
      writeFileSync(file, script);
      return inNs(router.ns, 'nft', '-f', file);
    };

    await ip(router.ns, 'link', 'set', 'eth0', 'down');
    await ip(router.ns, 'link', 'set', 'eth0', 'name', 'lan0');
    await ip(router.ns, 'link', 'set', 'lan0', 'up');
    await ip(wanEnd.ns, 'link', 'set', 'eth0', 'down');
    await ip(wanEnd.ns, 'link', 'set', 'eth0', 'name', 'wan0');
    await ip(wanEnd.ns, 'link', 'set', 'wan0', 'netns', router.ns);
    await ip(router.ns, 'link', 'set', 'wan0', 'up');
    // Without it, removing the primary address (setWanAddress) would remove the new secondary one with it.
    await inNs(router.ns, 'sysctl', '-qw', 'net.ipv4.conf.wan0.promote_secondaries=1', 'net.ipv4.ip_forward=1');
    await ip(lan.ns, 'route', 'add', 'default', 'via', router.address);
    await nft(SKELETON);

    const renumberWan = async (net: string): Promise<void> => {
      if (wan.address.startsWith(`${net}.`) && routerWan.startsWith(`${net}.`)) return;
      await ip(wan.ns, 'addr', 'flush', 'dev', 'eth0');
      await ip(wan.ns, 'addr', 'add', `${net}.2/24`, 'dev', 'eth0');
      wan.address = `${net}.2`;
      await setWanAddress(`${net}.1`);
    };
    const setWanAddress = async (address: string): Promise<void> => {
      const current = (await ipJson<{ addr_info?: { family: string; local: string; prefixlen: number }[] }>(router.ns, ['-4', 'addr', 'show', 'dev', 'wan0']))
        .flatMap((a) => a.addr_info ?? []);
      if (!current.some((a) => a.local === address)) await ip(router.ns, 'addr', 'add', `${address}/24`, 'dev', 'wan0');
      for (const a of current.filter((c) => c.local !== address)) await ip(router.ns, 'addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', 'wan0');
      routerWan = address;
    };
    const stopMiniupnpd = async (): Promise<void> => {
      const d = daemon;
      daemon = undefined;
      if (d && d.child.exitCode === null && d.child.signalCode === null) {
        d.child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const stopped = await Promise.race([d.exited.then(() => true), new Promise<false>((r) => { timer = setTimeout(() => r(false), STOP_TIMEOUT_MS); })]);
        clearTimeout(timer);
        if (!stopped) d.child.kill('SIGKILL');
        await d.exited;
      }
      await nft(MAPPING_CHAINS.map((c) => `flush chain inet ${TABLE} ${c}\n`).join(''));
      rmSync(join(dir, 'leases'), { force: true });
    };
    const startMiniupnpd = async (o: MiniupnpdOptions): Promise<void> => {
      if (o.denyAll && (o.natpmp || o.pcp)) throw new Error('denyAll works with UPnP only (see MiniupnpdOptions.denyAll)');
      await stopMiniupnpd();
      await renumberWan(o.privateWan ? PRIVATE_WAN : PUBLIC_WAN);
      await nft(protocolFilter(o));
      const conf = join(dir, 'miniupnpd.conf');
      writeFileSync(conf, miniupnpdConfig(o, dir));
      const d = router.spawn('miniupnpd', ['-d', '-f', conf, '-P', join(dir, 'miniupnpd.pid')]);
      daemon = d;
      lastDaemon = d;
      const ready = [...(o.upnp ? [/HTTP listening on port/] : []), ...(o.natpmp || o.pcp ? [/Listening for NAT-PMP\/PCP traffic/] : [])];
      const listening = (): boolean => ready.every((re) => re.test(d.output()));
      await waitFor('miniupnpd to listen', () => d.child.exitCode !== null || listening(), START_TIMEOUT_MS, 20).catch(() => undefined);
      if (!listening()) throw new Error(`miniupnpd did not start (exit ${d.child.exitCode}):\n${d.output()}`);
    };

    const namespaces = [lanSide.bridgeNs, wanSide.bridgeNs, ...lanSide.hosts.map((h) => h.ns), ...wanSide.hosts.map((h) => h.ns)];
    const wanCidr = `${PUBLIC_WAN}.0/24`;
    await ip(router.ns, 'addr', 'add', `${routerWan}/24`, 'dev', 'wan0');
    await checkContained(namespaces, new Map([
      [lan.ns, [LAN_SUBNET, `default via ${router.address}`]],
      [router.ns, [LAN_SUBNET, wanCidr]],
      [wan.ns, [wanCidr]],
    ]));
    await startMiniupnpd(opts);

    return {
      lan, router, wan,
      routerLanAddress: router.address,
      get routerWanAddress() { return routerWan; },
      get wanHostAddress() { return wan.address; },
      miniupnpdLog: () => lastDaemon?.output() ?? '',
      setWanAddress, stopMiniupnpd, startMiniupnpd,
      mappings: async () => (await Promise.all(MAPPING_CHAINS.map(async (c) => (await inNs(router.ns, 'nft', 'list', 'chain', 'inet', TABLE, c)).stdout))).join(''),
      close,
    };
  } catch (e) {
    await close().catch((c: Error) => { (e as Error).message += ` (and ${c.message})`; });
    throw e;
  }
}
