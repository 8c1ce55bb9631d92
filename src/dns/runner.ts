// The one boundary to other programs (resolvectl, systemctl): unit tests pass a fake that records the calls.

import { execFile } from 'node:child_process';
import { MasqError } from '../system/index.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (cmd: string, args: readonly string[]) => Promise<RunResult>;

const TIMEOUT_MS = 20_000;

export const runCommand: CommandRunner = (cmd, args) => new Promise((resolve, reject) => {
  execFile(cmd, args, { timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
    if (!err) {
      resolve({ code: 0, stdout, stderr });
      return;
    }
    const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
    if (e.code === 'ENOENT') reject(new MasqError('DNS', `${cmd} is not installed.`, 'systemd-resolved machines have it; install systemd-resolved.'));
    else if (e.killed) reject(new MasqError('DNS', `${cmd} ${args.join(' ')} did not finish within ${TIMEOUT_MS / 1000} s.`));
    else resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout, stderr });
  });
});

/** Runs a command that must succeed. */
export async function mustRun(run: CommandRunner, cmd: string, args: readonly string[], fix: string): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new MasqError('DNS', `${cmd} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300) || 'no message'}.`, fix);
  return r.stdout;
}
