// The one table of parameters. The CLI, the environment (MASQ_*), config.toml, the Daemon's setup, the Node's
// command line and docs/CONFIGURATION.md are all read from here (MASQ's, plus ours: docs/MASQ-COMPATIBILITY.md).

import { isIP } from 'node:net';
import { CHAINS, DEFAULT_CHAIN } from '../chains/index.js';
import { DecodeError, formatDescriptor, parseDescriptor } from '../wire/index.js';
import { LOG_LEVELS, type MachineFacts } from '../system/index.js';
import type { ConfigRow } from '../store/index.js';
import { formatExitLocation, parseExitLocation } from './exit-location.js';
import { ParamProblem } from './param-problem.js';

export { ParamProblem };

/** Where UIs find the Daemon unless told otherwise (MASQ's port). */
export const DAEMON_UI_PORT = 5333;

/** The user name devices give the proxy with proxy-password (ours: MASQ's proxy asks none). */
export const PROXY_USER = 'masq';

/** The router port-mapping protocols, in the order the Node tries them when none has worked before. */
export const MAPPING_PROTOCOLS = ['pcp', 'pmp', 'igdp'] as const;
export type MappingProtocol = (typeof MAPPING_PROTOCOLS)[number];

export const MODES = ['standard', 'originate-only', 'consume-only', 'zero-hop'] as const;
export type Mode = (typeof MODES)[number];

/** What a default may depend on. Passed in so defaults stay pure and testable. */
export interface DefaultContext extends MachineFacts {
  chain: string;
  /** Values the Node persisted in its store (clandestine-port, min-hops, …), when a store exists. */
  stored: Record<string, string>;
}

/** Why a value of a parameter is not accepted: a configuration error (CONFIG_INVALID) with the reason as message. */

export interface Param {
  name: string;
  valueName: string;
  help: string;
  /** Censored in setup output and never logged. */
  secret?: boolean;
  /** Shown in setup with this many '*' instead of its value. */
  censorWidth?: number;
  /** Only on the Node's command line, not part of the Daemon's setup. */
  nodeOnly?: boolean;
  /** Part of the Daemon's setup, for the Daemon and the setup page; never on the Node's command line. */
  daemonOnly?: boolean;
  /**
   * Only root sets it: in config.toml or the Daemon's environment, never through a UI's setup (masq setup, the setup
   * page), and the config file it is read from is the one root named, whatever config-file a UI set.
   */
  rootOnly?: boolean;
  /** config-file itself is never taken from the config file. */
  notFromFile?: boolean;
  /** The store's config row that keeps this value across runs (MASQ's names). */
  storeRow?: ConfigRow;
  /** Returns the canonical form of a valid value; throws ParamProblem with the reason otherwise. */
  check(value: string, chain: string): string;
  defaultValue?(ctx: DefaultContext): string | undefined;
  requiredIn?(mode: Mode): boolean;
  /** Modes in which giving this parameter is an error, with the reason. */
  forbiddenIn?: Partial<Record<Mode, string>>;
}

const fail = (reason: string): never => {
  throw new ParamProblem(reason);
};

function uint(v: string, what: string, min: bigint, max: bigint): bigint {
  if (!/^[0-9]{1,20}$/.test(v)) fail(`${what} must be a whole number, not '${v}'`);
  const n = BigInt(v);
  if (n < min || n > max) fail(`${what} must be between ${min} and ${max}, not ${v}`);
  return n;
}

const U64_MAX = 2n ** 64n - 1n;

function pipeList(v: string, names: readonly string[], max = U64_MAX): bigint[] {
  const parts = v.split('|');
  if (parts.length !== names.length) fail(`expected ${names.length} values separated by '|' (${names.join('|')}), got ${parts.length}`);
  return parts.map((p, i) => uint(p.trim(), names[i] ?? 'value', 0n, max));
}

const enumOf = (values: readonly string[], caseInsensitive = false) => (v: string): string => {
  const x = caseInsensitive ? v.toLowerCase() : v;
  if (!values.includes(x)) fail(`must be one of ${values.join(', ')}; '${v}' is not`);
  return x;
};

const onOff = enumOf(['on', 'off'], true);
/** How links look on the wire, the default first (src/link: the tls mask and its decoy; the plain mask of src/wire). */
export const LINK_MASKS = ['tls', 'plain'] as const;
export type LinkMask = (typeof LINK_MASKS)[number];

