// A scripted radio for masq-wifi's tests (no radio exists on the test machine): scans answer a set list, the
// hotspot and the client are flags and recorded calls, and each wpa_supplicant the manager starts is handed to
// the test, which makes it print the lines a real one would. Time is manual: nothing waits for real.

import { type Clock, createLogCore, createLogger, type Timers } from '../../src/system/index.js';
import type { WifiNetwork } from '../../src/wifi/api.js';
import type { LineProcess, NetworkFacts, OnExit, OnLine, Radio } from '../../src/wifi/radio.js';
import type { HotspotSettings } from '../../src/wifi/render.js';
import type { SetupCodeAnswer } from '../../src/wifi/hotspot-code.js';
import { JOIN_LIMITS } from '../../src/wifi/join.js';
import { WifiManager } from '../../src/wifi/manager.js';
import type { WifiState } from '../../src/wifi/state-file.js';

/** A clock and timers the test moves by hand. */
export class ManualTime implements Clock, Timers {
  t = 1_000_000;
  private due: Array<{ f: () => void; at: number }> = [];

  now(): number {
    return this.t;
  }

  setTimeout(f: () => void, ms: number): unknown {
    const h = { f, at: this.t + ms };
    this.due.push(h);
    return h;
  }

  clearTimeout(h: unknown): void {
    this.due = this.due.filter((d) => d !== h);
  }

  /** Moves time forward by ms, running each timer at its moment and letting the promises it starts settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.due.sort((a, b) => a.at - b.at);
      const next = this.due[0];
      if (!next || next.at > end) break;
      this.due.shift();
      this.t = Math.max(this.t, next.at);
      next.f();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** Lets every promise chain that can move, move (the radio's fakes resolve at once). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
}

export class FakeClient implements LineProcess {
  stopped = false;
  constructor(readonly conf: string, private readonly line: OnLine, private readonly exit: OnExit) {}

  say(...lines: string[]): void {
    for (const l of lines) this.line(l);
  }

  /** It dies by itself. */
  die(why = 'wpa_supplicant exited (code 1)'): void {
    this.stopped = true;
    this.exit(why);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

export class FakeRadio implements Radio {
  isPresent = true;
  networksInRange: WifiNetwork[] = [{ ssid: 'Home', signalDbm: -50, security: 'wpa2' }, { ssid: 'Cafe', signalDbm: -70, security: 'open' }];
  scanFails = false;
  saved: string | undefined;
  /** wlan0's address as a client. */
  addr: string | undefined;
  /** Wired addresses. */
  wired: string[] = [];
  hotspot: HotspotSettings | undefined;
  hotspotStarts = 0;
  hotspotLine: OnLine | undefined;
  country = '';
  scans: boolean[] = [];
  /** Whether a wpa_supplicant ever started while the hotspot was up (they cannot share the radio). */
  clientBesideHotspot = false;
  clients: FakeClient[] = [];
  /** Called with each client as it starts, to script its lines. */
  onClient: (c: FakeClient) => void = () => undefined;

  present(): boolean {
    return this.isPresent;
  }

  mac(): string | undefined {
    return this.isPresent ? 'b8:27:eb:12:ab:cd' : undefined;
  }

  async scan(fromHotspot: boolean): Promise<WifiNetwork[]> {
    this.scans.push(fromHotspot);
    if (this.scanFails) throw new Error('iw dev wlan0 scan failed: Device or resource busy (-16)');
    return this.networksInRange;
  }

  async setCountry(country: string): Promise<void> {
    this.country = country;
  }

  async startHotspot(h: HotspotSettings, onLine: OnLine): Promise<void> {
    this.hotspot = h;
    this.hotspotStarts++;
    this.hotspotLine = onLine;
  }

  async stopHotspot(): Promise<void> {
    this.hotspot = undefined;
  }

  async startClient(conf: string, onLine: OnLine, onExit: OnExit): Promise<LineProcess> {
    const c = new FakeClient(conf, onLine, onExit);
    if (this.hotspot) this.clientBesideHotspot = true;
    this.clients.push(c);
    queueMicrotask(() => this.onClient(c));
    return c;
  }

  /** The running client, if any. */
  client(): FakeClient | undefined {
    return this.clients.filter((c) => !c.stopped).at(-1);
  }

  address(): string | undefined {
    return this.addr;
  }

  readSaved(): string | undefined {
    return this.saved;
  }

  async writeSaved(conf: string): Promise<void> {
    this.saved = conf;
  }

  facts(): NetworkFacts {
    return { wired: this.wired, wifi: this.addr && !this.hotspot ? [this.addr] : [] };
  }
}

/** A manager on the scripted radio, with its state in memory and its log lines kept (secrets already scrubbed). */
export function scriptedManager(radio: FakeRadio, time: ManualTime, opts: { delayMs?: number; setupCode?: SetupCodeAnswer | Error; state?: WifiState } = {}): {
  manager: WifiManager; state(): WifiState; logs: string[]; secrets: Set<string>;
} {
  const core = createLogCore('debug', { write: (l) => void logs.push(l) });
  const logs: string[] = [];
  const box = { state: opts.state ?? { country: '' } };
  const setupCode = opts.setupCode ?? { code: 'ABCD-EFGH' };
  const manager = new WifiManager({
    radio, clock: time, timers: time, log: createLogger(core, 'wifi'), hostname: 'masq-3f2a',
    hotspotAddress: '192.168.4.1', facts: () => radio.facts(),
    state: { load: () => box.state, save: (s) => { box.state = s; } },
    statePath: '/var/lib/masq-wifi/state.json',
    hideSecret: (s) => core.secrets.add(s),
    setupCode: async () => {
      if (setupCode instanceof Error) throw setupCode;
      return setupCode;
    },
    policy: { delayMs: opts.delayMs ?? 60_000, lookMs: 300_000 },
    join: JOIN_LIMITS, tickMs: 2000, retryMs: 30_000, iface: 'wlan0', channel: 6, scanMaxAgeMs: 30_000, answerGraceMs: 1000,
  });
  return { manager, state: () => box.state, logs, secrets: core.secrets };
}

/** A manager started on a scripted radio (a fresh one unless given), stopped when the test ends. */
export function booted(t: { after(f: () => Promise<void>): void }, opts: Parameters<typeof scriptedManager>[2] & { saved?: string; radio?: FakeRadio; time?: ManualTime } = {}) {
  const radio = opts.radio ?? new FakeRadio();
  const time = opts.time ?? new ManualTime();
  if (opts.saved !== undefined) radio.saved = opts.saved;
  const box = scriptedManager(radio, time, opts);
  box.manager.start();
  t.after(() => box.manager.stop());
  return { radio, time, ...box };
}
