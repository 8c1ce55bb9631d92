// The one table of how each kind of device is pointed at the box's PAC file ("automatic proxy configuration"), as
// the menus of current versions name the steps. Pure: the dashboard's LAN card lists it, the unit test checks it.

import { localName } from './format.js';

export interface PlatformSteps {
  platform: string;
  /** The steps in order; PAC_URL_SLOT stands where the PAC file's address goes. */
  steps: readonly string[];
}

export const PAC_URL_SLOT = '{pac}';

export const PROXY_PLATFORMS: readonly PlatformSteps[] = [
  { platform: 'iPhone and iPad', steps: ['Settings → Wi-Fi: tap ⓘ next to your network.', 'Configure Proxy → Automatic.', `URL: ${PAC_URL_SLOT}, then Save.`] },
  { platform: 'Android', steps: ['Settings → Network & internet → Internet (or Wi-Fi): tap the gear next to your network, then the pencil (Edit).', 'Advanced options → Proxy → Proxy Auto-Config.', `PAC URL: ${PAC_URL_SLOT}, then Save.`] },
  { platform: 'Windows 10 and 11', steps: ['Settings → Network & internet → Proxy.', 'Automatic proxy setup → Use setup script: Set up (Windows 10: turn it on).', `Script address: ${PAC_URL_SLOT}, then Save.`] },
  { platform: 'macOS', steps: ['System Settings → Network → your Wi-Fi or Ethernet → Details…', 'Proxies → turn on Automatic proxy configuration.', `URL: ${PAC_URL_SLOT}, then OK.`] },
  { platform: 'Linux desktops (GNOME)', steps: ['Settings → Network → Network Proxy.', 'Choose Automatic.', `Configuration URL: ${PAC_URL_SLOT}.`] },
  { platform: 'Firefox, on any system', steps: ['Settings → General → Network Settings → Settings…', 'Choose Automatic proxy configuration URL.', `Enter ${PAC_URL_SLOT}, then OK. Firefox then uses its own setting, not the system's.`] },
];

/** A platform's steps with the PAC file's address in its place. */
export function stepsFor(p: PlatformSteps, pacUrl: string): string[] {
  return p.steps.map((s) => s.split(PAC_URL_SLOT).join(pacUrl));
}

/** The PAC file's addresses: by the box's .local name, and by the address this browser reached it at when known. */
export function pacUrls(boxName: string, address: string | undefined): string[] {
  return [`http://${localName(boxName)}/proxy.pac`, ...(address ? [`http://${address}/proxy.pac`] : [])];
}
