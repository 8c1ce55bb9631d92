// Facts about the machine that parameter defaults depend on, read once at the edge.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isIP } from 'node:net';

/** What parameter defaults may depend on, read from the machine (configuration adds the chain and stored values). */
export interface MachineFacts {
  role: 'daemon' | 'node';
  /** $HOME and $XDG_DATA_HOME of the real user. */
  home: string;
  xdgDataHome?: string;
  /** Nameservers of the system (from /etc/resolv.conf), for the Daemon's dns-servers default. */
  systemResolvers: string[];
}

const MAX_RESOLV_CONF_BYTES = 64 * 1024;

/** nameserver lines of resolv.conf text, at most 16. */
export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.slice(0, MAX_RESOLV_CONF_BYTES).split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const ip = m?.[1]?.split('%')[0];
    if (ip && isIP(ip) !== 0 && out.length < 16) out.push(ip);
  }
  return out;
}

export function systemEnvironment(role: MachineFacts['role'], env: NodeJS.ProcessEnv = process.env): MachineFacts {
  let resolvers: string[] = [];
  try {
    resolvers = parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return {
    role,
    home: env.HOME ?? homedir(),
    ...(env.XDG_DATA_HOME ? { xdgDataHome: env.XDG_DATA_HOME } : {}),
    systemResolvers: resolvers,
  };
}
