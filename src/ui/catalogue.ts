// The one message catalogue of the UI protocol (MASQ's opcodes, in masq_lib/src/messages.rs, and ours), shared by
// servers and clients: who answers each opcode, how long a client waits, and the shape of each request, answer and
// broadcast. The TypeScript types of those payloads are read off the same table (Requests, Answers, Broadcasts).

import { anyOf, type Body, checkBody, list, oneOf, type Shape, type TypeOf } from './shape.js';

export interface OpcodeSpec {
  /** conv: request and response share opcode and contextId; ff: fire-and-forget or broadcast. */
  kind: 'conv' | 'ff';
  /** Who answers it. 'ui' marks messages only servers send. */
  owner: 'daemon' | 'node' | 'ui';
  request?: Shape;
  answer?: Body;
  /** The payload when a server sends it unasked. */
  broadcast?: Body;
  /** How long a client waits for the answer. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 1000;

const NONE = {} as const;
const STAGE = oneOf('NotConnected', 'ConnectedToNeighbor', 'RouteFound');
const SETUP = {
  running: 'boolean',
  values: list({ name: 'string', value: 'string', status: 'string' }),
  /** [parameter, why] pairs. */
  errors: list(list('string')),
} as const;
const CRASH_REASON = anyOf(oneOf('NoInformation', 'DaemonCrashed'), { ChildWaitFailure: 'string' }, { Unrecognized: 'string' });
const ATTEMPTS = list({ protocol: 'string', reason: 'string', message: 'string' });
/** A guess at the setup code or admin password: right or not, and how many more wrong ones before the lockout. */
const GUESS = { matches: 'boolean', triesLeft: 'number', 'lockedForS?': 'number' } as const;
/** The login the keys open, the keys (never their data), and whether the applier has made it so. */
const SSH_ACCESS = {
  user: 'string',
  keys: list({ type: 'string', label: 'string', bits: 'number', fingerprint: 'string', comment: 'string' }),
  applied: oneOf('none', 'pending', 'applied', 'failed'),
  'message?': 'string',
} as const;
const COUNTRY_GROUP = { countryCodes: list('string'), priority: 'number' } as const;
const ACCOUNT_ROWS = list({ wallet: 'string', ageS: 'number', balanceGwei: 'number', 'pendingPayableHashOpt?': 'string' });

