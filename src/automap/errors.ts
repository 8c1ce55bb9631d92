// The one error of the port-mapping clients. Its reason lets the status say why no protocol worked without parsing
// messages: a router that stays silent, one that refuses, one that answers with bytes we refuse, or one that does
// not offer the protocol at all.

import { MasqError } from '../system/index.js';

export type AutomapReason =
  /** Nothing came back in time, or the port was closed (ICMP unreachable). */
  | 'no-answer'
  /** A well-formed answer with an error result code or a SOAP fault. */
  | 'refused'
  /** An answer that does not parse, exceeds a limit, or does not match the request. */
  | 'malformed'
  /** The router speaks another protocol or version on that port (e.g. PCP only, no NAT-PMP). */
  | 'not-offered'
  /** The router answers but has no usable external address: its WAN link is down or it is behind another NAT. */
  | 'no-external';

export class AutomapError extends MasqError {
  constructor(readonly reason: AutomapReason, message: string, fix?: string) {
    super('AUTOMAP', message, fix ?? FIXES[reason]);
    this.name = 'AutomapError';
  }
}

const FIXES: Record<AutomapReason, string> = {
  'no-answer': 'Check that the router offers UPnP, NAT-PMP or PCP (often a "UPnP" switch in its settings), or forward the port by hand and start the Node with --ip.',
  refused: 'Enable port mapping (UPnP / NAT-PMP / PCP) for this device in the router\'s settings, or forward the port by hand and start the Node with --ip.',
  malformed: 'The router sent a reply that cannot be trusted; update its firmware or forward the port by hand and start the Node with --ip.',
  'not-offered': 'Another protocol is tried; nothing to do unless all of them fail.',
  'no-external': 'Check the router\'s internet connection; if its own external address is private, put the router in front of it in bridge mode or forward the port there too.',
};

/** A decoder's refusal: the reply is not one we accept. */
export function malformed(what: string, detail: string): AutomapError {
  return new AutomapError('malformed', `${what}: ${detail}`);
}
