// The Daemon's decisions: answer setup and start, redirect everything else to a running Node, report its death;
// and hold the box's state: its claim (setup code, admin password, lockout), the kept setup, and whether the Node
// is wanted running, so that after a reboot it starts by itself. It never talks to the Node except by starting
// it, and never touches the network beyond its UI port.

import { type Clock, describeError, type Logger, MasqError, SYSTEM_CLOCK } from '../system/index.js';
import { type CrashedPayload, type SetupResponse, type StartResponse, UI_ERRORS, type UiClientHandle, uiErrorFor, type UiMessage } from '../ui/index.js';
import type { Banner } from './banner.js';
import { Box } from './box.js';
import { BOX_ERRORS, BoxDesk, BoxRefusal, isBoxOpcode, unattended } from './box-desk.js';
import { isSshOpcode, SshDesk, type SystemFile } from './ssh-desk.js';
import { KeptSetup } from './kept-setup.js';
import { type LaunchedNode, type Launcher, crashReason } from './launcher.js';
import { NO_SEALER, type Sealer } from './sealer.js';
import type { SetupChange, SetupState } from './setup-state.js';
import { MemoryState, type StateStore } from './state-dir.js';
import { envName, findParam, type Resolution } from '../config/index.js';
import { launchArguments, setupReport } from './launch-args.js';

export interface DaemonDeps {
  setup: SetupState;
  launcher: Launcher;
  log: Logger;
  broadcast(msg: UiMessage, exceptClientId?: number): void;
  findFreePort(): Promise<number>;
  waitForUi(port: number, timeoutMs: number, alive: () => boolean): Promise<boolean>;
  launchTimeoutMs?: number;
  /** The UI token both UI servers require (under systemd); the Node receives it with its secrets. */
  uiToken?: string;
  /** When a crash happened, for replaying it to UIs that connect soon after, and the lockout; SYSTEM_CLOCK unless a test sets it. */
  clock?: Clock;
  /** Where the box's state and the kept setup live (the state directory); memory, lost at exit, unless given. */
  state?: StateStore;
  /** Seals the secrets kept for unattended-restart on; without one, unattended-restart on is refused. */
  sealer?: Sealer;
  /** The setup code on the box's console while it is unclaimed. */
  banner?: Banner;
  /** The owner's own first setup code (--setup-code-seed), read when the box's state is made. */
  readSetupCodeSeed?: () => string | undefined;
  /** Pauses between the attempts of a start the Daemon makes by itself (a Node that fails at boot, say before the network is up). */
  autoStartRetryMs?: readonly number[];
  /** The system's accounts and the ssh access applier's files, for the ssh opcodes; none when not given. */
  readSystemFile?: (file: SystemFile) => string | undefined;
}

/** About 60 s from the first attempt to the last: "within a minute of boot". */
export const AUTO_START_RETRY_MS = [5000, 10_000, 15_000, 30_000] as const;

interface Running {
  node: LaunchedNode;
  uiPort: number;
}

/**
 * A UI that was talking to the Node falls back to the Daemon when the Node dies, and may arrive just after the
 * crashed broadcast went out: clients that connect this soon after a crash are told about it too.
 */
export const CRASH_REPLAY_MS = 5000;

export class Daemon {
  private running: Running | undefined;
  private lastCrash: { msg: UiMessage; at: number } | undefined;

