// Passwords asked for, never taken as arguments (so they stay out of shell history and the process list): typed at
// a terminal without echo, or read line by line from a pipe (scripts); in interactive masq through its own readline,
// muted, and dropped from its history.

import type { Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { MasqError } from '../system/index.js';

export type ReadSecret = (prompt: string) => Promise<string>;

/** Longer than any password the Node accepts; a longer line is a mistake (a file piped in), not a password. */
const MAX_SECRET_CHARS = 4096;

const cancelled = (): MasqError => new MasqError('USAGE', 'Cancelled: no password was given.');

interface Input extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

/** One-shot masq: a terminal in raw mode (no echo), or the lines of a pipe, one per call. */
export function streamSecrets(input: Input, output: NodeJS.WritableStream): ReadSecret {
  // A pipe delivers several lines at once: what follows the line taken waits for the next call.
  let pending = '';
  let skipLf = false;
  let ended = false;
  input.once('end', () => { ended = true; });
  return (prompt) => new Promise((resolve, reject) => {
    const tty = input.isTTY === true && typeof input.setRawMode === 'function';
    let line = '';
    const finish = (err?: MasqError): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      if (tty) input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(line);
    };
    /** True once the line is complete (or refused). */
    const take = (chunk: string): boolean => {
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk[i] as string;
        if (skipLf && ch === '\n') {
          skipLf = false;
          continue;
        }
        skipLf = false;
        if (ch === '\r' || ch === '\n') {
          skipLf = ch === '\r';
          pending = chunk.slice(i + 1);
          finish();
          return true;
        }
        if (ch === '\x03' || (ch === '\x04' && line === '')) {
          pending = '';
          finish(cancelled());
          return true;
        }
        if (ch === '\x7f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
        if (line.length > MAX_SECRET_CHARS) {
          pending = '';
          finish(new MasqError('USAGE', `A password line is longer than ${MAX_SECRET_CHARS} characters.`));
          return true;
        }
      }
      return false;
    };
    const onData = (chunk: string): void => void take(chunk);
    // A last line without a newline still counts; no line at all is no password.
    const onEnd = (): void => (line === '' ? finish(cancelled()) : finish());
    input.setEncoding('utf8');
    output.write(prompt);
    const rest = pending;
    pending = '';
    if (take(rest)) return;
    if (ended) return onEnd();
    if (tty) input.setRawMode?.(true);
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
  });
}

/** A terminal's output that readline writes to, silenced while a password is typed. */
export class MutableOutput extends Writable {
  muted = false;

  constructor(readonly target: NodeJS.WriteStream) {
    super();
  }

  /** readline lays out long lines by the terminal's width. */
  get columns(): number | undefined {
    return this.target.columns;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    if (!this.muted) this.target.write(chunk);
    done();
  }
}

/** Interactive masq: the prompt's own readline answers the question, with its echo muted and out of its history. */
export function readlineSecrets(rl: Interface, output: MutableOutput): ReadSecret {
  return (prompt) => new Promise((resolve, reject) => {
    // Emitted (before the answer) with the history the answer was just added to: take it out again.
    const forget = (history: string[]): void => void history.shift();
    const onClose = (): void => {
      settle();
      reject(cancelled());
    };
    const settle = (): void => {
      output.muted = false;
      rl.off('history', forget);
      rl.off('close', onClose);
      output.target.write('\n');
    };
    output.target.write(prompt);
    output.muted = true;
    rl.on('history', forget);
    rl.once('close', onClose);
    rl.question('', (answer) => {
      settle();
      resolve(answer);
    });
  });
}
