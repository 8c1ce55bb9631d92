// The ground floor: typed errors, logging, the clock and timers, machine facts, signals and sd_notify. Imports nothing
// of ours, so every other floor may use it.

export { type MachineFacts, systemEnvironment } from './environment.js';
export { describeError, type ErrorCode, MasqError } from './errors.js';
export { createLogCore, createLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.js';
export { type PrefixOptions, PrefixAborted, readPrefix } from './read-prefix.js';
export { SystemdNotifier } from './sd-notify.js';
export { onShutdownSignals } from './signals.js';
export { BACKGROUND_TIMERS, type Timers } from './timers.js';
export { type Clock, isoTime, SYSTEM_CLOCK, unixSeconds } from './clock.js';
export { byCodeUnits } from './order.js';
export { MadeAhead, type MadeAheadOptions } from './made-ahead.js';
export { CHUNK_DIR, programDir } from './program-dir.js';
export { scavengeEarly, scavengeTriggerFlag } from './young-collections.js';
export { BUSY_CPU_MS, type MemoryReturnDeps, QUIET_CPU_MS, returnMemoryAfterBursts, TICK_MS, trimStep } from './memory-return.js';
