// Temporary data directories for store tests, always removed afterwards (also when the test fails).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { MasqError, type ErrorCode } from '../../src/system/errors.js';
import type { StoreDump } from './store-dump.js';
import type { Store } from '../../src/store/index.js';

export async function withDataDir<T>(use: (dataDir: string) => Promise<T>): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), 'masq-store-'));
  try {
    return await use(join(root, 'data'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Asserts a MasqError with this code whose message matches. */
export async function rejectsWith(promise: Promise<unknown> | (() => unknown), code: ErrorCode, message?: RegExp): Promise<MasqError> {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof MasqError, `expected MasqError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

export function loadFixture(name: string): StoreDump {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as StoreDump;
}

/** The store's rows by any name: what the engine does with names outside the schema's lists (which callers cannot name). */
export interface AnyRows {
  getConfig(name: string): string | undefined;
  setConfig(values: Record<string, string | null>): Promise<void>;
  getSecret(name: string): string | undefined;
  setSecret(values: Record<string, string | null>): Promise<void>;
}

export const anyRows = (store: Store): AnyRows => store as unknown as AnyRows;
