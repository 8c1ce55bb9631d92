// How masq prints what the Daemon and Node answer, in MASQ's words (docs/MASQ-COMPATIBILITY.md). Pure text.

import type { CrashedPayload, SetupResponse, UiMessage } from '../ui/index.js';

export function setupTable(r: SetupResponse): string {
  const lines = [`${'NAME'.padEnd(29)} ${'VALUE'.padEnd(64)} STATUS`];
  for (const v of r.values) lines.push(`${v.name.padEnd(29)} ${v.value.padEnd(64)} ${v.status}`);
  if (r.errors.length > 0) {
    lines.push('', 'ERRORS:');
    for (const [name, why] of r.errors) lines.push(`${name.padEnd(29)} ${why}`);
  }
  if (r.running) lines.push('', 'NOTE: no changes were made to the setup because the Node is currently running.');
  const changed = r.values.some((v) => (v.name === 'chain' || v.name === 'data-directory') && v.status !== 'Default');
  if (changed) lines.push('', 'NOTE: your data directory was modified to match the chain parameter.');
  return lines.join('\n');
}

const pair = (name: string, value: string): string => `${`${name}:`.padEnd(33)} ${value}`;

function group(title: string, obj: unknown, unit: string): string[] {
  if (!obj || typeof obj !== 'object') return [pair(title, '[?]')];
  const entries = Object.entries(obj as Record<string, unknown>);
  return [pair(title, ''), ...entries.map(([k, v]) => pair(`  ${k.replace(/([A-Z])/g, ' $1').toLowerCase()}`, `${String(v)} ${unit}`.trim()))];
}

export function configurationDump(c: Record<string, unknown>): string {
  const show = (v: unknown, dflt = '[?]'): string => (v === undefined || v === null || v === '' ? dflt : String(v));
  const lines = [
    pair('NAME', 'VALUE'),
    pair('Blockchain service URL', show(c.blockchainServiceUrlOpt)),
    pair('Chain', show(c.chainName)),
    pair('Clandestine port', show(c.clandestinePort)),
    pair('Consuming wallet private key', show(c.consumingWalletPrivateKeyOpt)),
    pair('Current schema version', show(c.currentSchemaVersion)),
    pair('Earning wallet address', show(c.earningWalletAddressOpt)),
    pair('Gas price', show(c.gasPrice)),
    pair('Max block count', show(c.maxBlockCount, '[Unlimited]')),
    pair('Neighborhood mode', show(c.neighborhoodMode)),
    pair('Port mapping protocol', show(c.portMappingProtocol)),
    pair('Start block', show(c.startBlock, '[Latest]')),
  ];
  const past = Array.isArray(c.pastNeighbors) ? (c.pastNeighbors as string[]) : undefined;
  if (!past) lines.push(pair('Past neighbors', '[?]'));
  else if (past.length === 0) lines.push(pair('Past neighbors', '[None]'));
  else lines.push(pair('Past neighbors', past[0] ?? ''), ...past.slice(1).map((d) => pair('', d)));
  lines.push(...group('Payment thresholds', c.paymentThresholds, ''), ...group('Rate pack', c.ratePack, 'wei'), ...group('Scan intervals', c.scanIntervals, 's'));
  return lines.join('\n');
}

const STAGES: Record<string, string> = {
  NotConnected: 'NotConnected: No external neighbor is connected to us.',
  ConnectedToNeighbor: 'ConnectedToNeighbor: External neighbor(s) are connected to us.',
  RouteFound: 'RouteFound: You can relay data over the network.',
};

export function connectionStatus(stage: unknown): string {
  return STAGES[String(stage)] ?? `Unknown connection stage '${String(stage)}'`;
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

/** Text for a broadcast in interactive mode, and whether it goes to stderr. */
export function broadcast(msg: UiMessage): { text: string; stderr: boolean } {
  const p = (msg.payload ?? {}) as Record<string, unknown>;
  switch (msg.opcode) {
    case 'logBroadcast':
      return { text: `\n\n>>  ${String(p.logLevel)}: ${String(p.msg)}`, stderr: false };
    case 'setup':
      return { text: `Daemon setup has changed:\n${setupTable(p as unknown as SetupResponse)}`, stderr: false };
    case 'crashed':
      return { text: crashed(p as unknown as CrashedPayload), stderr: false };
    case 'newPassword':
      return { text: "The Node's database password has changed.", stderr: false };
    case 'undelivered':
      return { text: `Cannot handle ${String(p.opcode)} request: Node is not running.`, stderr: false };
    case 'connectionChange':
      return {
        text: p.stage === 'RouteFound'
          ? 'RouteFound: You can now relay data over the network.'
          : p.stage === 'ConnectedToNeighbor' ? 'ConnectedToNeighbor: Established neighborship with an external node.' : 'NotConnected: The Node has lost its connection to the network.',
        stderr: false,
      };
    default:
      return { text: `Discarding unrecognized broadcast with opcode '${msg.opcode}'`, stderr: true };
  }
}

const PROTOCOL_LABELS: Record<string, string> = { pcp: 'PCP', pmp: 'NAT-PMP', igdp: 'UPnP IGD' };

/** What masq automap prints for the Node's automapStatus answer. */
export function automapText(r: Record<string, unknown>, nowMs: number): string {
  const line = (label: string, value: string): string => `${`${label}:`.padEnd(17)}${value}`;
  const summary = String(r.summary ?? '');
  if (r.state === 'off') return line('Port mapping', 'not used') + '\n' + line('Why', summary);
  const attempts = Array.isArray(r.attempts) ? (r.attempts as Array<Record<string, unknown>>) : [];
  const tried = attempts.map((a) => `${PROTOCOL_LABELS[String(a.protocol)] ?? String(a.protocol)}: ${String(a.message)}`);
  if (r.state === 'mapped') {
    const lifetime = Number(r.lifetimeSec);
    const renew = typeof r.renewAtMs === 'number' ? `renews in ${Math.max(0, Math.round((r.renewAtMs - nowMs) / 1000))} s` : 'permanent: never renewed';
    return [
      line('Port mapping', `${PROTOCOL_LABELS[String(r.protocol)] ?? String(r.protocol)} on router ${String(r.router)}`),
      line('Public address', `${String(r.publicAddress)}:${String(r.externalPort)} (to port ${String(r.internalPort)})`),
      line('Lease', lifetime === 0 ? renew : `${lifetime} s, ${renew}`),
      ...(tried.length > 0 ? [line('Tried first', tried.join('; '))] : []),
    ].join('\n');
  }
  return [
    line('Port mapping', `failed (${String(r.cause)})`),
    line('Why', summary),
    line('What to do', String(r.fix ?? '')),
    ...(tried.length > 0 ? [line('Tried', tried.join('; '))] : []),
  ].join('\n');
}
