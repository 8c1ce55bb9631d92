// A masq command's io for unit tests: a Daemon that answers every request with one payload and records what was
// asked, and the lines printed to stdout and stderr.

import type { CommandIo } from '../../src/cli/command.js';
import type { UiClient } from '../../src/ui/index.js';

export function scriptedIo(answer: Record<string, unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: Array<[string, unknown]> = [];
  const client = { request: async (op: string, payload: unknown) => { asked.push([op, payload]); return answer; } } as unknown as UiClient;
  const cio: CommandIo = { client: async () => client, out: (t) => out.push(t), err: (t) => err.push(t), nodeAnswers: async () => false };
  return { cio, out, err, asked };
}
