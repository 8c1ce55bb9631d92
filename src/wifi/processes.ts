// The programs masq-wifi runs: short tools (iw, nft, networkctl) bounded in time and output, and the foreground
// daemons of the radio (hostapd, dnsmasq, wpa_supplicant) read line by line and killed on stop.

import { execFile, spawn } from 'node:child_process';
import type { Logger } from '../system/index.js';
import { WifiError } from './errors.js';
import type { LineProcess, OnExit, OnLine } from './radio.js';

export const MAX_LINE = 1024;
/** How long a program has to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;

/** Runs a tool to its end; its stdout, or a WifiError with the first line of what it said. */
export function runTool(cmd: string, args: readonly string[], timeoutMs: number, maxBytes = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: maxBytes, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const said = `${stderr}`.trim().split('\n')[0]?.slice(0, 200) || err.message.split('\n')[0];
      reject(new WifiError('internal', `${cmd} ${args.join(' ')} failed: ${said}.`, 'See journalctl -u masq-wifi; the radio may be missing or busy.'));
    });
  });
}

/** Splits a stream into lines, cutting any line at MAX_LINE characters so a program cannot make one grow forever. */
export function lineSplitter(onLine: OnLine): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, Math.min(i, MAX_LINE)));
      buf = buf.slice(i + 1);
    }
    if (buf.length > MAX_LINE) {
      onLine(buf.slice(0, MAX_LINE));
      buf = '';
    }
  };
}

export function startLineProcess(cmd: string, args: readonly string[], onLine: OnLine, onExit: OnExit, log: Logger): LineProcess {
  const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      resolve();
      if (!stopping) onExit(`${cmd} exited (${signal ?? `code ${code}`})`);
    });
    child.once('error', (e) => {
      // spawn failed (not installed): 'close' still follows, and says so through onExit.
      log.error(`Could not run ${cmd}: ${e.message}`);
    });
  });
  child.stdout.setEncoding('utf8').on('data', lineSplitter(onLine));
  child.stderr.setEncoding('utf8').on('data', lineSplitter(onLine));
  return {
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