function ipv4(v: string): string {
  if (isIP(v) !== 4) fail(`'${v}' is not an IPv4 address`);
  return v;
}

function port(v: string, min = 1025): string {
  return uint(v, 'port', BigInt(min), 65535n).toString();
}

export const PAYMENT_THRESHOLD_NAMES = [
  'debt-threshold-gwei', 'maturity-threshold-sec', 'payment-grace-period-sec',
  'permanent-debt-allowed-gwei', 'threshold-interval-sec', 'unban-below-gwei',
] as const;
/** MASQ's default payment thresholds, in PAYMENT_THRESHOLD_NAMES's order. */
export const DEFAULT_PAYMENT_THRESHOLDS = '1000000000|1200|1200|500000000|21600|500000000';
export const RATE_PACK_NAMES = ['routing-byte-rate', 'routing-service-rate', 'exit-byte-rate', 'exit-service-rate'] as const;
export const SCAN_INTERVAL_NAMES = ['pending-payable-sec', 'payable-sec', 'receivable-sec'] as const;

/** A neighbor's descriptor: well formed, with an address, on this Node's chain. */
function descriptor(v: string, chain: string): string {
  let d;
  try {
    d = parseDescriptor(v);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return fail(`'${v}' is not a usable node descriptor (${e.message}); the form is masq://<chain>:<key>@<ip>:<port>`);
  }
  if (d.chain !== chain) fail(`descriptor '${v}' is for chain ${d.chain}, but this Node runs on ${chain}`);
  if (d.ip === undefined) fail(`descriptor '${v}' has no address to connect to`);
  return formatDescriptor(d);
}

