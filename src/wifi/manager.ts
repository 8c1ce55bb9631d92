// The manager: feeds the policy its events (network facts polled each tick, the page's joins, their outcomes) and
// carries out its actions on the radio, one at a time in order. It answers the API from what it holds, never
// waiting on the radio except for a scan the page asked for.

import type { Clock, Logger, Timers } from '../system/index.js';
import type { JoinRequest, JoinResult, WifiNetwork, WifiStatus } from './api.js';
import { WifiError } from './errors.js';
import { initialPolicy, type PolicyAction, type PolicyConfig, type PolicyEvent, type PolicyState, step } from './hotspot-policy.js';
import { newHotspotCode, type SetupCodeAnswer, usablePassphrase } from './hotspot-code.js';
import { boxName, hotspotSsid } from './identity.js';
import { attemptJoin, type JoinLimits, outcomeMessage } from './join.js';
import { pskOf } from './psk.js';
import type { NetworkFacts, Radio } from './radio.js';
import { clientCopy, hasNetwork, type HotspotSettings, wpaClientConf } from './render.js';
import { Roles } from './roles.js';
import type { WifiState } from './state-file.js';

export interface ManagerDeps {
  radio: Radio;
  clock: Clock;
  timers: Timers;
  log: Logger;
  hostname: string;
  hotspotAddress: string;
  /** The box's addresses now. */
  facts(): NetworkFacts;
  state: { load(): WifiState; save(s: WifiState): void };
  /** Keeps a secret out of every log line from now on. */
  hideSecret(s: string): void;
  /** What `masq setup-code` says: the hotspot's passphrase is the setup code, asked for once and remembered. */
  setupCode(): Promise<SetupCodeAnswer>;
  /** Where the state file is, for the log line that says where a new passphrase is kept. */
  statePath: string;
  policy: PolicyConfig;
  join: JoinLimits;
  tickMs: number;
  /** How soon a role that failed or ended by itself is started again. */
  retryMs: number;
  iface: string;
  channel: number;
  /** A scan older than this is made again when the page asks for the networks. */
  scanMaxAgeMs: number;
  /** How long the join's answer has to reach the phone before the hotspot goes down. */
  answerGraceMs: number;
}

/** Protections the page cannot join: WEP and enterprise need more than a password, WPA3-only the passphrase on disk. */
const UNSUPPORTED = new Set(['wep', 'enterprise', 'wpa3']);

export class WifiManager {
  private policy: PolicyState;
  private state: WifiState;
  private readonly roles: Roles;
  private queue: Promise<void> = Promise.resolve();
  private timer: unknown;
  private stopped = false;
  private readonly aborts = new AbortController();
  private joining: Promise<void> | undefined;
  private pending: { req: JoinRequest; conf: string } | undefined;
  private list: WifiNetwork[] = [];
  private scannedAt = -Infinity;
  private scanning: Promise<void> | undefined;
  private lastJoin: JoinResult | undefined;
  private radioSaid = false;
  private tickWaiting = false;

  constructor(private readonly d: ManagerDeps) {
    this.state = d.state.load();
    if (this.state.hotspotCode) d.hideSecret(this.state.hotspotCode);
    this.roles = new Roles({
      radio: d.radio, clock: d.clock, log: d.log, retryMs: d.retryMs,
      hotspot: () => this.hotspotSettings(), feed: (e) => this.feed(e), scan: () => this.scanNow(false),
    });
    const saved = d.radio.readSaved();
    const first = initialPolicy(d.clock.now(), d.radio.present(), saved !== undefined && hasNetwork(saved));
    this.policy = first.state;
    this.schedule(first.actions);
  }

  start(): void {
    if (this.state.country && this.policy.radio) this.enqueue(() => this.d.radio.setCountry(this.state.country));
    this.sayRadio();
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.d.timers.clearTimeout(this.timer);
    this.aborts.abort();
    await this.joining;
    await this.queue;
    await this.roles.stopAll();
  }

  status(): WifiStatus {
    const f = this.d.facts();
    const s: WifiStatus = {
      mode: this.policy.mode,
      hotspot: { ssid: hotspotSsid(this.d.hostname, this.d.radio.mac()), address: this.d.hotspotAddress },
      addresses: this.policy.mode === 'online' ? [...f.wired, ...f.wifi] : [],
      country: this.state.country,
      name: boxName(this.d.hostname),
      radio: this.policy.radio,
    };
    if (this.policy.wifi && this.state.savedSsid !== undefined) s.ssid = this.state.savedSsid;
    if (this.lastJoin) s.lastJoin = this.lastJoin;
    return s;
  }

