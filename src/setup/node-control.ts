// Starting and stopping the Node for the page, through the Daemon, and the one trick the wizard needs: wallets
// and backups live in the Node's database, so before the Node's real start the page runs it briefly in zero-hop
// mode (no network) with the chosen database password, and puts the setup back as it was.

import { MasqError } from '../system/index.js';
import type { SetupResponse } from '../ui/index.js';
import type { Link } from './box-link.js';

const STOP_POLL_MS = 100;
const STOP_POLLS = 100;

export class NodeControl {
  constructor(private readonly link: Link, private readonly tell: (running: boolean, pid?: number) => void) {}

  async running(): Promise<boolean> {
    return (await this.link.daemon('boxStatus', {})).nodeRunning;
  }

  async start(): Promise<number> {
    const r = await this.link.daemon('start', {});
    // Ask the Node something, so the Node's connection attaches and its broadcasts (stage, logs) reach the page.
    await this.link.node('connectionStatus', {});
    this.tell(true, r.newProcessId);
    return r.newProcessId;
  }

  async stop(): Promise<void> {
    if (!(await this.running())) return;
    await this.link.node('shutdown', {}).catch((e: unknown) => {
      // The Node closes the connection as it goes: that is the answer.
      if (!(e instanceof MasqError) || (e.code !== 'UI_CONNECT')) throw e;
    });
    for (let i = 0; i < STOP_POLLS; i++) {
      if (!(await this.running())) {
        this.tell(false);
        return;
      }
      await new Promise((r) => setTimeout(r, STOP_POLL_MS));
    }
    throw new MasqError('LAUNCH', 'The Node did not stop within 10 seconds.', 'Try again; if it keeps running, use masq shutdown over ssh.');
  }

  async setup(values: Array<{ name: string; value: string }>): Promise<SetupResponse> {
    return this.link.daemon('setup', { values });
  }

  /**
   * Runs `work` against a Node that has this database password: the running one, or one started for the purpose
   * (in zero-hop mode unless the setup rules it out) and stopped again, with the setup's mode put back as it was.
   */
  async withNode<T>(dbPassword: string, work: () => Promise<T>): Promise<T> {
    if (await this.running()) {
      await this.ensurePassword(dbPassword);
      return work();
    }
    const before = await this.setup([]);
    const mode = before.values.find((x) => x.name === 'neighborhood-mode');
    const modeBefore = mode?.status === 'Set' ? mode.value : '';
    const changed = await this.setup([{ name: 'neighborhood-mode', value: 'zero-hop' }, { name: 'db-password', value: dbPassword }]);
    if (changed.errors.length > 0) {
      // Something configured outside the page (an ip in config.toml, say) rules zero-hop out: the Node starts
      // as it is set up instead.
      const asSetUp = await this.setup([{ name: 'neighborhood-mode', value: modeBefore }]);
      if (asSetUp.errors.length > 0) throw new MasqError('CONFIG_INVALID', asSetUp.errors.map(([p, why]) => `${p}: ${why}`).join('; '), 'Correct the setup first.');
    }
    try {
      await this.start();
      await this.ensurePassword(dbPassword);
      return await work();
    } finally {
      await this.stop();
      // The password stays: it is the one the database now has.
      await this.setup([{ name: 'neighborhood-mode', value: modeBefore }]);
    }
  }

  /** A new database takes its first password; an existing one must match it. */
  private async ensurePassword(dbPassword: string): Promise<void> {
    if ((await this.link.node('checkPassword', {})).matches) {
      await this.link.node('changePassword', { newPassword: dbPassword });
      return;
    }
    if (!(await this.link.node('checkPassword', { dbPasswordOpt: dbPassword })).matches) {
      throw new MasqError('STORE_WRONG_PASSWORD', 'That is not the database password of this Node.', 'Type the database password chosen at setup.');
    }
  }
}