// `as const` keeps each name a literal type, so ParamName below lists exactly the names of this table.
const PARAM_TABLE = [
  {
    name: 'blockchain-service-url', valueName: 'URL',
    storeRow: 'blockchain_service_url',
    help: 'URL of the EVM JSON-RPC service (http, https, ws or wss) the Node uses to pay and to scan for payments.',
    check: (v) => {
      let u: URL | undefined;
      try { u = new URL(v); } catch { fail(`'${v}' is not a URL`); }
      if (!u || !['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) fail(`'${v}' must start with http://, https://, ws:// or wss://`);
      return v;
    },
    requiredIn: (m) => m !== 'zero-hop',
  },
  {
    name: 'chain', valueName: 'CHAIN',
    help: `Blockchain the Node pays and earns on: ${CHAINS.map((c) => c.name).join(', ')}.`,
    check: enumOf(CHAINS.map((c) => c.name)),
    defaultValue: () => DEFAULT_CHAIN,
    requiredIn: () => true,
  },
  {
    name: 'clandestine-port', valueName: 'PORT',
    storeRow: 'clandestine_port',
    help: 'TCP port other Nodes connect to (1025–65535). Chosen at random in 1025–9998 when the database is created, then kept.',
    check: (v) => port(v),
    defaultValue: (ctx) => ctx.stored['clandestine-port'],
  },
  {
    name: 'config-file', valueName: 'FILE',
    help: 'TOML file of flat parameter = value lines. A relative name is looked up in the data directory.',
    notFromFile: true,
    check: (v) => {
      if (v.length === 0 || v.length > 4096) fail('must be a file name of 1 to 4096 characters');
      return v;
    },
    defaultValue: () => 'config.toml',
  },
  {
    name: 'consuming-private-key', valueName: 'KEY',
    help: 'Private key (64 hex digits) of the wallet that pays for the services this Node consumes.',
    secret: true, censorWidth: 64,
    check: (v) => (/^[0-9a-fA-F]{64}$/.test(v) ? v.toLowerCase() : fail('must be 64 hexadecimal digits')),
  },
  {
    name: 'data-directory', valueName: 'DIR',
    help: 'Directory of the Node\'s database, logs and config.toml. The chain name is appended when the path does not end in it.',
    check: (v, chain) => {
      if (v.length === 0 || v.length > 4096) fail('must be a path of 1 to 4096 characters');
      const trimmed = v.replace(/\/+$/, '') || '/';
      return trimmed.endsWith(`/${chain}`) || trimmed === chain ? trimmed : `${trimmed}/${chain}`;
    },
    defaultValue: (ctx) => `${ctx.xdgDataHome ?? `${ctx.home}/.local/share`}/MASQ/${ctx.chain}`,
    requiredIn: () => true,
  },
  {
    name: 'db-password', valueName: 'PASSWORD',
    help: 'Password that seals the secrets in the database. Never stored; supply it at every start.',
    secret: true, censorWidth: 16,
    check: (v) => (v.length > 0 && v.length <= 1024 ? v : fail('must be 1 to 1024 characters')),
    requiredIn: (m) => m !== 'zero-hop',
  },
  {
    name: 'dns-servers', valueName: 'IP,IP…',
    help: 'Comma-separated IP addresses of the DNS servers the exit uses.',
    check: (v) => {
      const list = v.split(',').map((s) => s.trim());
      if (list.length === 0 || list.length > 16) fail('must list 1 to 16 IP addresses');
      for (const ip of list) if (isIP(ip) === 0) fail(`'${ip}' is not an IP address`);
      return list.join(',');
    },
    defaultValue: (ctx) => {
      if (ctx.role === 'node') return '1.1.1.1';
      const usable = ctx.systemResolvers.filter((ip) => !ip.startsWith('127.') && ip !== '::1');
      return usable.length > 0 && usable.length === ctx.systemResolvers.length ? usable.join(',') : '1.1.1.1';
    },
    requiredIn: (m) => m !== 'consume-only',
    forbiddenIn: { 'consume-only': 'a consume-only Node does not exit traffic, so it needs no DNS servers' },
  },
  {
    name: 'earning-wallet', valueName: 'ADDRESS',
    storeRow: 'earning_wallet_address',
    help: 'Address (0x + 40 hex digits) of the wallet other Nodes pay this Node into.',
    check: (v) => (/^0x[0-9a-fA-F]{40}$/.test(v) ? v : fail('must be 0x followed by 40 hexadecimal digits')),
  },
  {
    name: 'exit-private-destinations', valueName: 'on|off',
    help: 'Let this Node, as an exit, connect to loopback, private and link-local addresses (labs and tests only).',
    check: onOff,
    defaultValue: () => 'off',
  },
  {
    name: 'exit-location', valueName: 'CC,CC|CC[|*]',
    storeRow: 'exit_location',
    help: 'The countries your traffic should leave the mesh from, most wanted first: a comma between countries of the same priority, a pipe before the next priority (CZ,PL|SK). Only exits in these countries are used, unless |* ends the list: then exits elsewhere serve when none of these is reachable. Empty: no preference. masq exit-location changes it while the Node runs.',
    check: (v) => formatExitLocation(parseExitLocation(v)),
    defaultValue: (ctx) => ctx.stored['exit-location'] ?? '',
  },
  {
    name: 'gas-price', valueName: 'GWEI',
    storeRow: 'gas_price',
    help: 'Gas price in gwei for payment transactions (a whole number above 0).',
    check: (v) => uint(v, 'gas price', 1n, U64_MAX).toString(),
    defaultValue: (ctx) => ctx.stored['gas-price'] ?? '1',
    requiredIn: (m) => m !== 'zero-hop',
  },
  {
    // Read by masq-wifi (root) from the Daemon's config file and environment variable; a UI has no say over the radio.
    name: 'hotspot-delay', valueName: 'SECONDS',
    help: 'Seconds without any network (no wired link, no Wi-Fi) after boot, or after losing every network, before masq-wifi opens the MASQ-Setup hotspot (10–3600). Root alone sets it, in /etc/masq/config.toml; restart masq-wifi after a change.',
    daemonOnly: true,
    rootOnly: true,
    check: (v) => uint(v, 'hotspot-delay', 10n, 3600n).toString(),
    defaultValue: () => '60',
  },
  {
    // Read by masq-wifi as hotspot-delay is.
    name: 'hotspot-ignore', valueName: 'INTERFACES',
    help: 'Network ports, comma-separated, that do not count as a network when masq-wifi decides whether to open the MASQ-Setup hotspot (for instance a USB cable to a computer, usb0). Root alone sets it, in /etc/masq/config.toml; restart masq-wifi after a change.',
    daemonOnly: true,
    rootOnly: true,
    check: (v) => {
      const list = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      if (list.length > 16) throw new ParamProblem(`hotspot-ignore names ${list.length} ports; at most 16 fit.`);
      const bad = list.find((n) => !/^[A-Za-z0-9_.-]{1,15}$/.test(n));
      if (bad !== undefined) throw new ParamProblem(`'${bad.slice(0, 40)}' is not a network port's name (1 to 15 letters, digits, '.', '_' or '-', like usb0).`);
      return list.join(',');
    },
    defaultValue: () => '',
  },
  {
    name: 'ip', valueName: 'IP',
    help: 'Public IPv4 address of this Node. Blank means: find it through the router (automatic mapping).',
    check: ipv4,
    forbiddenIn: {
      'zero-hop': 'a zero-hop Node does not accept connections, so it has no public address',
      'originate-only': 'an originate-only Node does not accept connections, so it has no public address',
      'consume-only': 'a consume-only Node does not accept connections, so it has no public address',
    },
  },
  {
    // Ours, not MASQ's (its proxy serves its own machine only): the appliance is the home network's proxy.
    name: 'lan-consuming', valueName: 'on|off',
    help: 'on: the proxy also listens on this machine\'s local network addresses (every IPv4 address of its network ports at the Node\'s start, never 0.0.0.0) and serves devices of those networks only; the setup page serves /proxy.pac for them. off: this machine only. Not a MASQ parameter: masq-pi\'s own.',
    check: onOff,
    defaultValue: () => 'off',
  },
  {
    name: 'lan-dns', valueName: 'on|off',
    help: 'on: the whole-home DNS mode. The box answers DNS on its local networks with its own address for every name, and hands what devices then send to its ports 80 and 443 to the Node, which reads the site from Host or TLS SNI: a device whose DNS server is the box goes through MASQ with no proxy setting. This machine\'s own programs then use the proxy without its password. off: port 53 answers REFUSED. Not a MASQ parameter: masq-pi\'s own.',
    check: onOff,
    defaultValue: () => 'off',
  },
  {
    name: 'link-mask', valueName: 'tls|plain',
    help: 'How links to neighbors look on the wire. tls: like HTTPS, a browser\'s TLS 1.3 to a web server, and the clandestine port answers anyone without this Node\'s key as an HTTPS server would (docs/MESH.md, "Clandestine links"). plain: Noise frames as they are (MASQ\'s way: fully encrypted, easy to tell apart). A Node advertises its mask in its record; every Node of a network needs the same one to dial a newcomer. Not a MASQ parameter: masq-pi\'s own.',
    check: enumOf(LINK_MASKS, true),
    defaultValue: () => LINK_MASKS[0],
  },
  {
    name: 'log-level', valueName: 'LEVEL',
    help: `How much the Node logs: ${LOG_LEVELS.join(', ')}.`,
    check: enumOf(LOG_LEVELS, true),
    defaultValue: () => 'warn',
    requiredIn: () => true,
  },
  {
    name: 'mapping-protocol', valueName: 'PROTOCOL',
    storeRow: 'mapping_protocol',
    help: 'Router port-mapping protocol to try first: pcp, pmp or igdp. The last one that worked is remembered.',
    check: enumOf(MAPPING_PROTOCOLS, true),
    defaultValue: (ctx) => ctx.stored['mapping-protocol'],
  },
  {
    // Not in MASQ (fixed at 600 s there): some routers keep short leases better, and labs want quick renewals.
    name: 'mapping-lifetime', valueName: 'SECONDS',
    help: 'Lease the Node asks the router for when it maps its port (renewed at half of what the router grants).',
    check: (v) => uint(v, 'mapping-lifetime', 10n, 86_400n).toString(),
    defaultValue: () => '600',
  },
  {
    name: 'min-hops', valueName: 'N',
    storeRow: 'min_hops',
    help: 'Minimum number of hops in a route, 1 to 6.',
    check: (v) => uint(v, 'min-hops', 1n, 6n).toString(),
    defaultValue: (ctx) => ctx.stored['min-hops'] ?? '3',
  },
  {
    name: 'neighborhood-mode', valueName: 'MODE',
    storeRow: 'neighborhood_mode',
    help: `How the Node takes part in the network: ${MODES.join(', ')}.`,
    check: enumOf(MODES),
    defaultValue: () => 'standard',
    requiredIn: () => true,
  },
  {
    name: 'neighbors', valueName: 'DESCRIPTOR,…',
    help: 'Comma-separated descriptors (masq://<chain>:<key>@<ip>:<port>) of Nodes to join the network through.',
    check: (v, chain) => {
      const list = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      if (list.length === 0 || list.length > 32) fail('must list 1 to 32 node descriptors');
      return list.map((d) => descriptor(d, chain)).join(',');
    },
    defaultValue: (ctx) => ctx.stored['neighbors'],
    requiredIn: (m) => m === 'originate-only' || m === 'consume-only',
  },
  {
    name: 'new-public-key', valueName: 'on|off',
    help: 'on: start with a fresh node key; off: reuse the stored one (needs the database password).',
    check: onOff,
  },
  {
    name: 'payment-thresholds', valueName: PAYMENT_THRESHOLD_NAMES.join('|'),
    storeRow: 'payment_thresholds',
    help: 'When debts are paid and when debtors are banned: six whole numbers separated by |.',
    check: (v) => {
      const [debt, , , permanent, interval] = pipeList(v, PAYMENT_THRESHOLD_NAMES);
      if ((debt ?? 0n) <= (permanent ?? 0n)) fail('debt-threshold-gwei must be greater than permanent-debt-allowed-gwei');
      if ((interval ?? 0n) > 1_000_000_000n) fail('threshold-interval-sec must not exceed 1000000000');
      return v.split('|').map((s) => s.trim()).join('|');
    },
    defaultValue: (ctx) => ctx.stored['payment-thresholds'] ?? DEFAULT_PAYMENT_THRESHOLDS,
    requiredIn: () => true,
  },
  {
    name: 'proxy-address', valueName: 'IP',
    help: 'Address the proxy (HTTP, CONNECT, SOCKS5) listens on. 127.0.0.1 serves this machine only; an appliance serving its LAN uses its LAN address.',
    check: (v) => (isIP(v) !== 0 ? v : fail(`'${v}' is not an IP address`)),
    defaultValue: () => '127.0.0.1',
  },
  {
    // Ours, not MASQ's. Read by the Node from its secret environment, as db-password is.
    name: 'proxy-password', valueName: 'PASSWORD',
    help: `With lan-consuming on, the password devices of the local network must give the proxy, with the user name ${PROXY_USER} (HTTP proxy authentication and SOCKS5 user/password); blank: none is asked. Not a MASQ parameter: masq-pi's own.`,
    secret: true, censorWidth: 16,
    check: (v) => (/^[\x21-\x7e]{8,128}$/.test(v) ? v : fail('must be 8 to 128 printable ASCII characters without spaces (a device types it in its proxy settings)')),
  },
  {
    name: 'proxy-port', valueName: 'PORT',
    help: 'TCP port of the proxy (HTTP, CONNECT, SOCKS5 and TLS with SNI on one port).',
    check: (v) => port(v, 1),
    defaultValue: () => '5380',
  },
  {
    name: 'rate-pack', valueName: RATE_PACK_NAMES.join('|'),
    storeRow: 'rate_pack',
    help: 'What this Node charges, in wei: four whole numbers separated by |.',
    check: (v) => pipeList(v, RATE_PACK_NAMES).join('|'),
    defaultValue: (ctx) => ctx.stored['rate-pack'] ?? '53844|53844|107688|107688',
    requiredIn: (m) => m === 'standard' || m === 'originate-only',
  },
  {
    name: 'real-user', valueName: 'UID:GID:HOME',
    help: 'The user the Node runs as after it drops root: uid:gid:home directory.',
    check: (v) => (/^[0-9]{0,10}:[0-9]{0,10}:.{0,4096}$/.test(v) ? v : fail('must be uid:gid:home, e.g. 1000:1000:/home/pi')),
  },
  {
    name: 'scan-intervals', valueName: SCAN_INTERVAL_NAMES.join('|'),
    storeRow: 'scan_intervals',
    help: 'Seconds between scans for pending payments, payables and receivables: three whole numbers separated by |.',
    check: (v) => pipeList(v, SCAN_INTERVAL_NAMES).map((n) => (n === 0n ? fail('scan intervals must be above 0') : n)).join('|'),
    defaultValue: (ctx) => ctx.stored['scan-intervals'] ?? '600|600|600',
    requiredIn: () => true,
  },
  {
    name: 'scans', valueName: 'on|off',
    help: 'off: no automatic scans (use the scan command).',
    check: onOff,
    defaultValue: () => 'on',
  },
  {
    name: 'setup-page-lan', valueName: 'on|off',
    help: 'on: the setup page (masq-setup) answers devices on the local network; off: only this machine (127.0.0.1).',
    daemonOnly: true,
    check: onOff,
    defaultValue: () => 'off',
  },
  {
    name: 'unattended-restart', valueName: 'on|off',
    help: 'on: after a reboot or power cut the Daemon starts the Node with its last setup by itself, the database password sealed on this machine for root alone (systemd-creds); off: it waits for the password.',
    daemonOnly: true,
    check: onOff,
    defaultValue: () => 'off',
  },
  {
    // Whoever may use masq must not be able to turn it on: a key added through it logs in with sudo, that is root.
    name: 'ssh-access-from-page', valueName: 'on|off',
    help: 'on: the setup page (an admin session) and masq ssh-access may add ssh public keys that log in to this machine as a user with sudo, that is as root; off: they may not. Root alone sets it, in config.toml or the Daemon\'s environment.',
    daemonOnly: true,
    rootOnly: true,
    check: onOff,
    defaultValue: () => 'off',
  },
  {
    name: 'ui-port', valueName: 'PORT',
    help: 'WebSocket port of the UI protocol on 127.0.0.1 (the Daemon chooses the Node\'s).',
    nodeOnly: true,
    check: (v) => port(v),
    defaultValue: () => String(DAEMON_UI_PORT),
  },
  {
    // A parameter rather than a bare variable: the logger scrubs it like every secret, and readEnv knows its name.
    name: 'ui-token', valueName: 'TOKEN',
    help: 'Token a UI must present to drive the Node. The Daemon sets it under systemd (from /run/masq/ui-token); nobody gives it by hand.',
    secret: true, censorWidth: 16,
    nodeOnly: true,
    notFromFile: true,
    check: (v) => (/^[A-Za-z0-9_-]{16,128}$/.test(v) ? v : fail('must be 16 to 128 base64url characters')),
  },
] as const satisfies readonly Param[];

export const PARAMS: readonly Param[] = PARAM_TABLE;

/** The name of a parameter of the table: a mistyped name does not compile. */
export type ParamName = (typeof PARAM_TABLE)[number]['name'];
type StoredEntry = Extract<(typeof PARAM_TABLE)[number], { storeRow: string }>;
export type StoredParamName = StoredEntry['name'];

const BY_NAME = new Map(PARAMS.map((p) => [p.name, p]));

export function findParam(name: string): Param | undefined {
  return BY_NAME.get(name);
}

/** The store's config row of a stored parameter: the table is the one owner of these row names. */
export function storeRowOf(name: StoredParamName): ConfigRow {
  return BY_NAME.get(name)?.storeRow as ConfigRow;
}

/** Parameters the store keeps, with their rows. */
export const STORED_PARAMS: ReadonlyArray<Param & { storeRow: ConfigRow }> = PARAMS.filter((p): p is Param & { storeRow: ConfigRow } => p.storeRow !== undefined);

/**
 * What setConfiguration (masq set-configuration) may change while the Node runs, each with the store row it is
 * kept in (start-block is the receivable scan's row, not a parameter).
 */
export const RUNTIME_SETTING_ROWS: Readonly<Record<string, ConfigRow>> = {
  'gas-price': storeRowOf('gas-price'), 'min-hops': storeRowOf('min-hops'), 'start-block': 'start_block',
};
export const RUNTIME_SETTINGS: readonly string[] = Object.keys(RUNTIME_SETTING_ROWS);

/** The parameters a UI may set through the Daemon's setup. */
export const SETUP_PARAMS: readonly Param[] = PARAMS.filter((p) => !p.nodeOnly);

/** MASQ_CLANDESTINE_PORT ↔ clandestine-port */
export function envName(param: string): string {
  return `MASQ_${param.toUpperCase().replace(/-/g, '_')}`;
}
