// The box's own health for the dashboard: CPU temperature (where the kernel reports one), memory, disk, uptime.

import { readFile, statfs } from 'node:fs/promises';
import { freemem, loadavg, totalmem, uptime } from 'node:os';
import type { SystemPanel } from './api.js';

export interface SystemIo {
  readText(path: string): Promise<string>;
  diskOf(path: string): Promise<{ total: number; free: number }>;
  memory(): { total: number; available: number };
  uptimeS(): number;
  load1(): number;
}

const THERMAL = '/sys/class/thermal/thermal_zone0/temp';

/** MemAvailable from /proc/meminfo (what can be had without swapping), else the free memory os reports. */
function availableFrom(meminfo: string): number | undefined {
  const m = /^MemAvailable:\s+([0-9]+) kB$/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : undefined;
}

export const REAL_SYSTEM: SystemIo = {
  readText: (p) => readFile(p, 'utf8'),
  async diskOf(p) {
    const s = await statfs(p);
    return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  },
  memory: () => ({ total: totalmem(), available: freemem() }),
  uptimeS: () => uptime(),
  load1: () => loadavg()[0] ?? 0,
};

export async function readSystemPanel(io: SystemIo, diskPath: string): Promise<SystemPanel> {
  const mem = io.memory();
  // Either may be missing (a VM has no thermal zone; /proc may be hidden): the panel then leaves the figure out.
  const meminfo = await io.readText('/proc/meminfo').catch(() => '');
  const temp = await io.readText(THERMAL).then((t) => Number(t.trim()) / 1000).catch(() => Number.NaN);
  const disk = await io.diskOf(diskPath);
  return {
    ...(Number.isFinite(temp) ? { cpuTempC: Math.round(temp * 10) / 10 } : {}),
    memTotalBytes: mem.total,
    memAvailableBytes: availableFrom(meminfo) ?? mem.available,
    diskTotalBytes: disk.total,
    diskFreeBytes: disk.free,
    uptimeS: Math.round(io.uptimeS()),
    load1: Math.round(io.load1() * 100) / 100,
  };
}
