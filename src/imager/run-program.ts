// Runs one of Debian's tools (useradd, chpasswd, hostname, systemctl) for the applier: a fixed PATH and locale,
// input on stdin (a password hash never goes on a command line), a time limit, and the first line of its
// complaint in the error.

import { spawn } from 'node:child_process';
import type { RunProgram } from './apply.js';

const TIME_LIMIT_MS = 60_000;

export const runProgram: RunProgram = (command, args, input) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
      timeout: TIME_LIMIT_MS,
    });
    let complaint = '';
    child.stderr.on('data', (d: Buffer) => {
      if (complaint.length < 2000) complaint += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} failed (${signal ?? `exit status ${code}`}): ${complaint.trim().split('\n')[0] ?? ''}`));
    });
    // A program that does not read its input closes the pipe early; its exit status is what counts.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
