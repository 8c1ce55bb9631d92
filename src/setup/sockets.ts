// Which sockets masq-setup serves on: those systemd passed in (sd_listen_fds: LISTEN_PID, LISTEN_FDS and the names
// of LISTEN_FDNAMES), or the ports its flags give. Pure: index.ts passes the environment and its process ID.

import type { Listen } from '../lan-entry/index.js';

/** systemd's first passed descriptor. */
export const SD_LISTEN_FDS_START = 3;
/** masq-setup.socket's FileDescriptorName: the page's port 80. */
export const PAGE_FD_NAME = 'page';
/** masq-lan-entry.socket's: port 443, then port 53 (UDP), in the order of its Listen lines. */
export const LAN_ENTRY_FD_NAME = 'lan-entry';
/** More passed descriptors than the two units hold means someone else's: none is taken then. */
const MAX_FDS = 8;

export interface Sockets {
  http: Listen;
  tls?: Listen;
  dns?: Listen;
  /** Whether systemd passed them. */
  passed: boolean;
}

export interface PortFlags {
  port: number;
  address: string;
  httpsPort?: number;
  dnsPort?: number;
}

export function chooseSockets(env: NodeJS.ProcessEnv, pid: number, flags: PortFlags): Sockets {
  const count = Number(env.LISTEN_FDS ?? '0');
  if (env.LISTEN_PID === String(pid) && Number.isInteger(count) && count >= 1 && count <= MAX_FDS) {
    // Without names (an older systemd, or a test's socket) the one descriptor is the page's.
    const names = (env.LISTEN_FDNAMES ?? '').split(':');
    const fds = Array.from({ length: count }, (_, i) => ({ fd: SD_LISTEN_FDS_START + i, name: names[i] ?? (i === 0 ? PAGE_FD_NAME : '') }));
    const page = fds.find((f) => f.name === PAGE_FD_NAME) ?? fds[0];
    const entry = fds.filter((f) => f.name === LAN_ENTRY_FD_NAME);
    return {
      http: { fd: (page as { fd: number }).fd },
      ...(entry[0] ? { tls: { fd: entry[0].fd } } : {}),
      ...(entry[1] ? { dns: { fd: entry[1].fd } } : {}),
      passed: true,
    };
  }
  const at = (port: number): Listen => ({ host: flags.address, port });
  return {
    http: at(flags.port),
    ...(flags.httpsPort !== undefined ? { tls: at(flags.httpsPort) } : {}),
    ...(flags.dnsPort !== undefined ? { dns: at(flags.dnsPort) } : {}),
    passed: false,
  };
}
