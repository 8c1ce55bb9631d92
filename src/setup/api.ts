// The setup page's HTTP API: one table of routes, read by the server (its handlers and limits) and by the page
// (web-setup/, which imports these types only). Every answer is JSON but the PAC file's; a failure is { error: ApiError }.

import type { JoinRequest, WifiNetwork } from '../wifi/api.js';

/** Who may call a route. */
export type Access =
  /** Anyone who reaches the page (static files, the phase). */
  | 'public'
  /** Only while the box is unclaimed; afterwards the route answers 404 as if it never existed. */
  | 'unclaimed'
  /** A visitor who gave the right setup code and has not yet chosen the admin password. */
  | 'code'
  /** A logged-in administrator. */
  | 'session';

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  access: Access;
  /** Largest request body accepted, in bytes (checked before parsing). */
  bodyLimit?: number;
}

export const SMALL_BODY = 4096;
/** A backup file is a few KB; this leaves room for many past neighbors. */
export const BACKUP_BODY = 262_144;
/** A few pasted ssh public keys (an RSA key of 16384 bits is under 3 KB). */
export const SSH_KEY_BODY = 65_536;

export const ROUTES = {
  state: { method: 'GET', path: '/api/state', access: 'public' },
  claimCode: { method: 'POST', path: '/api/claim/code', access: 'unclaimed', bodyLimit: SMALL_BODY },
  claimPassword: { method: 'POST', path: '/api/claim/password', access: 'code', bodyLimit: SMALL_BODY },
  login: { method: 'POST', path: '/api/login', access: 'public', bodyLimit: SMALL_BODY },
  logout: { method: 'POST', path: '/api/logout', access: 'session', bodyLimit: SMALL_BODY },
  getSetup: { method: 'GET', path: '/api/setup', access: 'session' },
  putSetup: { method: 'POST', path: '/api/setup', access: 'session', bodyLimit: 65_536 },
  testChain: { method: 'POST', path: '/api/chain/test', access: 'session', bodyLimit: SMALL_BODY },
  generateWallets: { method: 'POST', path: '/api/wallets/generate', access: 'session', bodyLimit: SMALL_BODY },
  confirmWords: { method: 'POST', path: '/api/wallets/confirm', access: 'session', bodyLimit: SMALL_BODY },
  recoverWallets: { method: 'POST', path: '/api/wallets/recover', access: 'session', bodyLimit: SMALL_BODY },
  start: { method: 'POST', path: '/api/node/start', access: 'session', bodyLimit: SMALL_BODY },
  stop: { method: 'POST', path: '/api/node/stop', access: 'session', bodyLimit: SMALL_BODY },
  restart: { method: 'POST', path: '/api/node/restart', access: 'session', bodyLimit: SMALL_BODY },
  unlock: { method: 'POST', path: '/api/node/unlock', access: 'session', bodyLimit: SMALL_BODY },
  events: { method: 'GET', path: '/api/events', access: 'session' },
  panelStatus: { method: 'GET', path: '/api/panel/status', access: 'session' },
  panelDescriptor: { method: 'GET', path: '/api/panel/descriptor', access: 'session' },
  panelNeighborhood: { method: 'GET', path: '/api/panel/neighborhood', access: 'session' },
  panelAutomap: { method: 'GET', path: '/api/panel/automap', access: 'session' },
  panelEarnings: { method: 'GET', path: '/api/panel/earnings', access: 'session' },
  panelSystem: { method: 'GET', path: '/api/panel/system', access: 'session' },
  panelLogs: { method: 'GET', path: '/api/panel/logs', access: 'session' },
  panelConfiguration: { method: 'GET', path: '/api/panel/configuration', access: 'session' },
  panelExitLocation: { method: 'GET', path: '/api/panel/exit-location', access: 'session' },
  downloadLogs: { method: 'GET', path: '/api/logs/download', access: 'session' },
  setConfiguration: { method: 'POST', path: '/api/configuration', access: 'session', bodyLimit: SMALL_BODY },
  setExitLocation: { method: 'POST', path: '/api/exit-location', access: 'session', bodyLimit: SMALL_BODY },
  changePassword: { method: 'POST', path: '/api/password', access: 'session', bodyLimit: SMALL_BODY },
  backup: { method: 'POST', path: '/api/backup', access: 'session', bodyLimit: SMALL_BODY },
  restore: { method: 'POST', path: '/api/restore', access: 'session', bodyLimit: BACKUP_BODY },
  panelSsh: { method: 'GET', path: '/api/panel/ssh', access: 'session' },
  sshAddKey: { method: 'POST', path: '/api/ssh/keys', access: 'session', bodyLimit: SSH_KEY_BODY },
  sshRemoveKey: { method: 'POST', path: '/api/ssh/keys/remove', access: 'session', bodyLimit: SMALL_BODY },
  sshUser: { method: 'POST', path: '/api/ssh/user', access: 'session', bodyLimit: SMALL_BODY },
  wifiStatus: { method: 'GET', path: '/api/wifi', access: 'session' },
  wifiNetworks: { method: 'GET', path: '/api/wifi/networks', access: 'session' },
  wifiJoin: { method: 'POST', path: '/api/wifi/join', access: 'session', bodyLimit: SMALL_BODY },
  // Devices fetch their proxy settings without any session (lan-consuming): plain JavaScript, not JSON.
  proxyPac: { method: 'GET', path: '/proxy.pac', access: 'public' },
  wpad: { method: 'GET', path: '/wpad.dat', access: 'public' },
  panelLan: { method: 'GET', path: '/api/panel/lan', access: 'session' },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** Every POST must carry this header: a cross-site form cannot set it, and a cross-site script needs CORS, which the server never grants. */
export const CSRF_HEADER = 'x-masq-setup';
export const CSRF_VALUE = '1';

export interface ApiError {
  /** A stable code (system/errors.ts's, or the page's own: SETUP_CODE_WRONG, LOCKED_OUT, NOT_LOGGED_IN, …). */
  code: string;
  /** What is wrong, in words. */
  message: string;
  /** What the user can do about it. */
  fix?: string;
  /** The form field or parameter it is about. */
  field?: string;
  triesLeft?: number;
  lockedForS?: number;
}

export type Phase = 'claim' | 'login' | 'wizard' | 'dashboard';

// ---- bodies and answers, route by route ----

export interface StateAnswer {
  /** claim: ask the setup code; login: ask the admin password; wizard/dashboard: a session is open. */
  phase: Phase;
  /** The box's name on the network (masq-XXXX), for titles. */
  boxName: string;
  version: string;
  /** After a reboot with unattended restart off, the Node waits for the database password (POST unlock). */
  waitingForPassword: boolean;
  lockedForS?: number;
}

export interface CodeBody { code: string }
export interface PasswordBody { password: string }
export interface OkAnswer { ok: true }

export interface SetupValue {
  name: string;
  /** Secrets show as '*' characters. */
  value: string;
  /** Default, Configured, Set, Blank, Required (MASQ's statuses). */
  status: string;
  help: string;
  valueName: string;
  secret: boolean;
}
export interface SetupAnswer {
  running: boolean;
  values: SetupValue[];
  /** The chains table's chains the Node can run on. */
  chains: Array<{ name: string; mainnet: boolean }>;
  /** What setConfiguration may change while the Node runs (the rest needs the Node stopped). */
  runtimeSettings: string[];
  /** [parameter, why] pairs: the same words masq setup prints. */
  errors: Array<[string, string]>;
}
export interface SetupBody {
  /** An empty value clears what was set. */
  values: Array<{ name: string; value: string }>;
}

export interface ChainTestBody { chain: string; url: string }
export interface ChainTestAnswer { chainId: number; expectedChainId: number; matches: boolean; blockNumber: number; latencyMs: number }

export interface GenerateBody {
  dbPassword: string;
  /** 12, 15, 18, 21 or 24. */
  wordCount: number;
  passphrase?: string;
}
export interface GenerateAnswer {
  /** Shown once: the server keeps it only until the words are confirmed. */
  mnemonic: string[];
  consumingAddress: string;
  earningAddress: string;
  /** 1-based positions of the words the user must type back. */
  confirmPositions: number[];
}
export interface ConfirmBody { words: string[] }
export interface RecoverBody {
  dbPassword: string;
  /** A phrase to recover both wallets from, or only an earning address. */
  mnemonic?: string;
  passphrase?: string;
  earningAddress?: string;
}
export interface WalletsAnswer { consumingAddress?: string; earningAddress: string }

export interface StartAnswer { pid: number }
export interface UnlockBody { dbPassword: string }

/** Server-sent events on GET events: `event: <type>` and one JSON line of data. */
export type PageEvent =
  | { type: 'stage'; stage: 'NotConnected' | 'ConnectedToNeighbor' | 'RouteFound' }
  | { type: 'log'; level: string; msg: string; at: number }
  | { type: 'node'; running: boolean; pid?: number; crashReason?: string }
  /** A setting of the Node changed (configurationChanged): the dashboard reads it again. */
  | { type: 'configuration' };

export interface StatusPanel {
  nodeRunning: boolean;
  stage?: 'NotConnected' | 'ConnectedToNeighbor' | 'RouteFound';
  mode?: string;
  unattendedRestart: 'on' | 'off';
  waitingForPassword: boolean;
}
export interface DescriptorPanel { descriptor?: string }
/** country: where the Node is (ISO 3166 alpha-2), when known. */
export interface GraphNode { id: string; label: string[]; self: boolean; routes: boolean; country?: string }
export interface NeighborhoodPanel { nodes: GraphNode[]; edges: Array<{ from: string; to: string }> }
/** The Node's automapStatus answer, as it is. */
export type AutomapPanel = Record<string, unknown> & { state: 'off' | 'mapped' | 'failed'; summary: string };
export interface EarningsSample { at: number; earnedGwei: number; owedGwei: number; paidGwei: number; receivedGwei: number }
export interface EarningsPanel { now: EarningsSample; history: EarningsSample[] }
export interface SystemPanel {
  cpuTempC?: number;
  memTotalBytes: number;
  memAvailableBytes: number;
  diskTotalBytes: number;
  diskFreeBytes: number;
  uptimeS: number;
  load1: number;
}
export interface LogLine { at: number; level: string; msg: string }
export interface LogsPanel { lines: LogLine[] }
/** The box as its local network's proxy (lan-consuming), for the devices' settings. Never the password itself. */
export interface LanPanel {
  lanConsuming: boolean;
  boxName: string;
  /** The box's IPv4 address as this browser reaches it, when it does over IPv4. */
  address?: string;
  proxyPort: number;
  /** The user name devices give when passwordSet. */
  user: string;
  passwordSet: boolean;
  /** Whether devices of the local network may open the page, and so fetch the PAC file (setup-page-lan). */
  pageOnLan: boolean;
  /** The whole-home DNS mode (lan-dns). */
  lanDns: boolean;
  /** Whether the page holds the box's ports 53 and 443, which the DNS mode needs (masq-lan-entry.socket). */
  dnsPorts: boolean;
}
/** The Node's configuration answer, secrets left out. */
export type ConfigurationPanel = Record<string, unknown>;

export interface SetConfigurationBody { name: string; value: string }
/** Countries in order of preference (groups[0] the most wanted, a group's countries as wanted as each other). */
export interface ExitLocationChoice {
  groups: string[][];
  /** Exits in other countries serve when none of these is reachable. */
  fallback: boolean;
}
/** Where the Node's own traffic leaves the mesh, and the countries with exits in its neighborhood now. */
export type ExitLocationPanel =
  | { running: false }
  | (ExitLocationChoice & {
    running: true;
    /** Chosen countries without an exit now. */
    missing: string[];
    /** Most exits first. */
    countries: Array<{ code: string; exits: number }>;
  });
/** An empty list of groups clears the choice: any exit serves. */
export type ExitLocationBody = ExitLocationChoice;
/** The choice is saved; `missing` are its countries without an exit now (all of them: none serves until one appears). */
export interface ExitLocationSaved { missing: string[] }
export interface ChangePasswordBody { oldPassword: string; newPassword: string }
export interface BackupBody { dbPassword: string; backupPassword: string }
export interface BackupAnswer { fileName: string; file: string }
export interface RestoreBody { dbPassword: string; backupPassword: string; file: string }
export interface RestoreAnswer { ok: true; nodeKeyChanged: boolean }

/** A key of the ssh login, as ssh-keygen -l shows it: never the key's data. */
export interface SshKeyRow { type: string; label: string; bits: number; fingerprint: string; comment: string }
/** The ssh login the owner's keys open, or why the page does not offer it (root turns ssh-access-from-page on). */
export type SshPanel =
  | { offered: false; message: string }
  | { offered: true; user: string; keys: SshKeyRow[]; applied: 'none' | 'pending' | 'applied' | 'failed'; message?: string };
/** One or more public key lines, as pasted. */
export interface SshKeyBody { key: string }
export interface SshRemoveBody { fingerprint: string }
export interface SshUserBody { user: string }

/** The box's network, as masq-wifi tells it (WIFI_UNAVAILABLE where masq-wifi does not manage it). */
export type { JoinOutcome, JoinResult, WifiMode, WifiNetwork, WifiSecurity, WifiStatus } from '../wifi/api.js';
/** The networks in range, strongest first. */
export interface WifiNetworksAnswer { networks: WifiNetwork[] }
export type WifiJoinBody = JoinRequest;
