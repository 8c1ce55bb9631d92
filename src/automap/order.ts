// Which protocol to try first, and what to tell the user about the outcome. Pure: the clients' I/O is elsewhere.

import { whyNotPublic } from '../address-ranges/index.js';
import { AutomapError, type AutomapReason } from './errors.js';
import { MAPPING_PROTOCOLS, type Mapping, type MappingProtocol } from './types.js';

export const PROTOCOL_NAMES: Record<MappingProtocol, string> = { pcp: 'PCP', pmp: 'NAT-PMP', igdp: 'UPnP IGD' };

/** PCP, NAT-PMP, UPnP IGD, with the usual protocol (configured, or the last that worked) moved to the front. */
export function protocolOrder(usual?: MappingProtocol): MappingProtocol[] {
  return usual ? [usual, ...MAPPING_PROTOCOLS.filter((p) => p !== usual)] : [...MAPPING_PROTOCOLS];
}

/** One protocol that did not work, and why. */
export interface Attempt {
  protocol: MappingProtocol;
  error: unknown;
}

export interface AttemptSummary {
  protocol: MappingProtocol;
  reason: AutomapReason | 'error';
  message: string;
}

export interface MappedStatus {
  state: 'mapped';
  protocol: MappingProtocol;
  router: string;
  publicAddress: string;
  externalPort: number;
  internalPort: number;
  /** 0 = permanent. */
  lifetimeSec: number;
  /** When to map again (half the lifetime), ms since the epoch; null for a permanent mapping. */
  renewAtMs: number | null;
  summary: string;
  attempts: AttemptSummary[];
}

export type FailureCause = 'no-router' | 'no-answer' | 'refused' | 'malformed' | 'double-nat';

export interface FailedStatus {
  state: 'failed';
  cause: FailureCause;
  summary: string;
  fix: string;
  attempts: AttemptSummary[];
}

export type AutomapStatus = MappedStatus | FailedStatus;

export interface Outcome {
  /** The default gateway asked, or undefined when this machine has none. */
  router: string | undefined;
  mapping?: Mapping;
  /** When the mapping was granted, ms since the epoch. */
  grantedAtMs: number;
  attempts: Attempt[];
}

/** Half the granted lifetime after it was granted (at least 1 s); null for a permanent mapping. */
export function renewAt(lifetimeSec: number, grantedAtMs: number): number | null {
  return lifetimeSec === 0 ? null : grantedAtMs + Math.max(1000, (lifetimeSec * 1000) / 2);
}

function summarize(a: Attempt): AttemptSummary {
  const e = a.error;
  if (e instanceof AutomapError) return { protocol: a.protocol, reason: e.reason, message: e.message };
  return { protocol: a.protocol, reason: 'error', message: e instanceof Error ? e.message : String(e) };
}

const BEHIND_NAT = 'Put the router in front in bridge mode or forward the port on it too, or ask the provider for a public address.';
const MANUAL = 'Or forward the TCP port by hand and start the Node with --ip <public address>.';

function failed(cause: FailureCause, summary: string, fix: string, attempts: AttemptSummary[]): FailedStatus {
  return { state: 'failed', cause, summary, fix: `${fix} ${MANUAL}`, attempts };
}

export function classify(outcome: Outcome): AutomapStatus {
  const attempts = outcome.attempts.map(summarize);
  if (outcome.router === undefined) {
    return failed('no-router', 'This machine has no default IPv4 gateway, so there is no router to ask for a port mapping.', 'Check the network connection.', attempts);
  }
  const m = outcome.mapping;
  if (m) {
    const why = whyNotPublic(m.externalAddress);
    if (why) {
      return failed('double-nat', `The router ${m.router} mapped the port with ${PROTOCOL_NAMES[m.protocol]}, but its own external address ${m.externalAddress} is ${why}: it sits behind another NAT (double NAT or carrier-grade NAT), so nobody outside can reach the mapping.`,
        BEHIND_NAT, attempts);
    }
    const lease = m.lifetimeSec === 0 ? 'permanently' : `for ${m.lifetimeSec} s`;
    return {
      state: 'mapped', protocol: m.protocol, router: m.router, publicAddress: m.externalAddress, externalPort: m.externalPort, internalPort: m.internalPort,
      lifetimeSec: m.lifetimeSec, renewAtMs: renewAt(m.lifetimeSec, outcome.grantedAtMs), attempts,
      summary: `${PROTOCOL_NAMES[m.protocol]} on ${m.router} maps ${m.externalAddress}:${m.externalPort} to port ${m.internalPort} ${lease}.`,
    };
  }
  const noExternal = attempts.find((a) => a.reason === 'no-external');
  if (noExternal) {
    return failed('double-nat', `The router ${outcome.router} has no usable external address, so a mapping on it reaches nobody: usually its own internet side is private (double NAT or carrier-grade NAT), or its internet link is down. It said: ${noExternal.message}`,
      BEHIND_NAT, attempts);
  }
  const refusal = attempts.find((a) => a.reason === 'refused');
  if (refusal) {
    return failed('refused', `The router ${outcome.router} refused: ${refusal.message}`, 'Allow port mapping (UPnP / NAT-PMP / PCP) for this device in the router\'s settings.', attempts);
  }
  if (attempts.some((a) => a.reason === 'malformed' || a.reason === 'error')) {
    return failed('malformed', `The router ${outcome.router} answered with replies that were refused: ${attempts.map((a) => `${PROTOCOL_NAMES[a.protocol]}: ${a.message}`).join(' ')}`,
      'Update the router\'s firmware.', attempts);
  }
  return failed('no-answer', `The router ${outcome.router} did not answer PCP, NAT-PMP or UPnP requests.`, 'Switch on UPnP (or NAT-PMP / PCP) in the router\'s settings.', attempts);
}
