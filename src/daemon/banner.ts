// The setup code on the box's own screen while it is unclaimed: <runtime dir>/setup-code.issue, which the
// package links as /etc/issue.d/masq-setup.issue (agetty shows it above the login prompt) and a motd script prints.
// agetty expands backslash escapes in issue files, so the text holds none.

import { rmSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { formatCode } from './setup-code.js';

export const BANNER_FILE = 'setup-code.issue';

export interface BannerFacts {
  code: string;
  hostname: string;
  /** The box's own IPv4 addresses on its networks. */
  addresses: readonly string[];
  /** Whether the setup page answers the local network (setup-page-lan). */
  lan: boolean;
}

/** Two or three lines: the code, and where to type it. */
export function bannerText(f: BannerFacts): string {
  // Only what agetty prints as it is: no backslash (its escapes), no control characters.
  const clean = (s: string): string => s.replace(/[^\x20-\x5b\x5d-\x7e]/g, '');
  const host = clean(f.hostname).replace(/\.local$/, '');
  const lines = [`MASQ setup code: ${clean(formatCode(f.code))}`];
  const urls = [...(host ? [`http://${host}.local/`] : []), ...f.addresses.map((a) => `http://${clean(a)}/`)];
  if (!f.lan) {
    lines.push('The setup page answers this machine only (setup-page-lan is off): run masq setup --setup-page-lan on to open it from a phone.');
  } else if (urls.length > 0) {
    lines.push(`Claim this box: open ${urls.slice(0, 3).join(' or ')} on a phone or computer of this network and type the code.`);
  } else {
    lines.push('Claim this box: connect it to your network, then open http://<its address>/ on a phone and type the code.');
  }
  return `${lines.join('\n')}\n\n`;
}

export function ownAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) out.push(i.address);
  }
  return out;
}

export interface Banner {
  show(code: string, lan: boolean): void;
  hide(): void;
}

/** Writes the banner in the runtime directory; does nothing without one (a Daemon outside systemd). */
export class IssueBanner implements Banner {
  private last: string | undefined;

  constructor(private readonly runtimeDirectory: string | undefined, private readonly warn: (msg: string) => void) {}

  show(code: string, lan: boolean): void {
    if (!this.runtimeDirectory) return;
    let addresses: string[] = [];
    try {
      addresses = ownAddresses();
    } catch (e) {
      // Without the addresses the banner still gives the code, and says how to find the page.
      this.warn(`Cannot list this machine's addresses for the setup code banner: ${(e as Error).message}`);
    }
    const text = bannerText({ code, hostname: hostname(), addresses, lan });
    if (text === this.last) return;
    const file = join(this.runtimeDirectory, BANNER_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      // The runtime directory (0750, masq-admin) decides who reads it; agetty and the motd script run as root.
      writeFileSync(tmp, text, { mode: 0o644 });
      renameSync(tmp, file);
      this.last = text;
    } catch (e) {
      rmSync(tmp, { force: true });
      this.warn(`Cannot write the setup code banner ${file}: ${(e as Error).message}`);
    }
  }

  hide(): void {
    this.last = undefined;
    if (!this.runtimeDirectory) return;
    try {
      rmSync(join(this.runtimeDirectory, BANNER_FILE), { force: true });
    } catch (e) {
      this.warn(`Cannot remove the setup code banner: ${(e as Error).message}`);
    }
  }
}
