// The dashboard's panels, each one UI request at most (a refresh costs the Node one round trip per panel), and its
// actions: runtime settings, logs, backup and restore.

import { readBackup } from '../backup/index.js';
import { isoTime } from '../system/index.js';
import type { BackupAnswer, ConfigurationPanel, DescriptorPanel, LogsPanel, NeighborhoodPanel, RestoreAnswer, StatusPanel } from './api.js';
import { type PageContext, pageError } from './context.js';
import { EarningsHistory } from './earnings.js';
import { parseGraph } from './graph.js';
import { field, type Handlers } from './handler.js';
import type { NodeControl } from './node-control.js';
import { redact } from './redact.js';
import { readSystemPanel } from './system-stats.js';

/** Answers of the Node that must never reach a page, even a logged-in one. */
const NEVER_SHOWN = ['consumingWalletPrivateKeyOpt'];

export function dashboardRoutes(ctx: PageContext, node: NodeControl): Handlers {
  const earnings = new EarningsHistory();
  return {
    async panelStatus(): Promise<StatusPanel> {
      // The Daemon's answers cost the Node nothing; the stage is the panel's one question to the Node.
      const box = await ctx.link.daemon('boxStatus', {});
      const mode = (await ctx.link.daemon('setup', { values: [] })).values.find((v) => v.name === 'neighborhood-mode')?.value;
      const base = { nodeRunning: box.nodeRunning, unattendedRestart: box.unattendedRestart, waitingForPassword: box.waitingForPassword, ...(mode ? { mode } : {}) };
      if (!box.nodeRunning) return base;
      return { ...base, stage: (await ctx.link.node('connectionStatus', {})).stage };
    },
    async panelDescriptor(): Promise<DescriptorPanel> {
      const d = await ctx.link.node('descriptor', {});
      return d.nodeDescriptorOpt ? { descriptor: d.nodeDescriptorOpt } : {};
    },
    async panelNeighborhood(): Promise<NeighborhoodPanel> {
      return parseGraph((await ctx.link.node('neighborhoodGraph', {})).graph);
    },
    async panelAutomap() {
      return ctx.link.node('automapStatus', {});
    },
    async panelEarnings() {
      return earnings.add(ctx.clock.now(), await ctx.link.node('financials', { statsRequired: true }));
    },
    async panelSystem() {
      return readSystemPanel(ctx.system, ctx.diskPath);
    },
    async panelLogs(): Promise<LogsPanel> {
      return { lines: ctx.link.logs() };
    },
    async panelConfiguration(): Promise<ConfigurationPanel> {
      const c: Record<string, unknown> = { ...(await ctx.link.node('configuration', {})) };
      for (const k of NEVER_SHOWN) delete c[k];
      return c;
    },
    async downloadLogs({ reply }) {
      const text = ctx.link.logs().map((l) => `${isoTime(l.at)} ${l.level} ${redact(l.msg)}`).join('\n');
      void reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${ctx.boxName}-log.txt"`);
      return `${text}\n`;
    },
    async setConfiguration({ body }) {
      await ctx.link.node('setConfiguration', { name: field(body, 'name'), value: field(body, 'value') });
      return { ok: true };
    },
    async backup({ body }): Promise<BackupAnswer> {
      const r = await ctx.link.node('exportBackup', { dbPassword: field(body, 'dbPassword'), backupPassword: field(body, 'backupPassword') });
      const day = isoTime(ctx.clock.now()).slice(0, 10);
      return { fileName: `${ctx.boxName}-backup-${day}.masq`, file: r.file };
    },
    async restore({ body }): Promise<RestoreAnswer> {
      const dbPassword = field(body, 'dbPassword');
      const [file, backupPassword] = [field(body, 'file'), field(body, 'backupPassword')];
      const wasRunning = await node.running();
      // The Node's database is per chain: a fresh box takes the backup's chain before the Node that restores it
      // starts. Opening the file here also tells a wrong password before anything starts.
      const { chain } = await readBackup(file, backupPassword);
      if (!wasRunning) await node.setup([{ name: 'chain', value: chain }]);
      const r = await node.withNode(dbPassword, () => ctx.link.node('importBackup', { dbPassword, backupPassword, file }));
      // The settings take effect at the Node's next start, and so does a restored node key.
      if (wasRunning) await node.stop();
      const applied = await node.setup(r.settings);
      if (applied.errors.length > 0) throw pageError(400, 'CONFIG_INVALID', `The backup's settings were not all accepted: ${applied.errors.map(([p, why]) => `${p}: ${why}`).join('; ')}`, { fix: 'Correct them in the setup, then start the Node.' });
      if (wasRunning) await node.start();
      return { ok: true, nodeKeyChanged: r.nodeKeyChanged };
    },
  };
}
