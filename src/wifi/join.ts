// One attempt to join a network: wpa_supplicant runs with the attempt's configuration and its events decide.
// CTRL-EVENT-CONNECTED, then an IPv4 address from systemd-networkd's DHCP within leaseMs → joined (the process stays:
// it is the client from then on); reason=WRONG_KEY → wrong password; NETWORK-NOT-FOUND after notFoundScans scans
// → not found; connected but no address → no lease; the program's exit or overallMs → failed. Every wait bounded.

import type { Timers } from '../system/index.js';
import type { JoinOutcome } from './api.js';
import type { LineProcess, OnExit, OnLine, Radio } from './radio.js';
import { parseWpaEvent } from './wpa-events.js';

export interface JoinLimits {
  overallMs: number;
  leaseMs: number;
  /** Scans without the network before it counts as absent (the first scan after the hotspot may miss it). */
  notFoundScans: number;
  /** How often the address is looked at once connected. */
  pollMs: number;
}

export const JOIN_LIMITS: JoinLimits = { overallMs: 60_000, leaseMs: 20_000, notFoundScans: 3, pollMs: 500 };

export interface Attempt {
  outcome: JoinOutcome;
  address?: string;
  /** The running client, when joined. */
  client?: LineProcess;
}

export interface AttemptIo {
  radio: Radio;
  timers: Timers;
  limits: JoinLimits;
  /** Every line of wpa_supplicant, for the log. */
  log: OnLine;
  /** wpa_supplicant exited by itself after the attempt joined. */
  exitedLater: OnExit;
  /** Ends the attempt as failed (masq-wifi stops). */
  signal: AbortSignal;
}

export async function attemptJoin(io: AttemptIo, conf: string): Promise<Attempt> {
  const { radio, timers, limits, log } = io;
  const handles: unknown[] = [];
  const after = (ms: number, f: () => void): void => {
    handles.push(timers.setTimeout(f, ms));
  };
  let settled = false;
  let decide: (a: Omit<Attempt, 'client'>) => void = () => undefined;
  const decided = new Promise<Omit<Attempt, 'client'>>((resolve) => {
    decide = (a) => {
      settled = true;
      resolve(a);
    };
  });
  let connected = false;
  let notFound = 0;
  let leaseWaited = 0;

  const poll = (): void => {
    const address = radio.address();
    if (address !== undefined) decide({ outcome: 'joined', address });
    else if (leaseWaited >= limits.leaseMs) decide({ outcome: 'no-lease' });
    else {
      leaseWaited += limits.pollMs;
      after(limits.pollMs, poll);
    }
  };
  const onLine = (line: string): void => {
    log(line);
    const ev = parseWpaEvent(line);
    if (ev === 'connected' && !connected) {
      connected = true;
      poll();
    } else if (ev === 'wrong-key') decide({ outcome: 'wrong-password' });
    else if (ev === 'not-found' && !connected && ++notFound >= limits.notFoundScans) decide({ outcome: 'not-found' });
  };
  after(limits.overallMs, () => decide({ outcome: connected ? 'no-lease' : 'failed' }));
  const onAbort = (): void => decide({ outcome: 'failed' });
  io.signal.addEventListener('abort', onAbort, { once: true });
  if (io.signal.aborted) onAbort();
  const started = radio.startClient(conf, onLine, (why) => {
    log(why);
    if (settled) io.exitedLater(why);
    else decide({ outcome: 'failed' });
  });
  started.catch((e: unknown) => {
    log(`wpa_supplicant could not be started: ${e instanceof Error ? e.message : String(e)}`);
    decide({ outcome: 'failed' });
  });

  const result = await decided;
  for (const h of handles) timers.clearTimeout(h);
  io.signal.removeEventListener('abort', onAbort);
  const client = await started.catch(() => undefined);
  if (result.outcome === 'joined') return { ...result, client };
  await client?.stop();
  return result;
}

/** What the page says about an outcome; the hotspot is back after each failure. */
export function outcomeMessage(outcome: JoinOutcome, ssid: string, name: string, address?: string): string {
  const back = 'The MASQ-Setup hotspot is back: join it again to try once more.';
  switch (outcome) {
    case 'joined': return `The box joined ${ssid}: it is at ${address ?? 'an address from the router'}, and ${name} on that network.`;
    case 'wrong-password': return `${ssid} refused the password. ${back}`;
    case 'not-found': return `${ssid} was not found in range. Check the name (and whether it is hidden), or bring the box nearer the router. ${back}`;
    case 'no-lease': return `The box joined ${ssid}, but its router gave it no address (DHCP). Check that the router hands out addresses. ${back}`;
    case 'failed': return `${ssid} could not be joined in time. ${back}`;
  }
}