  /** The networks in range, scanned again when the last scan is old and the radio is free for it. */
  async networks(): Promise<WifiNetwork[]> {
    if (this.d.clock.now() - this.scannedAt > this.d.scanMaxAgeMs && this.policy.radio && this.policy.mode !== 'joining') {
      this.scanning ??= new Promise<void>((resolve) => this.enqueue(() => this.scanNow(this.policy.mode === 'hotspot').finally(resolve)));
      await this.scanning;
      this.scanning = undefined;
    }
    return this.list;
  }

  /** Starts a join: answers at once with the status in 'joining'; the outcome comes as status.lastJoin. */
  join(req: JoinRequest): WifiStatus {
    if (!this.d.radio.present()) throw new WifiError('no-radio', 'This box has no Wi-Fi radio.', 'Connect it to the router with a network cable.');
    if (this.policy.mode === 'joining') throw new WifiError('busy', 'The box is already joining a network.', 'Wait for the outcome, then try again.');
    const known = this.list.find((n) => n.ssid === req.ssid);
    if (known && UNSUPPORTED.has(known.security)) {
      throw new WifiError('unsupported', `${req.ssid} uses ${known.security.toUpperCase()} protection, which the box cannot join from this page.`, 'Switch the router to WPA2, or WPA2/WPA3 mixed mode, or use a network cable.');
    }
    if (known && known.security !== 'open' && req.password === undefined) throw new WifiError('bad-request', `${req.ssid} needs a password.`, 'Type the network\'s password.');
    const ssid = Buffer.from(req.ssid, 'utf8');
    const open = known?.security === 'open' || req.password === undefined;
    const psk = open ? undefined : pskOf(req.password as string, ssid);
    if (req.password !== undefined) this.d.hideSecret(req.password);
    if (psk !== undefined) this.d.hideSecret(psk);
    if (req.country !== this.state.country) {
      this.saveState({ ...this.state, country: req.country });
      this.enqueue(() => this.d.radio.setCountry(req.country));
    }
    this.pending = { req, conf: wpaClientConf({ ssid, psk, hidden: req.hidden === true, country: req.country }) };
    // The answer must reach the phone before its hotspot goes away.
    this.feed({ kind: 'join-requested' }, this.d.answerGraceMs);
    return this.status();
  }

  private feed(e: PolicyEvent, delayMs = 0): void {
    const r = step(this.policy, e, this.d.clock.now(), this.d.policy);
    this.policy = r.state;
    if (delayMs > 0 && r.actions.length > 0) this.enqueue(() => this.pause(delayMs));
    this.schedule(r.actions);
  }

