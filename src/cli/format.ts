// How masq prints what the Daemon and Node answer, in the words and layout of MASQ's masq
// (masq_cli/src/commands/*.rs and notifications/). Pure text functions of the catalogue's typed payloads.

import type { Answers, AutomapAnswer, Broadcast, ConnectionStage, CrashedPayload, SetupResponse } from '../ui/index.js';

export function setupTable(r: SetupResponse): string {
  const lines = [`${'NAME'.padEnd(29)} ${'VALUE'.padEnd(64)} STATUS`];
  for (const v of r.values) lines.push(`${v.name.padEnd(29)} ${v.value.padEnd(64)} ${v.status}`);
  if (r.errors.length > 0) {
    lines.push('', 'ERRORS:');
    for (const [name = '', why = ''] of r.errors) lines.push(`${name.padEnd(29)} ${why}`);
  }
  if (r.running) lines.push('', 'NOTE: no changes were made to the setup because the Node is currently running.');
  const changed = r.values.some((v) => (v.name === 'chain' || v.name === 'data-directory') && v.status !== 'Default');
  if (changed) lines.push('', 'NOTE: your data directory was modified to match the chain parameter.');
  return lines.join('\n');
}

const pair = (name: string, value: string): string => `${`${name}:`.padEnd(33)} ${value}`;

/** A value as masq shows it; nested values of a group are whatever JSON the Node sent. */
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

function group(title: string, obj: Record<string, unknown> | null | undefined, unit: string): string[] {
  if (!obj) return [pair(title, '[?]')];
  return [pair(title, ''), ...Object.entries(obj).map(([k, v]) => pair(`  ${k.replace(/([A-Z])/g, ' $1').toLowerCase()}`, `${text(v)} ${unit}`.trim()))];
}

export function configurationDump(c: Answers['configuration']): string {
  const show = (v: string | number | null | undefined, dflt = '[?]'): string => (v === undefined || v === null || v === '' ? dflt : `${v}`);
  const lines = [
    pair('NAME', 'VALUE'),
    pair('Blockchain service URL', show(c.blockchainServiceUrlOpt)),
    pair('Chain', show(c.chainName)),
    pair('Clandestine port', show(c.clandestinePort)),
    pair('Consuming wallet private key', show(c.consumingWalletPrivateKeyOpt)),
    pair('Current schema version', show(c.currentSchemaVersion)),
    pair('Earning wallet address', show(c.earningWalletAddressOpt)),
    pair('Exit location', show(c.exitLocation, '[Unset]')),
    pair('Gas price', show(c.gasPrice)),
    pair('Link mask', show(c.linkMask)),
    pair('Max block count', show(c.maxBlockCount, '[Unlimited]')),
    pair('Neighborhood mode', show(c.neighborhoodMode)),
    pair('Port mapping protocol', show(c.portMappingProtocol)),
    pair('Start block', show(c.startBlock, '[Latest]')),
  ];
  const past = c.pastNeighbors;
  if (!past) lines.push(pair('Past neighbors', '[?]'));
  else if (past.length === 0) lines.push(pair('Past neighbors', '[None]'));
  else lines.push(pair('Past neighbors', past[0] ?? ''), ...past.slice(1).map((d) => pair('', d)));
  lines.push(...group('Payment thresholds', c.paymentThresholds, ''), ...group('Rate pack', c.ratePack, 'wei'), ...group('Scan intervals', c.scanIntervals, 's'));
  return lines.join('\n');
}

const STAGES: Record<ConnectionStage, string> = {
  NotConnected: 'NotConnected: No external neighbor is connected to us.',
  ConnectedToNeighbor: 'ConnectedToNeighbor: External neighbor(s) are connected to us.',
  RouteFound: 'RouteFound: You can relay data over the network.',
};

export function connectionStatus(stage: ConnectionStage): string {
  return STAGES[stage];
}

export function crashed(p: CrashedPayload): string {
  if (p.crashReason === 'DaemonCrashed') return 'The Daemon is no longer running; masq is terminating.';
  let reason = '.';
  if (typeof p.crashReason === 'object') {
    const text = 'ChildWaitFailure' in p.crashReason ? p.crashReason.ChildWaitFailure : p.crashReason.Unrecognized;
    reason = `:\n------\n${text}\n------`;
  }
  return `The Node running as process ${p.processId} terminated${reason}\nThe Daemon is once more accepting setup changes.`;
}

const CONNECTION_CHANGES: Record<ConnectionStage, string> = {
  RouteFound: 'RouteFound: You can now relay data over the network.',
  ConnectedToNeighbor: 'ConnectedToNeighbor: Established neighborship with an external node.',
  NotConnected: 'NotConnected: The Node has lost its connection to the network.',
};

/** Text for a broadcast in interactive mode, and whether it goes to stderr. */
export function broadcast(b: Broadcast): { text: string; stderr: boolean } {
  switch (b.opcode) {
    case 'logBroadcast':
      return { text: `\n\n>>  ${b.payload.logLevel}: ${b.payload.msg}`, stderr: false };
    case 'setup':
      return { text: `Daemon setup has changed:\n${setupTable(b.payload)}`, stderr: false };
    case 'crashed':
      return { text: crashed(b.payload), stderr: false };
    case 'newPassword':
      return { text: "The Node's database password has changed.", stderr: false };
    case 'configurationChanged':
      return { text: "The Node's configuration has changed.", stderr: false };
    case 'undelivered':
      return { text: `Cannot handle ${b.payload.opcode} request: Node is not running.`, stderr: false };
    case 'connectionChange':
      return { text: CONNECTION_CHANGES[b.payload.stage], stderr: false };
    default:
      // redirect (the client follows it) and unmarshalError (an answer to garbage masq never sends).
      return unrecognized(b.opcode);
  }
}

/** A message masq does not know, or whose payload does not fit the catalogue. */
export function unrecognized(opcode: string): { text: string; stderr: boolean } {
  return { text: `Discarding unrecognized broadcast with opcode '${opcode}'`, stderr: true };
}

const PROTOCOL_LABELS: Record<string, string> = { pcp: 'PCP', pmp: 'NAT-PMP', igdp: 'UPnP IGD' };

/** What masq automap prints for the Node's automapStatus answer. */
export function automapText(r: AutomapAnswer, nowMs: number): string {
  const line = (label: string, value: string): string => `${`${label}:`.padEnd(17)}${value}`;
  const label = (protocol: string): string => PROTOCOL_LABELS[protocol] ?? protocol;
  if (r.state === 'off') return line('Port mapping', 'not used') + '\n' + line('Why', r.summary);
  const tried = r.attempts.map((a) => `${label(a.protocol)}: ${a.message}`);
  if (r.state === 'mapped') {
    const renew = typeof r.renewAtMs === 'number' ? `renews in ${Math.max(0, Math.round((r.renewAtMs - nowMs) / 1000))} s` : 'permanent: never renewed';
    return [
      line('Port mapping', `${label(r.protocol)} on router ${r.router}`),
      line('Public address', `${r.publicAddress}:${r.externalPort} (to port ${r.internalPort})`),
      line('Lease', r.lifetimeSec === 0 ? renew : `${r.lifetimeSec} s, ${renew}`),
      ...(tried.length > 0 ? [line('Tried first', tried.join('; '))] : []),
    ].join('\n');
  }
  return [
    line('Port mapping', `failed (${r.cause})`),
    line('Why', r.summary),
    line('What to do', r.fix),
    ...(tried.length > 0 ? [line('Tried', tried.join('; '))] : []),
  ].join('\n');
}
