// The radio's two long-running roles, hotspot (hostapd + dnsmasq) and client (wpa_supplicant), held to what the
// policy wants: started, stopped, and started again (at most every retryMs) after a program ends by itself.
// It also counts the phones on the hotspot from hostapd's lines, which the policy needs.

import type { Clock, Logger } from '../system/index.js';
import type { PolicyAction, PolicyEvent } from './hotspot-policy.js';
import type { LineProcess, Radio } from './radio.js';
import type { HotspotSettings } from './render.js';
import { clientCopy } from './render.js';
import { parseStationEvent } from './wpa-events.js';

export interface RolesIo {
  radio: Radio;
  clock: Clock;
  log: Logger;
  /** The hotspot's settings, with its passphrase (asked for the first time, it may take a moment or fail). */
  hotspot(): Promise<HotspotSettings>;
  feed(e: PolicyEvent): void;
  /** Scans while the radio is free, so the page has the list while it is a hotspot. */
  scan(): Promise<void>;
  retryMs: number;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class Roles {
  private want: 'hotspot' | 'client' | 'none' = 'none';
  private hotspotUp = false;
  private hotspotTried = false;
  private client: LineProcess | undefined;
  private lastTry = -Infinity;
  private readonly stations = new Set<string>();

  constructor(private readonly io: RolesIo) {}

  async act(a: Exclude<PolicyAction, 'join' | 'join-saved' | 'look-for-saved'>): Promise<void> {
    switch (a) {
      case 'hotspot-up':
        this.want = 'hotspot';
        await this.stopClient();
        await this.io.scan();
        return this.upHotspot();
      case 'hotspot-down':
        this.want = 'none';
        return this.downHotspot();
      case 'client-up':
        this.want = 'client';
        return this.upClient();
      case 'client-down':
        this.want = 'none';
        return this.stopClient();
    }
  }

  /** Starts again what the policy wants and what ended by itself, at most every retryMs. */
  async retry(now: number): Promise<void> {
    if (now - this.lastTry < this.io.retryMs) return;
    if (this.want === 'hotspot' && !this.hotspotUp) await this.upHotspot();
    else if (this.want === 'client' && !this.client) await this.upClient();
  }

  /** A join's wpa_supplicant that joined: the client from now on. */
  adoptClient(c: LineProcess): void {
    this.want = 'client';
    this.client = c;
  }

  clientExited(why: string): void {
    this.client = undefined;
    if (this.want === 'client') this.io.log.warn(`${why}; the Wi-Fi client starts again shortly.`);
  }

  async stopAll(): Promise<void> {
    this.want = 'none';
    await this.stopClient();
    if (this.hotspotTried) await this.downHotspot();
  }

  private async upHotspot(): Promise<void> {
    this.lastTry = this.io.clock.now();
    this.hotspotTried = true;
    try {
      // What a hotspot that ended by itself left behind (the other program, the address, the firewall) goes first.
      await this.io.radio.stopHotspot();
      const h = await this.io.hotspot();
      await this.io.radio.startHotspot(h, (line) => this.hostapdLine(line), (why) => this.hotspotExited(why));
      this.hotspotUp = true;
      this.io.log.info(`The hotspot ${h.ssid} is up.`);
    } catch (e) {
      this.io.log.error(`The hotspot could not be started (it is tried again shortly): ${message(e)}`);
      await this.io.radio.stopHotspot().catch((e2: unknown) => this.io.log.error(`Cleaning up after it failed too: ${message(e2)}`));
    }
  }

  private async downHotspot(): Promise<void> {
    this.hotspotUp = false;
    this.stations.clear();
    await this.io.radio.stopHotspot();
  }

  private hotspotExited(why: string): void {
    if (this.want !== 'hotspot') return;
    this.hotspotUp = false;
    this.stations.clear();
    this.io.feed({ kind: 'stations', count: 0 });
    this.io.log.warn(`${why}; the hotspot starts again shortly.`);
  }

  private hostapdLine(line: string): void {
    this.io.log.debug(`hotspot: ${line}`);
    const e = parseStationEvent(line);
    if (!e) return;
    if (e.joined) this.stations.add(e.mac);
    else this.stations.delete(e.mac);
    this.io.feed({ kind: 'stations', count: this.stations.size });
  }

  private async upClient(): Promise<void> {
    this.lastTry = this.io.clock.now();
    const saved = this.io.radio.readSaved();
    const conf = saved === undefined ? undefined : clientCopy(saved);
    if (conf === undefined || this.client) return;
    this.client = await this.io.radio.startClient(conf, (line) => this.io.log.debug(`wpa_supplicant: ${line}`), (why) => this.clientExited(why));
  }

  private async stopClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.stop();
  }
}
