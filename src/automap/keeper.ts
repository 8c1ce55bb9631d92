// Keeps the Node's port mapped for as long as it runs: the first mapping (the usual protocol first), renewal at
// half the granted lifetime, a check of the public address after every renewal, on a poll and whenever the
// router announces a change, retries while no protocol works, and the mapping removed at shutdown. MASQ exits
// on an address change and on a failed renewal; here both only change the status and, for a new address, the
// descriptor the Node advertises.

import { BACKGROUND_TIMERS, describeError, type Logger, type Timers } from '../system/index.js';
import { AutomapError } from './errors.js';
import { type AutomapStatus, type MappedStatus, classify } from './order.js';
import type { Mapping, MappingClient, MappingProtocol } from './types.js';
import { mapFirst } from './map-first.js';

/** MASQ's DEFAULT_MAPPING_LIFETIME_SECONDS. */
export const MAPPING_LIFETIME_SEC = 600;
/** How often the public address is asked for between renewals (MASQ polls IGD every 60 s). */
export const ADDRESS_POLL_MS = 60_000;
/** First wait before trying again when nothing worked; doubles up to RETRY_MAX_MS. */
export const RETRY_FIRST_MS = 30_000;
export const RETRY_MAX_MS = 600_000;
/** A router's announcements trigger an address check at most this often. */
const ANNOUNCE_MIN_GAP_MS = 1_000;

export interface KeeperDeps {
  internalPort: number;
  /** The protocol to try first: configured, or the last that worked. */
  usual?: MappingProtocol;
  lifetimeSec?: number;
  /** The default gateway, or undefined when there is none. */
  gateway(): Promise<string | undefined>;
  clients(router: string): Record<MappingProtocol, MappingClient>;
  /** A mapping worked: remember its protocol for the next start. */
  remember(protocol: MappingProtocol): Promise<void>;
  /** The public address or port changed (also the first mapping after a failure). */
  addressChanged(ip: string, port: number): void;
  log: Logger;
  now?: () => number;
  timers?: Timers;
}

export class MappingKeeper {
  private current: AutomapStatus | undefined;
  private mapping: Mapping | undefined;
  private client: MappingClient | undefined;
  private timer: unknown;
  private retryMs = RETRY_FIRST_MS;
  private lastAnnounceMs = 0;
  private busy: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly lifetimeSec: number;

  constructor(private readonly d: KeeperDeps) {
    this.now = d.now ?? Date.now;
    this.timers = d.timers ?? BACKGROUND_TIMERS;
    this.lifetimeSec = d.lifetimeSec ?? MAPPING_LIFETIME_SEC;
  }

  /** The outcome so far (undefined before the first attempt ends). */
  status(): AutomapStatus | undefined {
    return this.current;
  }

  /** The first attempt; later ones (renewals, retries, checks) run by themselves until stop(). */
  async start(): Promise<AutomapStatus> {
    await this.serial(() => this.establish());
    // establish() sets a status unless it hit a bug (logged by serial): then say mapping did not happen.
    return this.current ?? classify({ router: undefined, grantedAtMs: this.now(), attempts: [] });
  }

  /** The router announced something (PCP ANNOUNCE, NAT-PMP address change): look at the address now. */
  announced(from: string): void {
    if (this.stopped || !this.client || from !== this.client.router) return;
    if (this.now() - this.lastAnnounceMs < ANNOUNCE_MIN_GAP_MS) return;
    this.lastAnnounceMs = this.now();
    void this.serial(() => this.check());
  }