  private readonly clock: Clock;
  private readonly state: StateStore;
  private readonly kept: KeptSetup;
  private box: Box | undefined;
  private desk: BoxDesk | undefined;
  private readonly ssh: SshDesk;
  private ready: Promise<void> | undefined;
  /** Names of the secrets UIs had Set before the Daemon's restart (kept in setup.json; their values perhaps not). */
  private secretsGiven: string[] = [];
  /** The Node was wanted running at the Daemon's start, but its database password was not kept. */
  private waiting = false;
  private closing = false;
  /** Counts the starts UIs asked for: a start the Daemon makes by itself stops retrying once one came. */
  private uiStarts = 0;
  private retry: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  /** A start is under way (launching, or waiting for the Node's UI): a second one is refused as already running. */
  private starting = false;
  /** The Daemon's own start of the Node after its restart (tests wait for it). */
  autoStart: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DaemonDeps) {
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.state = deps.state ?? new MemoryState();
    this.kept = new KeptSetup(this.state, deps.sealer ?? NO_SEALER, deps.log);
    this.ssh = new SshDesk({
      state: this.state, log: deps.log, read: deps.readSystemFile ?? (() => undefined),
      offered: async () => (await deps.setup.resolve()).values.get('ssh-access-from-page')?.value === 'on',
    });
  }

  isRunning(): boolean {
    return this.running !== undefined;
  }

  /**
   * Loads the box's state and the kept setup (unsealing its secrets when unattended-restart is on), and, when the
   * Node was running as the Daemon last stopped, starts it again in the background (autoStart).
   */
  init(): Promise<void> {
    this.ready ??= this.load();
    return this.ready;
  }

  private async load(): Promise<void> {
    const log = this.deps.log;
    this.box = new Box({ state: this.state, clock: this.clock, log, ...(this.deps.readSetupCodeSeed ? { readSeed: this.deps.readSetupCodeSeed } : {}) });
    this.desk = new BoxDesk(this.box, {
      resolve: () => this.deps.setup.resolve(), nodeRunning: () => this.running !== undefined, waitingForPassword: () => this.waitingForPassword(),
      ...(this.deps.banner ? { banner: this.deps.banner } : {}),
    });
    const kept = this.kept.load();
    this.secretsGiven = kept.secretsGiven;
    const plain = Object.entries(kept.values).filter(([name]) => !findParam(name)?.secret).map(([name, value]) => ({ name, value }));
    for (const [name, why] of (await this.deps.setup.apply(plain)).errors) log.warn(`The kept value of ${name} is not used: ${why}`);
    if (plain.length > 0) log.info(`Kept setup loaded from ${this.state.where}: ${plain.map((v) => v.name).join(', ')}`);
    let r = await this.deps.setup.resolve();
    if (unattended(r)) {
      const secrets = await this.kept.unseal();
      if (secrets) {
        const given = Object.entries(secrets).filter(([name]) => findParam(name)?.secret).map(([name, value]) => ({ name, value }));
        for (const [name, why] of (await this.deps.setup.apply(given)).errors) log.warn(`The kept secret ${name} is not used: ${why}`);
        r = await this.deps.setup.resolve();
      }
    } else if (this.kept.hasSealed()) {
      this.tryOrLog(() => this.kept.removeSealed());
    }
    this.desk.showBanner(r);
    this.tryOrLog(() => this.ssh.resume());
    if (this.box.wantedRunning) this.autoStart = this.startByItself();
  }

  /** Starts the Node as the Daemon last ran it: after a reboot, a power cut or an upgrade. */
  private async startByItself(): Promise<void> {
    const log = this.deps.log;
    const r = await this.deps.setup.resolve();
    const pw = r.values.get('db-password');
    if (pw && pw.value === '' && (pw.status === 'Required' || this.secretsGiven.includes('db-password'))) {
      this.waiting = true;
      const why = unattended(r) ? 'its sealed database password could not be unsealed' : 'its database password was not kept (unattended-restart off)';
      log.warn(`The Node was running when the Daemon stopped, but ${why}: it waits for the password (masq setup --db-password …, then masq start, or the setup page)`);
      return;
    }
    for (const name of this.secretsGiven) {
      if (r.values.get(name)?.value === '') log.warn(`${name} was given before the Daemon restarted but not kept (unattended-restart off); the Node starts without it`);
    }
    const pauses = this.deps.autoStartRetryMs ?? AUTO_START_RETRY_MS;
    const uiStarts = this.uiStarts;
    for (let attempt = 0; ; attempt++) {
      if (this.closing || this.running || this.uiStarts !== uiStarts || !this.box?.wantedRunning) return;
      log.info(`Starting the Node by itself with the kept setup: it was running when the Daemon last stopped${attempt > 0 ? ` (attempt ${attempt + 1})` : ''}`);
      const res = await this.start();
      if (!('error' in res)) return;
      log.warn(`The Node could not be started by itself: ${res.error.message}`);
      // An incomplete setup does not complete itself; anything else (no network yet at boot) may pass.
      const pause = pauses[attempt];
      if (res.error.code === UI_ERRORS.SETUP_ERROR || pause === undefined) return;
      await new Promise<void>((resolve) => {
        this.retry = { timer: setTimeout(resolve, pause), wake: resolve };
      });
      this.retry = undefined;
    }
  }

  /** A new UI connection: tell it about a crash it may have just missed. */
  greet(client: UiClientHandle): void {
    if (this.lastCrash && this.clock.now() - this.lastCrash.at <= CRASH_REPLAY_MS) client.send(this.lastCrash.msg);
  }

  async handle(client: UiClientHandle, msg: UiMessage): Promise<void> {
    const reply = (payload: Record<string, unknown>): void => client.send({ opcode: msg.opcode, ...(msg.contextId !== undefined ? { contextId: msg.contextId } : {}), payload });
    const fail = (code: bigint, message: string): void => client.send({ opcode: msg.opcode, ...(msg.contextId !== undefined ? { contextId: msg.contextId } : {}), error: { code, message } });

    await this.init();
    const op = msg.opcode;
    if (isBoxOpcode(op) || isSshOpcode(op)) {
      try {
        reply(isBoxOpcode(op) ? await (this.desk as BoxDesk).answer(op, msg.payload ?? {}) : await this.ssh.answer(op, msg.payload ?? {}));
      } catch (e) {
        const refused = e instanceof BoxRefusal ? { code: BOX_ERRORS[e.reason], message: e.message } : uiErrorFor(op, e);
        if (refused) fail(refused.code, refused.message);
        else if (e instanceof MasqError) fail(UI_ERRORS.CONFIGURATOR_WRITE_ERROR, describeError(e));
        else throw e;
      }
      return;
    }
    if (msg.opcode === 'setup') {
      reply(await this.setup(client.id, (msg.payload?.values ?? []) as SetupChange[]));
      return;
    }
    if (msg.opcode === 'start') {
      this.uiStarts++;
      const r = await this.start();
      if ('error' in r) fail(r.error.code, r.error.message);
      else reply(r);
      return;
    }
    if (this.running) {
      client.send({
        opcode: 'redirect',
        payload: { port: this.running.uiPort, opcode: msg.opcode, ...(msg.contextId !== undefined ? { contextId: msg.contextId } : {}), payload: JSON.stringify(msg.payload ?? {}) },
      });
    } else if (msg.contextId !== undefined) {
      fail(UI_ERRORS.NODE_NOT_RUNNING_ERROR, `Cannot handle ${msg.opcode} request: Node is not running`);
    } else {
      client.send({ opcode: 'undelivered', payload: { opcode: msg.opcode } });
    }
  }

  private async setup(clientId: number, changes: readonly SetupChange[]): Promise<SetupResponse> {
    const running = this.running !== undefined;
    if (!Array.isArray(changes)) return setupReport(await this.deps.setup.resolve(), running, [['values', 'must be a list of {name, value}']]);
    const cleaned = changes.filter((c) => typeof c === 'object' && c !== null && typeof c.name === 'string');
    // As MASQ's, the Daemon takes no setup while the Node runs: what the Node runs with is what setup shows. The
    // Daemon's own parameters (the setup page's LAN, unattended restart) are not the Node's, so they may change.
    if (running && !cleaned.every((c) => findParam(c.name)?.daemonOnly)) return setupReport(await this.deps.setup.resolve(), true);
    const wasEmpty = this.deps.setup.isEmpty();
    const before = this.deps.setup.given()['unattended-restart'];
    const wasOn = unattended(await this.deps.setup.resolve());
    const { changed, errors } = await this.deps.setup.apply(cleaned);
    let r = await this.deps.setup.resolve();
    if (changed) {
      const kept = await this.keep(r, wasOn, before);
      errors.push(...kept.errors);
      if (kept.reverted) r = await this.deps.setup.resolve();
    }
    const response = setupReport(r, running, errors);
    if (changed && !wasEmpty) this.deps.broadcast({ opcode: 'setup', payload: response }, clientId);
    return response;
  }

  /**
   * Keeps what UIs set: plain values in setup.json; secrets sealed when unattended-restart is on, else only their
   * names. unattended-restart just turned on is refused (set back) when the secrets cannot be sealed.
   */
  private async keep(r: Resolution, wasOn: boolean, before: string | undefined): Promise<{ errors: Array<[string, string]>; reverted: boolean }> {
    const errors: Array<[string, string]> = [];
    let reverted = false;
    const given = this.deps.setup.given();
    const secrets = Object.fromEntries(Object.entries(given).filter(([name]) => findParam(name)?.secret));
    if (unattended(r)) {
      try {
        await this.kept.seal(secrets);
      } catch (e) {
        const why = describeError(e).replace(/\.$/, '');
        if (!wasOn && given['unattended-restart'] !== undefined) {
          await this.deps.setup.apply([{ name: 'unattended-restart', value: before ?? null }]);
          reverted = true;
          errors.push(['unattended-restart', `cannot be on: the Daemon seals the secrets it keeps for an unattended restart with systemd-creds, and ${why}. Install systemd 250 or later and run the Daemon as root (masq-daemon.service does), or leave unattended-restart off: after a restart the Node then waits for its database password.`]);
        } else {
          errors.push(['unattended-restart', `is on, but the secrets cannot be sealed (${why}), so none are kept: after a restart the Node waits for its database password. Fix systemd-creds, or set unattended-restart off.`]);
        }
        this.tryOrLog(() => this.kept.removeSealed(), errors);
      }
    } else if (this.kept.hasSealed()) {
      this.tryOrLog(() => this.kept.removeSealed(), errors);
    }
    const now = this.deps.setup.given();
    const values = Object.fromEntries(Object.entries(now).filter(([name]) => !findParam(name)?.secret));
    this.secretsGiven = Object.keys(now).filter((name) => findParam(name)?.secret);
    this.tryOrLog(() => this.kept.save({ values, secretsGiven: this.secretsGiven }), errors);
    return { errors, reverted };
  }

  private tryOrLog(fn: () => void, errors?: Array<[string, string]>): void {
    try {
      fn();
    } catch (e) {
      this.deps.log.error(describeError(e));
      errors?.push(['setup', `${describeError(e)} The setup is not kept across a restart of the Daemon.`]);
    }
  }

  private waitingForPassword(): boolean {
    return this.waiting && this.running === undefined && (this.box?.wantedRunning ?? false);
  }

  private async start(): Promise<StartResponse | { error: { code: bigint; message: string } }> {
    if (this.running || this.starting) return { error: { code: UI_ERRORS.NODE_ALREADY_RUNNING_ERROR, message: 'Could not launch Node: already running' } };
    this.starting = true;
    try {
      return await this.startNow();
    } finally {
      this.starting = false;
    }
  }

  private async startNow(): Promise<StartResponse | { error: { code: bigint; message: string } }> {
    this.lastCrash = undefined;
    const r = await this.deps.setup.resolve();
    const required = [...r.values.values()].filter((v) => v.status === 'Required').map((v) => v.name);
    if (required.length > 0) {
      return { error: { code: UI_ERRORS.SETUP_ERROR, message: `Could not launch Node: ${r.mode} mode needs ${required.join(', ')}. Give ${required.length > 1 ? 'them' : 'it'} with masq setup --${required[0]} <value>, or choose --neighborhood-mode zero-hop.` } };
    }
    if (r.errors.length > 0) {
      return { error: { code: UI_ERRORS.SETUP_ERROR, message: `Could not launch Node: ${r.errors.map(([p, why]) => `${p} - ${why}`).join('; ')}` } };
    }
    const uiPort = await this.deps.findFreePort();
    const { args, secrets } = launchArguments(r, uiPort);
    if (this.deps.uiToken) secrets[envName('ui-token')] = this.deps.uiToken;
    let node: LaunchedNode;
    try {
      node = await this.deps.launcher.launch(args, secrets);
    } catch (e) {
      return { error: { code: UI_ERRORS.NODE_LAUNCH_ERROR, message: `Could not launch Node: ${describeError(e)}` } };
    }
    let alive = true;
    this.deps.setup.forgetStored();
    void node.exited.then((exit) => {
      alive = false;
      this.deps.setup.forgetStored();
      // The Daemon stopped it (its own shutdown, or an unresponsive start): nothing to report, nothing changes.
      if (this.running?.node !== node) return;
      this.running = undefined;
      const reason = crashReason(exit);
      this.deps.log.info(`Node in process ${node.pid} ended (${exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`})`);
      if (exit.code === 0) {
        // A clean stop the Daemon did not ask for is someone's request (masq shutdown): it stays stopped.
        this.tryOrLog(() => this.box?.setWantedRunning(false));
        this.deps.log.info('The Node stopped by request: it is not started again by itself');
      }
      const payload: CrashedPayload = { processId: node.pid, crashReason: reason };
      const crashed: UiMessage = { opcode: 'crashed', payload };
      this.lastCrash = { msg: crashed, at: this.clock.now() };
      this.deps.broadcast(crashed);
    });
    this.running = { node, uiPort };
    const up = await this.deps.waitForUi(uiPort, this.deps.launchTimeoutMs ?? 10_000, () => alive);
    if (up) {
      this.deps.log.info(`Node started in process ${node.pid}, UI port ${uiPort}`);
      this.waiting = false;
      this.tryOrLog(() => this.box?.nodeStarted());
      return { newProcessId: node.pid, redirectUiPort: uiPort };
    }
    this.running = undefined;
    if (!alive) {
      const exit = await node.exited;
      const why = exit.stderrTail.split('\n').slice(-3).join(' ').trim();
      return { error: { code: UI_ERRORS.NODE_LAUNCH_ERROR, message: `Node started in process ${node.pid}, but died immediately${why ? `: ${why}` : '.'}` } };
    }
    await node.stop(1000);
    return { error: { code: UI_ERRORS.NODE_LAUNCH_ERROR, message: `Node started in process ${node.pid}, but was unresponsive and was successfully killed.` } };
  }

  /** Stops the Node (if any) on the Daemon's own shutdown; it stays wanted running, so the next Daemon starts it again. */
  async stopNode(graceMs: number): Promise<void> {
    this.closing = true;
    if (this.retry) {
      clearTimeout(this.retry.timer);
      this.retry.wake();
    }
    this.desk?.stop();
    const r = this.running;
    this.running = undefined;
    if (r) await r.node.stop(graceMs);
  }
}
