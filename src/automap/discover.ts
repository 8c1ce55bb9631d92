// SSDP discovery of the router's IGD: M-SEARCH for every target, then the first acceptable reply from the router.
// Replies from other machines are not looked at; malformed ones from the router are remembered for the error.

import { createSocket } from 'node:dgram';
import { AutomapError } from './errors.js';
import { SEARCH_TARGETS, SSDP_ADDRESS, SSDP_PORT, encodeSearch, parseSsdpReply, type SsdpReply } from './ssdp.js';

export const DISCOVERY_MS = 2500;

export interface DiscoveryOptions {
  /** Where M-SEARCH goes; tests use a unicast address and port. */
  ssdpAddress?: string;
  ssdpPort?: number;
  timeoutMs?: number;
}

export function discoverIgd(router: string, opts: DiscoveryOptions = {}): Promise<SsdpReply> {
  const address = opts.ssdpAddress ?? SSDP_ADDRESS;
  const port = opts.ssdpPort ?? SSDP_PORT;
  const timeoutMs = opts.timeoutMs ?? DISCOVERY_MS;
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    let refusal: AutomapError | undefined;
    let again: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (err: unknown, reply?: SsdpReply): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(again);
      socket.close();
      if (err !== undefined) reject(err);
      else resolve(reply as SsdpReply);
    };
    const deadline = setTimeout(() => finish(refusal ?? new AutomapError('no-answer', `No UPnP gateway at ${router} answered SSDP discovery within ${timeoutMs} ms.`)), timeoutMs);
    socket.on('error', (err) => finish(new AutomapError('no-answer', `SSDP discovery failed: ${err.message}.`)));
    socket.on('message', (msg, from) => {
      if (from.address !== router) return;
      try {
        finish(undefined, parseSsdpReply(msg, router));
      } catch (e) {
        if (e instanceof AutomapError) refusal = e;
        else finish(e);
      }
    });
    socket.bind(0, () => {
      if (done) return;
      // UPnP asks for a multicast TTL of 2 so that a search stays near the LAN.
      if (address === SSDP_ADDRESS) socket.setMulticastTTL(2);
      const search = (): void => {
        for (const target of SEARCH_TARGETS) socket.send(encodeSearch(target, `${address}:${port}`), port, address, (err) => err && finish(new AutomapError('no-answer', `SSDP discovery failed: ${err.message}.`)));
      };
      search();
      // Datagrams get lost; UPnP asks to search more than once.
      again = setTimeout(search, timeoutMs / 2);
    });
  });
}