export const CATALOGUE = {
  setup: { kind: 'conv', owner: 'daemon', request: { values: 'array' }, answer: SETUP, broadcast: SETUP, timeoutMs: 30_000 },
  start: { kind: 'conv', owner: 'daemon', request: NONE, answer: { newProcessId: 'number', redirectUiPort: 'number' }, timeoutMs: 15_000 },
  redirect: { kind: 'ff', owner: 'ui', broadcast: { port: 'number', opcode: 'string', 'contextId?': 'number', payload: 'string' } },
  crashed: { kind: 'ff', owner: 'ui', broadcast: { processId: 'number', crashReason: CRASH_REASON } },
  undelivered: { kind: 'ff', owner: 'ui', broadcast: { opcode: 'string' } },
  unmarshalError: { kind: 'ff', owner: 'ui', broadcast: { message: 'string', badData: 'string' } },
  changePassword: { kind: 'conv', owner: 'node', request: { 'oldPasswordOpt?': 'string', newPassword: 'string' }, answer: NONE },
  checkPassword: { kind: 'conv', owner: 'node', request: { 'dbPasswordOpt?': 'string' }, answer: { matches: 'boolean' } },
  configuration: {
    kind: 'conv', owner: 'node', request: { 'dbPasswordOpt?': 'string' },
    // All optional: masq shows [?] for what a Node leaves out.
    answer: {
      'blockchainServiceUrlOpt?': 'string', 'chainName?': 'string', 'clandestinePort?': 'number', 'consumingWalletPrivateKeyOpt?': 'string',
      'currentSchemaVersion?': 'string', 'earningWalletAddressOpt?': 'string', 'gasPrice?': 'number', 'maxBlockCount?': 'number',
      'neighborhoodMode?': 'string', 'portMappingProtocol?': 'string', 'startBlock?': 'number', 'pastNeighbors?': list('string'),
      // masq-pi's own: how the Node's links look on the wire.
      'linkMask?': 'string',
      // The exit-location parameter as text ("CZ,PL|SK", "|*" at the end for fallback routing), when set.
      'exitLocation?': 'string',
      'paymentThresholds?': 'object', 'ratePack?': 'object', 'scanIntervals?': 'object',
    },
  },
  connectionStatus: { kind: 'conv', owner: 'node', request: NONE, answer: { stage: STAGE } },
  connectionChange: { kind: 'ff', owner: 'ui', broadcast: { stage: STAGE } },
  descriptor: { kind: 'conv', owner: 'node', request: NONE, answer: { 'nodeDescriptorOpt?': 'string' } },
  neighborhoodGraph: { kind: 'conv', owner: 'node', request: NONE, answer: { graph: 'string' } },
  // MASQ's exit location; priority 1 is the most wanted. exitCountryCounts is ours: how many exits each country has.
  exitLocation: {
    kind: 'conv', owner: 'node',
    request: { fallbackRouting: 'boolean', exitLocations: list(COUNTRY_GROUP), showCountries: 'boolean' },
    answer: {
      fallbackRouting: 'boolean', exitCountrySelection: list(COUNTRY_GROUP), 'exitCountries?': list('string'), missingCountries: list('string'),
      'exitCountryCounts?': list({ country: 'string', exits: 'number' }),
    },
  },
  // Sent to every UI when a setting changed (set-configuration, exit-location, wallets, a restored backup), so
  // dashboards ask for the configuration again. MASQ defines it and never sends it.
  configurationChanged: { kind: 'ff', owner: 'ui', broadcast: NONE },
  // Not in MASQ: how the router port mapping stands (src/automap), for masq automap and the setup page.
  automapStatus: {
    kind: 'conv', owner: 'node', request: NONE,
    answer: anyOf(
      { state: oneOf('off'), summary: 'string' },
      {
        state: oneOf('mapped'), protocol: 'string', router: 'string', publicAddress: 'string', externalPort: 'number', internalPort: 'number',
        lifetimeSec: 'number', 'renewAtMs?': 'number', summary: 'string', attempts: ATTEMPTS,
      },
      { state: oneOf('failed'), cause: 'string', summary: 'string', fix: 'string', attempts: ATTEMPTS },
    ),
  },
  logBroadcast: { kind: 'ff', owner: 'ui', broadcast: { logLevel: 'string', msg: 'string' } },
  newPassword: { kind: 'ff', owner: 'ui', broadcast: NONE },
  setConfiguration: { kind: 'conv', owner: 'node', request: { name: 'string', value: 'string' }, answer: NONE },
  shutdown: { kind: 'conv', owner: 'node', request: NONE, answer: NONE, timeoutMs: 60_000 },
  generateWallets: {
    kind: 'conv', owner: 'node',
    request: { dbPassword: 'string', 'seedSpecOpt?': 'object', 'consumingDerivationPathOpt?': 'string', 'earningDerivationPathOpt?': 'string' },
    answer: {
      'mnemonicPhraseOpt?': list('string'), consumingWalletAddress: 'string', consumingWalletPrivateKey: 'string',
      earningWalletAddress: 'string', earningWalletPrivateKey: 'string',
    },
  },
  recoverWallets: {
    kind: 'conv', owner: 'node',
    request: {
      dbPassword: 'string', 'seedSpecOpt?': 'object', 'consumingDerivationPathOpt?': 'string', 'consumingPrivateKeyOpt?': 'string',
      'earningDerivationPathOpt?': 'string', 'earningAddressOpt?': 'string',
    },
    answer: NONE,
  },
  walletAddresses: { kind: 'conv', owner: 'node', request: { dbPassword: 'string' }, answer: { consumingWalletAddress: 'string', earningWalletAddress: 'string' } },
  financials: {
    kind: 'conv', owner: 'node',
    request: { statsRequired: 'boolean', 'topRecordsOpt?': 'object', 'customQueriesOpt?': 'object' },
    answer: {
      'statsOpt?': { totalUnpaidAndPendingPayableGwei: 'number', totalPaidPayableGwei: 'number', totalUnpaidReceivableGwei: 'number', totalPaidReceivableGwei: 'number' },
      'queryResultsOpt?': { 'payableOpt?': ACCOUNT_ROWS, 'receivableOpt?': ACCOUNT_ROWS },
    },
  },
  // Not in MASQ: the box's own state, held by the Daemon for the setup page (masq-setup) and masq setup-code.
  // Until the box is claimed, the one-time setup code is the only key to it; after, the admin password is.
  // Wrong codes and passwords count against one lockout the Daemon keeps across its restarts.
  boxStatus: {
    kind: 'conv', owner: 'daemon', request: NONE,
    answer: { claimed: 'boolean', setupDone: 'boolean', nodeRunning: 'boolean', unattendedRestart: oneOf('on', 'off'), waitingForPassword: 'boolean', 'lockedForS?': 'number' },
  },
  setupCode: { kind: 'conv', owner: 'daemon', request: { 'reset?': 'boolean' }, answer: { claimed: 'boolean', 'code?': 'string' } },
  checkSetupCode: { kind: 'conv', owner: 'daemon', request: { code: 'string' }, answer: GUESS },
  claimBox: { kind: 'conv', owner: 'daemon', request: { code: 'string', adminPassword: 'string' }, answer: GUESS, timeoutMs: 10_000 },
  checkAdminPassword: { kind: 'conv', owner: 'daemon', request: { password: 'string' }, answer: GUESS, timeoutMs: 10_000 },
  changeAdminPassword: { kind: 'conv', owner: 'daemon', request: { oldPassword: 'string', newPassword: 'string' }, answer: GUESS, timeoutMs: 10_000 },
  // Not in MASQ: ssh logins from the setup page (docs/SETUP.md). The Daemon keeps the login name and the keys the
  // owner wants; masq-ssh-access.service applies them. Refused unless ssh-access-from-page is on (root's choice).
  sshAccess: { kind: 'conv', owner: 'daemon', request: NONE, answer: SSH_ACCESS },
  setSshKeys: { kind: 'conv', owner: 'daemon', request: { 'user?': 'string', 'add?': list('string'), 'remove?': list('string') }, answer: SSH_ACCESS },
  // Not in MASQ: one encrypted file of the node key, wallets, past neighbors and settings (docs/SETUP.md).
  exportBackup: { kind: 'conv', owner: 'node', request: { dbPassword: 'string', backupPassword: 'string' }, answer: { file: 'string' }, timeoutMs: 20_000 },
  importBackup: {
    kind: 'conv', owner: 'node', request: { dbPassword: 'string', backupPassword: 'string', file: 'string' },
    answer: { settings: list({ name: 'string', value: 'string' }), nodeKeyChanged: 'boolean' }, timeoutMs: 20_000,
  },
  // MASQ allows 10 s; ours includes waiting for the payments' receipts, and RPC retries, so it may take longer.
  scan: { kind: 'conv', owner: 'node', request: { scanType: 'string' }, answer: NONE, timeoutMs: 60_000 },
} as const satisfies Record<string, OpcodeSpec>;

