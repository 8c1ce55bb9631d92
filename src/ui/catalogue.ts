// The one message catalogue of the UI protocol, shared by servers and clients: MASQ Node's opcodes and JSON names
// plus ours (docs/MASQ-COMPATIBILITY.md, 'The UI protocol'). Everything that lists opcodes reads this table.

export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';
/** Field name → type; a trailing '?' on the name marks an optional field (null counts as absent). */
export type Shape = Readonly<Record<string, FieldType>>;

export interface OpcodeSpec {
  /** conv: request and response share opcode and contextId; ff: fire-and-forget or broadcast. */
  kind: 'conv' | 'ff';
  /** Who answers it. 'ui' marks messages only servers send. */
  owner: 'daemon' | 'node' | 'ui';
  request?: Shape;
  /** How long a client waits for the answer. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 1000;

export const CATALOGUE = {
  setup: { kind: 'conv', owner: 'daemon', request: { values: 'array' }, timeoutMs: 30_000 },
  start: { kind: 'conv', owner: 'daemon', request: {}, timeoutMs: 15_000 },
  redirect: { kind: 'ff', owner: 'ui' },
  crashed: { kind: 'ff', owner: 'ui' },
  undelivered: { kind: 'ff', owner: 'ui' },
  unmarshalError: { kind: 'ff', owner: 'ui' },
  changePassword: { kind: 'conv', owner: 'node', request: { 'oldPasswordOpt?': 'string', newPassword: 'string' } },
  checkPassword: { kind: 'conv', owner: 'node', request: { 'dbPasswordOpt?': 'string' } },
  configuration: { kind: 'conv', owner: 'node', request: { 'dbPasswordOpt?': 'string' } },
  connectionStatus: { kind: 'conv', owner: 'node', request: {} },
  connectionChange: { kind: 'ff', owner: 'ui' },
  descriptor: { kind: 'conv', owner: 'node', request: {} },
  neighborhoodGraph: { kind: 'conv', owner: 'node', request: {} },
  // Not in MASQ: how the router port mapping stands (src/automap), for masq automap and the setup page.
  automapStatus: { kind: 'conv', owner: 'node', request: {} },
  logBroadcast: { kind: 'ff', owner: 'ui' },
  newPassword: { kind: 'ff', owner: 'ui' },
  setConfiguration: { kind: 'conv', owner: 'node', request: { name: 'string', value: 'string' } },
  shutdown: { kind: 'conv', owner: 'node', request: {}, timeoutMs: 60_000 },
  generateWallets: {
    kind: 'conv', owner: 'node',
    request: { dbPassword: 'string', 'seedSpecOpt?': 'object', 'consumingDerivationPathOpt?': 'string', 'earningDerivationPathOpt?': 'string' },
  },
  recoverWallets: {
    kind: 'conv', owner: 'node',
    request: {
      dbPassword: 'string', 'seedSpecOpt?': 'object', 'consumingDerivationPathOpt?': 'string', 'consumingPrivateKeyOpt?': 'string',
      'earningDerivationPathOpt?': 'string', 'earningAddressOpt?': 'string',
    },
  },
  walletAddresses: { kind: 'conv', owner: 'node', request: { dbPassword: 'string' } },
  financials: { kind: 'conv', owner: 'node', request: { statsRequired: 'boolean', 'topRecordsOpt?': 'object', 'customQueriesOpt?': 'object' } },
  // MASQ allows 10 s; ours includes waiting for the payments' receipts, and RPC retries, so it may take longer.
  scan: { kind: 'conv', owner: 'node', request: { scanType: 'string' }, timeoutMs: 60_000 },
} as const satisfies Record<string, OpcodeSpec>;

export type Opcode = keyof typeof CATALOGUE;

export function specOf(opcode: string): OpcodeSpec | undefined {
  return Object.hasOwn(CATALOGUE, opcode) ? (CATALOGUE as Record<string, OpcodeSpec>)[opcode] : undefined;
}

function typeOf(v: unknown): FieldType | 'other' {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'other';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : 'other';
}

/** Null when the payload fits the request shape, else the reason it does not. */
export function checkRequest(opcode: string, payload: Record<string, unknown>): string | null {
  const shape = specOf(opcode)?.request;
  if (!shape) return null;
  for (const [key, type] of Object.entries(shape)) {
    const optional = key.endsWith('?');
    const field = optional ? key.slice(0, -1) : key;
    const v = payload[field];
    if (v === undefined || v === null) {
      if (!optional) return `Required field '${field}' is missing`;
      continue;
    }
    if (typeOf(v) !== type) return `Field '${field}' must be of type ${type}`;
  }
  return null;
}

// Payloads the programs exchange (JSON names as in MASQ).
export interface SetupValuePayload { name: string; value: string; status: string }
export interface SetupResponse { running: boolean; values: SetupValuePayload[]; errors: Array<[string, string]> }
export interface StartResponse { newProcessId: number; redirectUiPort: number }
export interface RedirectPayload { port: number; opcode: string; contextId?: number; payload: string }
export type CrashReason = { ChildWaitFailure: string } | 'NoInformation' | { Unrecognized: string } | 'DaemonCrashed';
export interface CrashedPayload { processId: number; crashReason: CrashReason }
export type ConnectionStage = 'NotConnected' | 'ConnectedToNeighbor' | 'RouteFound';
