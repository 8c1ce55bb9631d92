// The setup page's server with a scripted masq-wifi: the networks in range are plain values and each join's outcome
// is the next of a script, reported after `joinMs` as the real manager reports it (status.lastJoin). `onHotspot`
// lets a test take the page's link down while the box tries a network, as the one radio does, and up again after
// (the hotspot back after a failure; after a success, the network the phone would then be on).

import { createLogCore, createLogger } from '../../src/system/index.js';
import { buildPageServer, type PageServer } from '../../src/setup/server.js';
import { Sessions } from '../../src/setup/sessions.js';
import { loadStaticFiles } from '../../src/setup/static-files.js';
import type { JoinOutcome, JoinRequest, WifiControl, WifiNetwork, WifiStatus } from '../../src/wifi/index.js';
import { ScriptedBox, TestClock } from './setup-page.js';

export const HOTSPOT = { ssid: 'MASQ-Setup-7F3A', address: '192.168.4.1' };
export const BOX_NAME = 'masq-7f3a.local';

/** Names a page must show as text: markup, an emoji, one of exactly 32 bytes, quotes, and an open network. */
export const ODD_NETWORKS: WifiNetwork[] = [
  { ssid: 'HomeNet', signalDbm: -48, security: 'wpa2' },
  { ssid: '<b>x</b>', signalDbm: -61, security: 'wpa2/wpa3' },
  { ssid: 'Café ☕ 🏠', signalDbm: -70, security: 'wpa3' },
  { ssid: 'A'.repeat(32), signalDbm: -83, security: 'wpa' },
  { ssid: '"quoted" <script>window.__x=1</script>', signalDbm: -88, security: 'wpa2' },
  { ssid: 'Library guests', signalDbm: -55, security: 'open' },
];

const MESSAGES: Record<JoinOutcome, string> = {
  joined: 'Joined.', 'wrong-password': 'The password was not accepted.', 'not-found': 'No network of that name answered.',
  'no-lease': 'No address from DHCP.', failed: 'The radio refused to start.',
};

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A connection error as node:net gives it for a socket file that is not there. */
export const noSocket = (): Error => Object.assign(new Error('connect ENOENT /run/masq-wifi/api.sock'), { code: 'ENOENT' });

export class ScriptedWifi implements WifiControl {
  networksInRange: WifiNetwork[] = ODD_NETWORKS;
  /** The outcomes of the next joins, in order; 'joined' once it is empty. */
  outcomes: JoinOutcome[] = [];
  joinMs = 300;
  /** Thrown by every call: the manager's socket is not there. */
  missing = false;
  readonly joins: JoinRequest[] = [];
  onHotspot: (up: boolean) => Promise<void> = async () => undefined;
  private state: WifiStatus = { mode: 'hotspot', hotspot: HOTSPOT, addresses: [], country: '', name: BOX_NAME, radio: true };

  async status(): Promise<WifiStatus> {
    this.check();
    return structuredClone(this.state);
  }

  async networks(): Promise<WifiNetwork[]> {
    this.check();
    return structuredClone(this.networksInRange);
  }

  async join(req: JoinRequest): Promise<WifiStatus> {
    this.check();
    this.joins.push(req);
    this.state = { ...this.state, mode: 'joining', country: req.country };
    const outcome = this.outcomes.shift() ?? 'joined';
    void (async () => {
      // The manager answers first, then the radio leaves the hotspot.
      await pause(100);
      await this.onHotspot(false);
      await pause(this.joinMs);
      const joined = outcome === 'joined';
      this.state = {
        ...this.state, mode: joined ? 'online' : 'hotspot', addresses: joined ? ['192.168.1.57'] : [], ...(joined ? { ssid: req.ssid } : {}),
        lastJoin: { outcome, ssid: req.ssid, name: BOX_NAME, message: MESSAGES[outcome], at: Date.now(), ...(joined ? { address: '192.168.1.57' } : {}) },
      };
      await this.onHotspot(true);
    })();
    return structuredClone(this.state);
  }

  private check(): void {
    if (this.missing) throw noSocket();
  }
}

export interface WifiPage { page: PageServer; box: ScriptedBox; clock: TestClock; close(): Promise<void> }

/**
 * The page server with these files, the LAN on (a phone on the hotspot is a LAN peer) and the hotspot's address its
 * own; every line it logs is added to `logLines`.
 */
export function wifiPage(webRoot: string, wifi: WifiControl | undefined, logLines: string[] = [], box = new ScriptedBox()): WifiPage {
  const clock = new TestClock();
  const log = createLogger(createLogCore('trace', { write: (l) => void logLines.push(l) }), 'Setup');
  const page = buildPageServer({
    link: box, sessions: new Sessions(clock), clock, log, boxName: 'masq-7f3a', version: '0.0.0',
    system: { readText: async () => '', diskOf: async () => ({ total: 1, free: 1 }), memory: () => ({ total: 1, available: 1 }), uptimeS: () => 1, load1: () => 0 },
    diskPath: '/', testChain: async () => { throw new Error('no chain in this test'); }, ...(wifi ? { wifi } : {}),
  }, { files: loadStaticFiles(webRoot), lan: () => true, ownNames: () => new Set(['localhost', '127.0.0.1', HOTSPOT.address, BOX_NAME]) });
  return { page, box, clock, close: async () => { page.closeStreams(); await page.app.close(); } };
}