type Table = typeof CATALOGUE;
export type Opcode = keyof Table;
/** Opcodes a client may ask and wait for an answer to. */
export type ConvOpcode = { [Op in Opcode]: Table[Op] extends { kind: 'conv' } ? Op : never }[Opcode];
/** Opcodes a server may send unasked. */
export type BroadcastOpcode = { [Op in Opcode]: Table[Op] extends { broadcast: Body } ? Op : never }[Opcode];

export type Requests = { [Op in ConvOpcode]: Table[Op] extends { request: infer S } ? TypeOf<S> : never };
export type Answers = { [Op in ConvOpcode]: Table[Op] extends { answer: infer S } ? TypeOf<S> : never };
export type Broadcasts = { [Op in BroadcastOpcode]: Table[Op] extends { broadcast: infer S } ? TypeOf<S> : never };
/** A well-formed broadcast: its opcode tells its payload's type. */
export type Broadcast = { [Op in BroadcastOpcode]: { opcode: Op; payload: Broadcasts[Op] } }[BroadcastOpcode];

export function specOf(opcode: string): OpcodeSpec | undefined {
  return Object.hasOwn(CATALOGUE, opcode) ? (CATALOGUE as Record<string, OpcodeSpec>)[opcode] : undefined;
}

/** Null when the payload fits the part's shape (or the opcode has none), else the reason it does not. */
function check(part: 'request' | 'answer' | 'broadcast', opcode: string, payload: Record<string, unknown>): string | null {
  const body = specOf(opcode)?.[part];
  return body ? checkBody(body, payload) : null;
}

export const checkRequest = (opcode: string, payload: Record<string, unknown>): string | null => check('request', opcode, payload);
export const checkAnswer = (opcode: string, payload: Record<string, unknown>): string | null => check('answer', opcode, payload);
export const checkBroadcast = (opcode: string, payload: Record<string, unknown>): string | null => check('broadcast', opcode, payload);

// Payload types the programs name.
export type SetupResponse = Answers['setup'];
export type SetupValuePayload = SetupResponse['values'][number];
export type StartResponse = Answers['start'];
export type RedirectPayload = Broadcasts['redirect'];
export type CrashedPayload = Broadcasts['crashed'];
export type CrashReason = CrashedPayload['crashReason'];
export type ConnectionStage = Answers['connectionStatus']['stage'];
export type AutomapAnswer = Answers['automapStatus'];
