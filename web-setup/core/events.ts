// The live events of GET /api/events (EventSource: `event: <type>`, one JSON line of data), checked like any
// network input: bounded, and an event of the wrong shape is dropped rather than shown half.

import type { PageEvent } from '../../src/setup/api.js';

export const EVENT_TYPES = ['stage', 'log', 'node', 'configuration'] as const;
const MAX_EVENT_CHARS = 16_384;
const MAX_MSG = 4000;

type Stage = Extract<PageEvent, { type: 'stage' }>['stage'];
const STAGES: readonly Stage[] = ['NotConnected', 'ConnectedToNeighbor', 'RouteFound'];

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);

export function parseEvent(type: string, data: string): PageEvent | undefined {
  if (data.length > MAX_EVENT_CHARS) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (type === 'stage') {
    const stage = STAGES.find((s) => s === r['stage']);
    return stage ? { type, stage } : undefined;
  }
  if (type === 'log') {
    const level = str(r['level'], 16);
    const msg = str(r['msg'], MAX_MSG);
    const at = r['at'];
    if (level === undefined || msg === undefined || typeof at !== 'number' || !Number.isFinite(at)) return undefined;
    return { type, level, msg, at };
  }
  if (type === 'configuration') return { type };
  if (type === 'node') {
    if (typeof r['running'] !== 'boolean') return undefined;
    const out: PageEvent = { type, running: r['running'] };
    if (typeof r['pid'] === 'number' && Number.isInteger(r['pid'])) out.pid = r['pid'];
    const crash = str(r['crashReason'], MAX_MSG);
    if (crash !== undefined) out.crashReason = crash;
    return out;
  }
  return undefined;
}
