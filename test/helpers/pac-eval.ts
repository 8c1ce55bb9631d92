// A PAC file run for real: its FindProxyForURL evaluated in node:vm with the standard PAC helper functions, as a
// browser runs it. Names resolve only through the resolver a test gives, and every lookup is recorded, so a test
// sees whether the file made the device ask its DNS about a site.

import { Script, createContext } from 'node:vm';
import { isIP } from 'node:net';

export interface PacWorld {
  /** What dnsResolve answers for a name; unknown names resolve to nothing. */
  names?: Readonly<Record<string, string>>;
  /** The device's own address (myIpAddress). */
  myIp?: string;
}

const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

export class PacRunner {
  /** Names the file asked to resolve, in order. */
  readonly lookups: string[] = [];
  private readonly findProxy: (url: string, host: string) => unknown;

  constructor(script: string, world: PacWorld = {}) {
    const dnsResolve = (host: string): string | null => {
      if (isIP(host) === 4) return host;
      this.lookups.push(host);
      return world.names?.[host] ?? null;
    };
    const helpers = {
      isPlainHostName: (host: string) => !host.includes('.'),
      dnsDomainIs: (host: string, domain: string) => host.endsWith(domain),
      dnsResolve,
      isInNet: (host: string, pattern: string, mask: string) => {
        const ip = dnsResolve(host);
        if (ip === null) return false;
        const m = toInt(mask);
        return ((toInt(ip) & m) >>> 0) === ((toInt(pattern) & m) >>> 0);
      },
      shExpMatch: (text: string, pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(text),
      myIpAddress: () => world.myIp ?? '127.0.0.1',
    };
    const context = createContext({ ...helpers });
    new Script(script, { filename: 'proxy.pac' }).runInContext(context, { timeout: 1000 });
    const fn = (context as { FindProxyForURL?: unknown }).FindProxyForURL;
    if (typeof fn !== 'function') throw new Error('The PAC file defines no FindProxyForURL');
    this.findProxy = fn as (url: string, host: string) => unknown;
  }

  /** What the file says for a URL: "DIRECT" or "PROXY a:p; SOCKS5 a:p", with the host as a browser passes it. */
  forUrl(url: string): string {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return String(this.findProxy(url, host));
  }
}

/** The first PROXY entry of a FindProxyForURL answer, as host and port. */
export function firstProxy(answer: string): { host: string; port: number } | undefined {
  const m = /(?:^|;)\s*PROXY\s+([0-9.]+):([0-9]+)/.exec(answer);
  return m ? { host: m[1] as string, port: Number(m[2]) } : undefined;
}
