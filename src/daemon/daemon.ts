// The Daemon's decisions: answer setup and start, redirect everything else to a running Node, report its death.
// It never talks to the Node except by starting it, and never touches the network beyond its UI port.

import { type Clock, describeError, type Logger, SYSTEM_CLOCK } from '../system/index.js';
import { type CrashedPayload, type SetupResponse, type StartResponse, UI_ERRORS, type UiClientHandle, type UiMessage } from '../ui/index.js';
import { type LaunchedNode, type Launcher, crashReason } from './launcher.js';
import type { SetupChange, SetupState } from './setup-state.js';
import { envName, findParam, type Resolution } from '../config/index.js';

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
  /** When a crash happened, for replaying it to UIs that connect soon after; SYSTEM_CLOCK unless a test sets it. */
  clock?: Clock;
}

interface Running {
  node: LaunchedNode;
  uiPort: number;
}

/** The Node's command line and secret environment from a resolved setup: what setup shows is what runs. */
export function launchArguments(r: Resolution, uiPort: number): { args: string[]; secrets: Record<string, string> } {
  const args: string[] = [];
  const secrets: Record<string, string> = {};
  const sorted = [...r.values.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const v of sorted) {
    const p = findParam(v.name);
    if (v.value === '' || p?.daemonOnly) continue;
    if (p?.secret) secrets[envName(v.name)] = v.value;
    else args.push(`--${v.name}`, v.value);
  }
  args.push('--ui-port', String(uiPort));
  return { args, secrets };
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

  constructor(private readonly deps: DaemonDeps) {
    this.clock = deps.clock ?? SYSTEM_CLOCK;
  }

  isRunning(): boolean {
    return this.running !== undefined;
  }

  /** A new UI connection: tell it about a crash it may have just missed. */
  greet(client: UiClientHandle): void {
    if (this.lastCrash && this.clock.now() - this.lastCrash.at <= CRASH_REPLAY_MS) client.send(this.lastCrash.msg);
  }

  async handle(client: UiClientHandle, msg: UiMessage): Promise<void> {
    const reply = (payload: SetupResponse | StartResponse): void => client.send({ opcode: msg.opcode, ...(msg.contextId !== undefined ? { contextId: msg.contextId } : {}), payload });
    const fail = (code: bigint, message: string): void => client.send({ opcode: msg.opcode, ...(msg.contextId !== undefined ? { contextId: msg.contextId } : {}), error: { code, message } });

    if (msg.opcode === 'setup') {
      reply(await this.setup(client.id, (msg.payload?.values ?? []) as SetupChange[]));
      return;
    }
    if (msg.opcode === 'start') {
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
    if (this.running) return this.report(await this.deps.setup.resolve(), true);
    const wasEmpty = this.deps.setup.isEmpty();
    if (!Array.isArray(changes)) return this.report(await this.deps.setup.resolve(), false, [['values', 'must be a list of {name, value}']]);
    const cleaned = changes.filter((c) => typeof c === 'object' && c !== null && typeof c.name === 'string');
    const { changed, errors } = await this.deps.setup.apply(cleaned);
    const response = this.report(await this.deps.setup.resolve(), false, errors);
    if (changed && !wasEmpty) this.deps.broadcast({ opcode: 'setup', payload: response }, clientId);
    return response;
  }

  private report(r: Resolution, running: boolean, extra: Array<[string, string]> = []): SetupResponse {
    const values = [...r.values.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((v) => {
        const p = findParam(v.name);
        const value = p?.secret && v.value !== '' ? '*'.repeat(p.censorWidth ?? 16) : v.value;
        return { name: v.name, value, status: v.status };
      });
    return { running, values, errors: [...extra, ...r.errors] };
  }

  private async start(): Promise<StartResponse | { error: { code: bigint; message: string } }> {
    if (this.running) return { error: { code: UI_ERRORS.NODE_ALREADY_RUNNING_ERROR, message: 'Could not launch Node: already running' } };
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
    void node.exited.then((exit) => {
      alive = false;
      if (this.running?.node !== node) return;
      this.running = undefined;
      const reason = crashReason(exit);
      this.deps.log.info(`Node in process ${node.pid} ended (${exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`})`);
      const payload: CrashedPayload = { processId: node.pid, crashReason: reason };
      const crashed: UiMessage = { opcode: 'crashed', payload };
      this.lastCrash = { msg: crashed, at: this.clock.now() };
      this.deps.broadcast(crashed);
    });
    this.running = { node, uiPort };
    const up = await this.deps.waitForUi(uiPort, this.deps.launchTimeoutMs ?? 10_000, () => alive);
    if (up) {
      this.deps.log.info(`Node started in process ${node.pid}, UI port ${uiPort}`);
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

  /** Stops the Node (if any) on the Daemon's own shutdown. */
  async stopNode(graceMs: number): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (r) await r.node.stop(graceMs);
  }
}