  /** Stops every timer and removes the mapping (bounded by the clients' own timeouts). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clearTimeout(this.timer);
    await this.busy;
    const { client, mapping } = this;
    this.mapping = undefined;
    if (!client || !mapping) return;
    try {
      await client.unmap(mapping);
      this.d.log.info(`Removed the port mapping on ${client.router}`);
    } catch (e) {
      this.d.log.warn(`Could not remove the port mapping on ${client.router}: ${describeError(e)}; it expires by itself${mapping.lifetimeSec === 0 ? ' only when removed on the router' : ''}`);
    }
  }

  /** One piece of work at a time, so a renewal never races a check or the shutdown. */
  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.busy.then(() => (this.stopped ? undefined : work()));
    this.busy = next.catch((e: unknown) => this.d.log.error(`Port mapping: ${describeError(e)}`));
    return this.busy;
  }

  private schedule(ms: number, work: () => Promise<void>): void {
    this.timers.clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => void this.serial(work), ms);
  }

  private async establish(): Promise<void> {
    const router = await this.d.gateway();
    const grantedAtMs = this.now();
    // One set of clients per attempt, and the one that mapped is kept: PCP renews only under its own nonce.
    const clients = router === undefined ? undefined : this.d.clients(router);
    const tried = clients ? await mapFirst(clients, this.d.usual, this.d.internalPort, this.lifetimeSec) : { attempts: [] };
    const status = classify({ router, grantedAtMs, ...tried });
    this.current = status;
    if (status.state === 'failed' || !clients || !tried.mapping) {
      this.d.log.error(`Automatic port mapping failed: ${status.summary}${status.state === 'failed' ? ` ${status.fix}` : ''}`);
      this.schedule(this.retryMs, () => this.establish());
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
      return;
    }
    this.retryMs = RETRY_FIRST_MS;
    this.mapping = tried.mapping;
    this.client = clients[status.protocol];
    this.d.log.info(`Port mapping: ${status.summary}`);
    if (status.protocol !== this.d.usual) {
      await this.d.remember(status.protocol).catch((e: unknown) => this.d.log.warn(`Could not remember the mapping protocol: ${describeError(e)}`));
    }
    this.d.addressChanged(status.publicAddress, status.externalPort);
    this.next(status);
  }

  /** Renewal at half the lifetime, or an address poll before that if it comes sooner. */
  private next(status: MappedStatus): void {
    const untilRenewal = status.renewAtMs === null ? Infinity : Math.max(0, status.renewAtMs - this.now());
    if (untilRenewal <= ADDRESS_POLL_MS) this.schedule(untilRenewal, () => this.renew());
    else this.schedule(ADDRESS_POLL_MS, () => this.check());
  }

  private async renew(): Promise<void> {
    const { client } = this;
    if (!client) return;
    try {
      const mapping = await client.map(this.d.internalPort, this.lifetimeSec);
      this.d.log.debug(`Renewed the port mapping with ${client.protocol}: ${mapping.lifetimeSec} s`);
      this.adopt(mapping);
    } catch (e) {
      this.lost(e);
    }
  }

  /** Asks for the public address; a change is adopted, a failure counts as a lost mapping. */
  private async check(): Promise<void> {
    const { client, mapping } = this;
    if (!client || !mapping) return;
    try {
      const ip = await client.externalAddress();
      this.adopt({ ...mapping, externalAddress: ip });
    } catch (e) {
      this.lost(e);
    }
  }

  private adopt(mapping: Mapping): void {
    const before = this.current?.state === 'mapped' ? this.current : undefined;
    const status = classify({ router: mapping.router, mapping, grantedAtMs: this.now(), attempts: [] });
    // The protocols that failed before this one worked stay in the status.
    if (status.state === 'mapped' && before) status.attempts = before.attempts;
    this.current = status;
    if (status.state === 'failed') {
      // The router lost its public address (now private: double NAT): say so, keep trying.
      this.d.log.error(`Port mapping: ${status.summary} ${status.fix}`);
      this.schedule(this.retryMs, () => this.establish());
      return;
    }
    this.mapping = mapping;
    if (!before || before.publicAddress !== status.publicAddress || before.externalPort !== status.externalPort) {
      this.d.log.info(`The public address is now ${status.publicAddress}:${status.externalPort}`);
      this.d.addressChanged(status.publicAddress, status.externalPort);
    }
    this.next(status);
  }

  private lost(e: unknown): void {
    if (!(e instanceof AutomapError)) throw e;
    this.d.log.warn(`Port mapping on ${this.client?.router ?? 'the router'} failed: ${describeError(e)}; trying every protocol again`);
    this.mapping = undefined;
    this.schedule(0, () => this.establish());
  }
}
