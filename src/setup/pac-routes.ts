// The box as its local network's proxy: the PAC file devices fetch (GET /proxy.pac, and /wpad.dat for WPAD), and
// the dashboard's card about it and the whole-home DNS mode. They read lan-consuming, lan-dns and proxy-port from the
// Daemon's setup, as the status card reads the mode; the password only as whether one is set (the Daemon censors it).

import { isIP } from 'node:net';
import { PROXY_USER } from '../config/index.js';
import type { LanPanel } from './api.js';
import { type PageContext, pageError } from './context.js';
import { unmappedIPv4 as plainAddress } from '../address-ranges/index.js';
import type { Call, Handlers } from './handler.js';
import { PAC_CONTENT_TYPE, pacScript } from './pac.js';

async function lanSetup(ctx: PageContext): Promise<{ on: boolean; port: number; passwordSet: boolean; pageOnLan: boolean; dns: boolean }> {
  const values = (await ctx.link.daemon('setup', { values: [] })).values;
  const value = (name: string): string => values.find((v) => v.name === name)?.value ?? '';
  return { on: value('lan-consuming') === 'on', port: Number(value('proxy-port')), passwordSet: value('proxy-password') !== '', pageOnLan: value('setup-page-lan') === 'on', dns: value('lan-dns') === 'on' };
}

/** The box's address as the browser reaches it, when that is IPv4 (the proxy listens on IPv4 only). */
const ipv4Local = (local: string | undefined): string | undefined => {
  const a = local === undefined ? undefined : plainAddress(local);
  return a !== undefined && isIP(a) === 4 ? a : undefined;
};

export function pacRoutes(ctx: PageContext): Handlers {
  const pac = async ({ reply, local }: Call): Promise<Buffer> => {
    const lan = await lanSetup(ctx);
    if (!lan.on) {
      throw pageError(404, 'LAN_CONSUMING_OFF', 'This box serves no proxy to its local network: lan-consuming is off.', { fix: 'Turn it on in the dashboard\'s card "Use the box from your devices", or run masq setup --lan-consuming on, and restart the Node.' });
    }
    const script = pacScript({ address: ipv4Local(local) ?? plainAddress(local ?? ''), proxyPort: lan.port, boxNames: [ctx.boxName] });
    // Never cached: a device that keeps an old file would keep a proxy address the box no longer has.
    void reply.header('content-type', PAC_CONTENT_TYPE).header('cache-control', 'no-cache');
    // As bytes: fastify would add a charset to a string's content type.
    return Buffer.from(script);
  };
  return {
    proxyPac: pac,
    wpad: pac,
    async panelLan({ local }): Promise<LanPanel> {
      const lan = await lanSetup(ctx);
      const address = ipv4Local(local);
      return { lanConsuming: lan.on, boxName: ctx.boxName, ...(address ? { address } : {}), proxyPort: lan.port, user: PROXY_USER, passwordSet: lan.passwordSet, pageOnLan: lan.pageOnLan, lanDns: lan.dns, dnsPorts: ctx.dnsPorts?.() ?? false };
    },
  };
}