  /** A wait in the queue that a stop cuts short. */
  private pause(ms: number): Promise<void> {
    if (this.aborts.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.d.timers.clearTimeout(h);
        this.aborts.signal.removeEventListener('abort', done);
        resolve();
      };
      const h = this.d.timers.setTimeout(done, ms);
      this.aborts.signal.addEventListener('abort', done, { once: true });
    });
  }

  private schedule(actions: readonly PolicyAction[]): void {
    for (const a of actions) this.enqueue(() => this.act(a));
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((e: unknown) => {
      this.d.log.error(`${e instanceof Error ? e.message : String(e)}`);
    });
  }

  private async act(a: PolicyAction): Promise<void> {
    if (this.stopped) return;
    switch (a) {
      case 'join': return this.startJoin(this.pending);
      case 'join-saved': return this.startJoin(undefined);
      case 'look-for-saved': return this.lookForSaved();
      default: return this.roles.act(a);
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.timer = this.d.timers.setTimeout(() => this.tick(), this.d.tickMs);
    // While a long action runs (a hotspot start, a scan), ticks do not pile up behind it: one waits, the rest skip.
    if (this.tickWaiting) return;
    this.tickWaiting = true;
    this.enqueue(async () => {
      this.tickWaiting = false;
      const present = this.d.radio.present();
      if (present !== this.policy.radio) {
        this.radioSaid = false;
        this.feed({ kind: 'radio', present });
        this.sayRadio();
      }
      const f = this.d.facts();
      if ((f.wired.length > 0) !== this.policy.wired) this.feed({ kind: 'wired', up: f.wired.length > 0 });
      if (this.policy.mode !== 'joining' && (f.wifi.length > 0) !== this.policy.wifi) this.feed({ kind: 'wifi', up: f.wifi.length > 0 });
      this.feed({ kind: 'tick' });
      await this.roles.retry(this.d.clock.now());
    });
  }

  private sayRadio(): void {
    if (this.policy.radio || this.radioSaid) return;
    this.radioSaid = true;
    this.d.log.warn('This box has no Wi-Fi radio (no wlan0): no hotspot and no Wi-Fi until one appears (a USB dongle). The page tells the owner to use a cable.');
  }

  private async hotspotSettings(): Promise<HotspotSettings> {
    const ssid = hotspotSsid(this.d.hostname, this.d.radio.mac());
    const psk = pskOf(await this.passphrase(), Buffer.from(ssid));
    this.d.hideSecret(psk);
    return { iface: this.d.iface, ssid, psk, channel: this.d.channel, country: this.state.country };
  }

  /** The remembered passphrase, else the setup code (remembered from now on), else, on a claimed box, a new code. */
  private async passphrase(): Promise<string> {
    if (this.state.hotspotCode) return this.state.hotspotCode;
    const answer = await this.d.setupCode();
    let code = 'code' in answer && usablePassphrase(answer.code) ? answer.code : undefined;
    if (code === undefined) {
      code = newHotspotCode();
      this.d.log.warn(`The setup code cannot be the hotspot's passphrase (${'code' in answer ? 'it is longer than WPA2 allows' : 'the box was claimed before the hotspot first came up'}): a new one is in ${this.d.statePath}, for root (masq-wifi --show-hotspot prints it).`);
    }
    this.d.hideSecret(code);
    this.saveState({ ...this.state, hotspotCode: code });
    return code;
  }

  private async scanNow(fromHotspot: boolean): Promise<void> {
    try {
      this.list = await this.d.radio.scan(fromHotspot);
      this.scannedAt = this.d.clock.now();
    } catch (e) {
      this.d.log.warn(`The scan for Wi-Fi networks failed; the last list stays: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async lookForSaved(): Promise<void> {
    const wanted = this.state.savedSsid;
    // A network saved by Imager's settings has no name masq-wifi knows: it is tried rather than looked for.
    if (wanted !== undefined) {
      await this.scanNow(true);
      if (!this.list.some((n) => n.ssid === wanted)) return;
    }
    this.feed({ kind: 'saved-in-range' });
  }

  private async startJoin(pending: { req: JoinRequest; conf: string } | undefined): Promise<void> {
    const saved = this.d.radio.readSaved();
    const conf = pending?.conf ?? (saved === undefined ? undefined : clientCopy(saved));
    this.pending = undefined;
    if (conf === undefined) {
      this.feed({ kind: 'join-finished', joined: false });
      return;
    }
    const io = {
      radio: this.d.radio, timers: this.d.timers, limits: this.d.join, signal: this.aborts.signal,
      log: (line: string) => this.d.log.debug(`wpa_supplicant: ${line}`),
      exitedLater: (why: string) => this.roles.clientExited(why),
    };
    this.joining = attemptJoin(io, conf).then((r) => new Promise<void>((resolve) => this.enqueue(async () => {
      if (r.client) this.roles.adoptClient(r.client);
      if (pending && r.outcome === 'joined') {
        await this.d.radio.writeSaved(pending.conf);
        this.saveState({ ...this.state, savedSsid: pending.req.ssid });
      }
      if (pending) {
        const name = boxName(this.d.hostname);
        this.lastJoin = { outcome: r.outcome, ssid: pending.req.ssid, name, message: outcomeMessage(r.outcome, pending.req.ssid, name, r.address), at: this.d.clock.now() };
        if (r.address !== undefined) this.lastJoin.address = r.address;
        this.d.log.info(this.lastJoin.message);
      } else {
        this.d.log.info(r.outcome === 'joined' ? 'The saved Wi-Fi network is back: the hotspot is down.' : `The saved Wi-Fi network could not be joined (${r.outcome}): the hotspot is back.`);
      }
      this.feed({ kind: 'join-finished', joined: r.outcome === 'joined' });
      resolve();
    })));
  }

  private saveState(s: WifiState): void {
    this.state = s;
    this.d.state.save(s);
  }
}
