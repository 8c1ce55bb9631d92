// The setup page for make bench: the bytes of its whole first load over the wire (compressed, headers included),
// masq-setup's idle memory, and how many UI round trips to the Node each dashboard panel costs — against a real
// Daemon and zero-hop Node (test/helpers/lab.ts) and a real masq-setup process.
// Run alone: node --import tsx bench/setup-page.ts

import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from '../src/setup/api.js';
import { BoxLink } from '../src/setup/box-link.js';
import { buildPageServer } from '../src/setup/server.js';
import { Sessions } from '../src/setup/sessions.js';
import { loadStaticFiles } from '../src/setup/static-files.js';
import { REAL_SYSTEM } from '../src/setup/system-stats.js';
import { testChain } from '../src/setup/chain-test.js';
import { createLogCore, createLogger, SYSTEM_CLOCK } from '../src/system/index.js';
import { startDaemon } from '../test/helpers/lab.js';
import { ROOT, Sandbox, freePort, waitFor } from '../test/helpers/processes.js';
import { type Emit, emitLine } from './common.js';

const WEB_ROOT = join(ROOT, 'dist', 'web-setup');

/** Bytes read off the socket for one GET, as a phone's browser would ask (brotli or gzip accepted). */
function wireBytes(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.socket.bytesRead));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The files index.html loads from the page itself: its scripts and styles (data: URLs cost nothing more). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^":]+)"/g)].map((m) => `/${(m[1] as string).replace(/^\//, '')}`);
}

export async function setupPageFigures(emit: Emit): Promise<void> {
  const sandbox = new Sandbox();
  try {
    const lab = await startDaemon(sandbox);
    const port = await freePort();
    const page = sandbox.spawn(join(ROOT, 'bin', 'masq-setup'), ['--port', String(port), '--ui-port', String(lab.uiPort)]);
    await waitFor('the setup page', () => page.output().includes('setup page:'));

    const html = readFileSync(join(WEB_ROOT, 'index.html'), 'utf8');
    let total = 0;
    for (const path of ['/', ...assetsOf(html)]) total += await wireBytes(port, path);
    emit('setup_page_first_load', total / 1024, 'KiB');

    await new Promise((r) => setTimeout(r, 2000));
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${page.child.pid}/status`, 'utf8'))?.[1];
    emit('setup_page_rss_idle', Number(rss) / 1024, 'MiB');

    // The dashboard's panels, each asked once through a link that counts what it asks the Node.
    const r = await lab.masq('start');
    if (r.code !== 0) throw new Error(`masq start: ${r.stderr}`);
    const link = new BoxLink({ port: lab.uiPort, token: () => undefined, clock: SYSTEM_CLOCK });
    let asked = 0;
    const counting = { daemon: link.daemon.bind(link), onBroadcast: link.onBroadcast.bind(link), logs: link.logs.bind(link), node: (...a: Parameters<BoxLink['node']>) => { asked++; return link.node(...a); } } as BoxLink;
    const sessions = new Sessions(SYSTEM_CLOCK);
    const server = buildPageServer({
      link: counting, sessions, clock: SYSTEM_CLOCK, log: createLogger(createLogCore('off'), 'Setup'), boxName: 'bench', version: '0', system: REAL_SYSTEM, diskPath: '/', testChain,
    }, { files: loadStaticFiles(WEB_ROOT), lan: () => false, ownNames: () => new Set(['127.0.0.1']) });
    const cookie = `masq_session=${sessions.create('admin').id}`;
    let most = 0;
    const panels = Object.values(ROUTES).filter((s) => s.path.startsWith('/api/panel/'));
    for (const s of panels) {
      asked = 0;
      const res = await server.app.inject({ method: 'GET', url: s.path, headers: { host: '127.0.0.1', cookie } });
      if (res.statusCode !== 200) throw new Error(`${s.path}: ${res.statusCode} ${res.body}`);
      most = Math.max(most, asked);
    }
    emit('setup_page_panels', panels.length, 'panels');
    emit('setup_page_node_round_trips_per_panel_max', most, 'requests');
    server.closeStreams();
    await server.app.close();
    link.close();
  } finally {
    await sandbox.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await setupPageFigures(emitLine);
}
