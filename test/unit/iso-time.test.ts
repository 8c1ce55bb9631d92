import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { test } from 'node:test';
import { isoTime } from '../../src/system/index.js';

const YEAR_10000 = Date.UTC(10000, 0, 1);

test('isoTime writes what toISOString writes: the epoch, before it, a leap day, the last millisecond of 9999, random times', () => {
  const fixed = [0, 1, 999, -1, Date.UTC(2024, 1, 29, 23, 59, 59, 999), new Date('0001-01-01T00:00:00Z').getTime(), YEAR_10000 - 1];
  const random = Array.from({ length: 2000 }, () => randomInt(0, 2 ** 47) % YEAR_10000);
  for (const ms of [...fixed, ...random]) assert.equal(isoTime(ms), new Date(ms).toISOString(), `at ${ms} ms`);
});
