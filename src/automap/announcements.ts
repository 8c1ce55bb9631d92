// Routers announce a new external address to 224.0.0.1:5350 (NAT-PMP, RFC 6886 §3.2.1; PCP ANNOUNCE, RFC 6887
// §14.1). Listening for them lets the Node learn of a change at once instead of at its next poll. The datagram
// is only a hint: nothing in it is trusted, the address is asked for again over the mapping protocol.

import { type Socket, createSocket } from 'node:dgram';
import { describeError, type Logger } from '../system/index.js';

export const ANNOUNCE_GROUP = '224.0.0.1';
export const ANNOUNCE_PORT = 5350;
/** Larger than any PCP message (1100 bytes): not an announcement. */
const MAX_ANNOUNCE_BYTES = 1100;

export interface AnnouncementListener {
  close(): void;
}

/** Calls `heard(sender)` for each plausible announcement; if the port cannot be had, logs and listens to nothing. */
export function listenForAnnouncements(heard: (from: string) => void, log: Logger, port = ANNOUNCE_PORT): AnnouncementListener {
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  let open = true;
  socket.on('message', (msg, rinfo) => {
    if (msg.length >= 2 && msg.length <= MAX_ANNOUNCE_BYTES) heard(rinfo.address);
  });
  socket.on('error', (e) => {
    log.debug(`Not listening for router announcements: ${describeError(e)}`);
    if (open) socket.close();
    open = false;
  });
  socket.bind(port, () => {
    try {
      socket.addMembership(ANNOUNCE_GROUP);
    } catch (e) {
      // No multicast route (no LAN yet): the address is still polled.
      log.debug(`Not joining ${ANNOUNCE_GROUP}: ${describeError(e)}`);
    }
  });
  socket.unref();
  return {
    close() {
      if (open) socket.close();
      open = false;
    },
  };
}
