// The setup page's server on a link the test scripts: the box's state and the Node's answers are plain values, so
// the guards and handlers are tested without a Daemon. The real Daemon is in the integration tests.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Answers, Broadcast, ConvOpcode, Requests } from '../../src/ui/index.js';
import { UI_ERRORS, UiRequestError } from '../../src/ui/index.js';
import { buildPageServer, type PageServer, type ServerOptions } from '../../src/setup/server.js';
import { Sessions } from '../../src/setup/sessions.js';
import { loadStaticFiles } from '../../src/setup/static-files.js';
import { createLogCore, createLogger, type Clock } from '../../src/system/index.js';
import type { Link } from '../../src/setup/box-link.js';

export const SETUP_CODE = 'ABCD2345';
export const ADMIN_PASSWORD = 'correct horse battery';

export class ScriptedBox implements Link {
  claimed = false;
  setupDone = false;
  running = false;
  failures = 0;
  /** ssh-access-from-page: root's choice, which the Daemon answers sshAccess and setSshKeys by. */
  sshOffered = false;
  readonly sshChanges: Array<Record<string, unknown>> = [];
  readonly asked: string[] = [];
  private readonly listeners = new Set<(b: Broadcast) => void>();

  guess(ok: boolean): Answers['checkSetupCode'] {
    if (this.failures >= 5) return { matches: false, triesLeft: 0, lockedForS: 3600 };
    if (!ok) this.failures++;
    return { matches: ok, triesLeft: 5 - this.failures };
  }

  async daemon<Op extends ConvOpcode>(op: Op, p: Requests[Op]): Promise<Answers[Op]> {
    this.asked.push(op);
    const req = p as Record<string, unknown>;
    const answers: Partial<Record<ConvOpcode, () => unknown>> = {
      boxStatus: () => ({ claimed: this.claimed, setupDone: this.setupDone, nodeRunning: this.running, unattendedRestart: 'off', waitingForPassword: false }),
      checkSetupCode: () => this.guess(req.code === SETUP_CODE),
      claimBox: () => {
        const g = this.guess(req.code === SETUP_CODE);
        if (g.matches) this.claimed = true;
        return g;
      },
      checkAdminPassword: () => this.guess(this.claimed && req.password === ADMIN_PASSWORD),
      changeAdminPassword: () => this.guess(req.oldPassword === ADMIN_PASSWORD),
      setup: () => ({ running: this.running, values: [{ name: 'neighborhood-mode', value: 'zero-hop', status: 'Set' }, { name: 'db-password', value: '****', status: 'Set' }], errors: [] }),
      sshAccess: () => this.ssh(),
      setSshKeys: () => {
        const answer = this.ssh();
        if (req.user === 'pi') throw new UiRequestError(op, { code: UI_ERRORS.NON_PARSABLE_VALUE, message: 'pi is an existing account of this system (uid 1000). Choose another login name.' });
        this.sshChanges.push(req);
        return { ...answer, user: typeof req.user === 'string' ? req.user : answer.user, applied: 'pending' };
      },
    };
    const a = answers[op];
    if (!a) throw new UiRequestError(op, { code: 1n, message: `${op} is not scripted` });
    return a() as Answers[Op];
  }

  /** The Daemon's ssh answer: one key, with a field the page must not pass on. */
  private ssh(): Answers['sshAccess'] {
    if (!this.sshOffered) throw new UiRequestError('sshAccess', { code: UI_ERRORS.SETUP_ERROR, message: 'ssh access from the setup page is off on this box. As root, add the line ssh-access-from-page = "on" to /etc/masq/config.toml.' });
    const key = { type: 'ssh-ed25519', label: 'ED25519', bits: 256, fingerprint: 'SHA256:abc', comment: 'me@laptop', line: 'ssh-ed25519 AAAAsecret-looking-data' };
    return { user: 'owner', keys: [key], applied: 'applied', message: 'The login owner opens with one key.' };
  }

  async node<Op extends ConvOpcode>(op: Op, _p: Requests[Op]): Promise<Answers[Op]> {
    this.asked.push(op);
    if (!this.running) throw new UiRequestError(op, { code: 0x8000_0000_0000_0001n, message: `Cannot handle ${op} request: Node is not running` });
    const answers: Partial<Record<ConvOpcode, () => unknown>> = {
      connectionStatus: () => ({ stage: 'ConnectedToNeighbor' }),
      neighborhoodGraph: () => ({ graph: 'digraph db {\n  "aaaa" [label="aaaa\\nv1\\n1.2.3.4:5555" style=filled];\n  "bbbb" [label="<script>x</script>\\nv2"];\n  "aaaa" -> "bbbb";\n}' }),
      configuration: () => ({ neighborhoodMode: 'standard', consumingWalletPrivateKeyOpt: 'ab'.repeat(32) }),
    };
    const a = answers[op];
    if (!a) throw new UiRequestError(op, { code: 1n, message: `${op} is not scripted` });
    return a() as Answers[Op];
  }

  onBroadcast(fn: (b: Broadcast) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  logs() {
    return [{ at: 0, level: 'Info', msg: 'Neighborhood: connected to 1.2.3.4:5555' }];
  }
}

export class TestClock implements Clock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
}

/** A page server on a scripted box, with one static file; `close` removes what it made. */
export function scriptedPage(box = new ScriptedBox(), opts: { lan?: boolean; localAddress?: ServerOptions['localAddress'] } = {}): { page: PageServer; box: ScriptedBox; clock: TestClock; close(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'masq-page-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  const clock = new TestClock();
  const page = buildPageServer({
    link: box, sessions: new Sessions(clock), clock, log: createLogger(createLogCore('off'), 'Setup'), boxName: 'masq-test', version: '0.0.0',
    system: { readText: async () => '', diskOf: async () => ({ total: 100, free: 50 }), memory: () => ({ total: 10, available: 5 }), uptimeS: () => 1, load1: () => 0 },
    diskPath: '/', testChain: async () => ({ chainId: 2, expectedChainId: 2, matches: true, blockNumber: 1, latencyMs: 1 }),
  }, { files: loadStaticFiles(dir), lan: () => opts.lan ?? false, ownNames: () => new Set(['localhost', '127.0.0.1', 'masq-test.local']), ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  return {
    page, box, clock,
    async close() {
      page.closeStreams();
      await page.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
