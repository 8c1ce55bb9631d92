// Records both ways over a fresh pair of links: a short one from the dialer, the largest one back.

import assert from 'node:assert/strict';
import { type Link, MAX_RECORD_BYTES } from '../../src/link/index.js';

export const nextRecord = (l: Link): Promise<Buffer> => new Promise((r) => l.once('record', r));

export async function recordsBothWays(dialer: Link, accepted: Link): Promise<void> {
  const got = nextRecord(accepted);
  dialer.send(Buffer.from('hello'));
  assert.equal((await got).toString(), 'hello');
  const big = Buffer.alloc(MAX_RECORD_BYTES, 7);
  const back = nextRecord(dialer);
  accepted.send(big);
  assert.ok((await back).equals(big), 'the largest record arrives whole');
}
