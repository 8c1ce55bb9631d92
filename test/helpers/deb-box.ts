// What the system tests (test/system/) do with a booted Debian root: point its apt at our signed repository only,
// run commands that must succeed, wait for units, and talk to the setup page on its port 80 as the page does.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container } from './container.js';
import { waitFor } from './processes.js';

/** Points the root's apt at a local repository (copied in) and its keyring, and at nothing else. */
export function useRepository(root: string, repo: string): void {
  cpSync(repo, join(root, 'srv', 'masq-apt'), { recursive: true });
  mkdirSync(join(root, 'etc', 'apt', 'keyrings'), { recursive: true });
  cpSync(join(repo, 'masq-archive-keyring.gpg'), join(root, 'etc', 'apt', 'keyrings', 'masq-archive-keyring.gpg'));
  writeFileSync(join(root, 'etc', 'apt', 'sources.list'), '');
  writeFileSync(join(root, 'etc', 'apt', 'sources.list.d', 'masq.sources'),
    'Types: deb\nURIs: file:///srv/masq-apt\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/masq-archive-keyring.gpg\n');
}

export async function ok(c: Container, command: string, timeoutMs?: number): Promise<string> {
  const r = await c.sh(command, timeoutMs);
  assert.equal(r.code, 0, `${command} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export async function active(c: Container, unit: string): Promise<void> {
  await waitFor(`${unit} to be active`, async () => (await c.sh(`systemctl is-active ${unit}`)).stdout.trim() === 'active', 30_000, 250);
}

/** One request to the setup page on the box's port 80, as the page makes it; the cookie jar keeps the session. */
export async function page(c: Container, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const data = body === undefined ? '' : ` -H 'content-type: application/json' -H 'x-masq-setup: 1' --data '${JSON.stringify(body)}'`;
  const out = await ok(c, `curl -sS -b /root/page-cookies -c /root/page-cookies -X ${method} -w '\\n%{http_code}'${data} http://127.0.0.1${path}`);
  const [text, status] = [out.slice(0, out.lastIndexOf('\n')), Number(out.slice(out.lastIndexOf('\n') + 1))];
  return { status, json: JSON.parse(text) as Record<string, unknown> };
}
