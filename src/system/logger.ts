// Levelled logging to stderr, journald-friendly, with registered secrets scrubbed from every line.

import { isoTime } from './clock.js';

export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };
// sd-daemon priority prefixes, understood by journald when stderr is a journal stream.
const SYSLOG: Record<Exclude<LogLevel, 'off'>, number> = { error: 3, warn: 4, info: 6, debug: 7, trace: 7 };

export interface LogSink {
  write(line: string): void;
}

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
  child(component: string): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LogCore {
  level: LogLevel;
  sink: LogSink;
  journald: boolean;
  secrets: Set<string>;
  /** Called for every emitted line (the Node broadcasts info and above to UIs). */
  listeners: Set<(level: LogLevel, component: string, msg: string) => void>;
}

export function createLogCore(level: LogLevel, sink: LogSink = { write: (l) => process.stderr.write(l) }): LogCore {
  return { level, sink, journald: Boolean(process.env.JOURNAL_STREAM), secrets: new Set(), listeners: new Set() };
}

/** Never let a secret value reach a log line, whatever code logged it. */
export function scrub(core: LogCore, msg: string): string {
  let out = msg;
  for (const s of core.secrets) if (s.length > 0) out = out.split(s).join('********');
  return out;
}

export function createLogger(core: LogCore, component: string): Logger {
  const emit = (level: Exclude<LogLevel, 'off'>, raw: string): void => {
    if (RANK[level] > RANK[core.level]) return;
    const msg = scrub(core, raw).replace(/[\r\n]+/g, ' ');
    const line = core.journald
      ? `<${SYSLOG[level]}>${component}: ${msg}\n`
      : `${isoTime(Date.now())} ${level.toUpperCase().padEnd(5)} ${component}: ${msg}\n`;
    core.sink.write(line);
    for (const l of core.listeners) l(level, component, msg);
  };
  return {
    error: (m) => emit('error', m),
    warn: (m) => emit('warn', m),
    info: (m) => emit('info', m),
    debug: (m) => emit('debug', m),
    trace: (m) => emit('trace', m),
    child: (c) => createLogger(core, `${component}/${c}`),
    enabled: (level) => RANK[level] <= RANK[core.level],
  };
}
