// The live view: the UI protocol's broadcasts, turned into server-sent events for the page. Each stream is bounded
// (a browser that does not read loses events rather than growing a buffer), ends with its session, and there are
// only a few at a time.

import type { ServerResponse } from 'node:http';
import type { Broadcast } from '../ui/index.js';
import type { PageEvent } from './api.js';

export const MAX_STREAMS = 8;
export const HEARTBEAT_MS = 20_000;

/** The page's event for a broadcast, or undefined when the page has no use for it. */
export function pageEvent(b: Broadcast, at: number): PageEvent | undefined {
  switch (b.opcode) {
    case 'connectionChange': return { type: 'stage', stage: b.payload.stage };
    case 'logBroadcast': return { type: 'log', level: b.payload.logLevel, msg: b.payload.msg, at };
    case 'crashed': {
      const r = b.payload.crashReason;
      return { type: 'node', running: false, crashReason: typeof r === 'string' ? r : Object.values(r)[0] ?? '' };
    }
    case 'configurationChanged': return { type: 'configuration' };
    default: return undefined;
  }
}

export function eventText(e: PageEvent): string {
  return `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

export class EventStreams {
  private readonly open = new Set<{ res: ServerResponse; alive(): boolean }>();
  private readonly beat: NodeJS.Timeout;

  constructor() {
    this.beat = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    this.beat.unref();
  }

  /** False when there are too many streams already. */
  add(res: ServerResponse, alive: () => boolean, headers: Readonly<Record<string, string>>): boolean {
    if (this.open.size >= MAX_STREAMS) return false;
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': ok\n\n');
    const entry = { res, alive };
    this.open.add(entry);
    res.on('close', () => this.open.delete(entry));
    return true;
  }

  send(e: PageEvent, only?: ServerResponse): void {
    const text = eventText(e);
    for (const s of this.open) {
      // writableLength is what the browser has not taken yet: past a bound, this stream skips events.
      if ((only === undefined || s.res === only) && s.res.writableLength < 65_536) s.res.write(text);
    }
  }

  close(): void {
    clearInterval(this.beat);
    for (const s of this.open) s.res.end();
    this.open.clear();
  }

  private heartbeat(): void {
    for (const s of this.open) {
      if (!s.alive()) s.res.end();
      else s.res.write(': beat\n\n');
    }
  }
}
