// The backup file: round trip, what a reader refuses and how (each failure its BackupError problem), tampering with
// any byte, and random or mutated files at fixed seeds, which may only ever fail with a BackupError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { BackupError, type BackupProblem } from '../../src/backup/errors.js';
import { readBackup, writeBackup } from '../../src/backup/file.js';
import { DEFAULT_BACKUP_KDF, FIRST_LINE, HEADER_BYTES, MAX_FILE_CHARS, MAX_PAYLOAD_BYTES, openBackup, parseBackupText, sealBackup } from '../../src/backup/format.js';
import { type BackupContents, decodePayload, encodePayload, MAX_PAST_NEIGHBORS } from '../../src/backup/payload.js';
import { generateIdentity } from '../../src/crypto/identity.js';
import { formatDescriptor } from '../../src/wire/descriptor.js';

/** Cheap scrypt for the many files of these tests; backups are made with DEFAULT_BACKUP_KDF. */
const FAST = { logN: 10, r: 8, p: 1 };
const FUZZ = { seed: 4242, numRuns: 400 };
const PASSWORD = 'correct horse battery';

const identity = generateIdentity();
const CONTENTS: BackupContents = {
  masqVersion: '1.2.3',
  createdAt: 1_700_000_000,
  chain: 'dev',
  nodeKey: identity.exportSecrets(),
  wallets: { consumingKey: randomBytes(32).toString('hex'), earningAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
  pastNeighbors: [formatDescriptor({ chain: 'dev', key: generateIdentity().encryptionPublic, ip: '10.0.0.7', ports: [4321] })],
  settings: [{ name: 'chain', value: 'dev' }, { name: 'min-hops', value: '2' }, { name: 'neighborhood-mode', value: 'standard' }],
};

const isProblem = (problem: BackupProblem) => (e: unknown): boolean => {
  assert.ok(e instanceof BackupError, `a BackupError, not ${String(e)}`);
  assert.equal(e.problem, problem, e.message);
  assert.equal(e.code, 'BACKUP');
  return true;
};

/** The file with its body's bytes changed by `change`, re-encoded as the writer does. */
function rewrite(text: string, change: (bytes: Buffer) => Buffer): string {
  const body = Buffer.from(text.split('\n').slice(1).join(''), 'base64');
  return `${FIRST_LINE}\n${change(Buffer.from(body)).toString('base64')}\n`;
}

test('a backup reads back as it was written, with the default cost and a cheap one', async () => {
  const text = await writeBackup(CONTENTS, PASSWORD);
  assert.deepEqual(await readBackup(text, PASSWORD), CONTENTS);
  assert.deepEqual(parseBackupText(text).kdf, DEFAULT_BACKUP_KDF);
  const lines = text.split('\n');
  assert.equal(lines[0], FIRST_LINE);
  assert.equal(lines.at(-1), '', 'ends with a newline');
  assert.ok(lines.slice(1).every((l) => l.length <= 76 && /^[A-Za-z0-9+/=]*$/.test(l)), 'base64 in lines of at most 76 characters');
  const cheap = await writeBackup(CONTENTS, PASSWORD, FAST);
  assert.deepEqual(await readBackup(cheap, PASSWORD), CONTENTS);
  assert.notEqual(cheap, await writeBackup(CONTENTS, PASSWORD, FAST), 'a fresh salt and nonce each time');
});

test('copies that went through e-mail or a Windows editor still read: CRLF, blank lines, indentation, a BOM', async () => {
  const text = await writeBackup(CONTENTS, PASSWORD, FAST);
  const mangled = `\uFEFF${text.split('\n').map((l, i) => (i === 0 ? `${l}  ` : `  ${l}`)).join('\r\n')}\r\n\r\n`;
  assert.deepEqual(await readBackup(mangled, PASSWORD), CONTENTS);
});

test('what is not a backup, a newer one, a damaged one and a wrong password are told apart', async () => {
  const text = await writeBackup(CONTENTS, PASSWORD, FAST);
  assert.throws(() => parseBackupText('hello\nworld'), isProblem('not-a-backup'));
  assert.throws(() => parseBackupText(''), isProblem('not-a-backup'));
  assert.throws(() => parseBackupText(42), isProblem('not-a-backup'));
  assert.throws(() => parseBackupText(text.replace('v1', 'v0')), isProblem('not-a-backup'));
  assert.throws(() => parseBackupText(text.replace('v1', 'v2')), (e) => isProblem('backup-newer')(e) && /format v2/.test((e as Error).message));
  assert.throws(() => parseBackupText(`${FIRST_LINE}\n${'A'.repeat(MAX_FILE_CHARS)}`), isProblem('backup-too-large'));
  assert.throws(() => parseBackupText(`${FIRST_LINE}\nnot base64 at all!`), isProblem('backup-damaged'));
  assert.throws(() => parseBackupText(`${FIRST_LINE}\n`), isProblem('backup-damaged'));
  assert.throws(() => parseBackupText(text.slice(0, 60)), isProblem('backup-damaged'));
  await assert.rejects(readBackup(text, 'another password'), isProblem('backup-password'));
  await assert.rejects(readBackup(text, ''), isProblem('backup-password'));
  await assert.rejects(readBackup(text, 7), isProblem('backup-password'));
  await assert.rejects(sealBackup(Buffer.alloc(MAX_PAYLOAD_BYTES + 1), PASSWORD, FAST), isProblem('backup-too-large'));
  const huge = rewrite(text, (b) => Buffer.concat([b, Buffer.alloc(MAX_PAYLOAD_BYTES)]));
  assert.throws(() => parseBackupText(huge), isProblem('backup-too-large'));
});

test('a new backup needs a password of 8 to 1024 characters', async () => {
  for (const pw of ['', 'short', 'x'.repeat(1025)]) await assert.rejects(writeBackup(CONTENTS, pw, FAST), isProblem('backup-weak-password'));
  assert.ok(await writeBackup(CONTENTS, '12345678', FAST));
});

test('scrypt parameters a crafted file asks for are bounded before any key is derived', () => {
  const text = rewrite(`${FIRST_LINE}\n${Buffer.alloc(HEADER_BYTES + 16).toString('base64')}`, (b) => b);
  const crafted = (logN: number, r: number, p: number, kdfId = 1): string => rewrite(text, (b) => {
    b.set([1, kdfId, logN, r, p]);
    return b;
  });
  for (const [logN, r, p] of [[21, 8, 1], [9, 8, 1], [20, 8, 1], [15, 33, 1], [15, 8, 17], [15, 16, 8], [15, 0, 1], [15, 8, 0]] as const) {
    const started = Date.now();
    assert.throws(() => parseBackupText(crafted(logN, r, p)), isProblem('backup-damaged'), `N=2^${logN} r=${r} p=${p}`);
    assert.ok(Date.now() - started < 50, 'refused without running scrypt');
  }
  assert.throws(() => parseBackupText(crafted(15, 8, 1, 2)), (e) => isProblem('backup-damaged')(e) && /unknown key derivation/.test((e as Error).message));
  assert.equal(parseBackupText(crafted(16, 8, 2)).kdf.logN, 16, 'room to raise the cost later');
});

test('every byte of the file is covered: a changed header or ciphertext byte never opens', async () => {
  const text = await writeBackup(CONTENTS, PASSWORD, FAST);
  const length = parseBackupText(text).sealed.length + HEADER_BYTES;
  for (let at = 0; at < length; at++) {
    const bad = rewrite(text, (b) => {
      b[at] = (b[at] as number) ^ 0x01;
      return b;
    });
    await assert.rejects(openBackup(bad, PASSWORD), (e) => e instanceof BackupError && ['backup-damaged', 'backup-password'].includes(e.problem), `byte ${at}`);
  }
  // Header parts from another file made with the same password (nonce or salt and nonce) do not open either.
  const other = parseBackupText(await writeBackup(CONTENTS, PASSWORD, FAST));
  for (const [from, to] of [[5 + 16, HEADER_BYTES], [5, HEADER_BYTES]]) {
    const swapped = rewrite(text, (b) => Buffer.concat([b.subarray(0, from), other.header.subarray(from, to), b.subarray(to)]));
    await assert.rejects(openBackup(swapped, PASSWORD), isProblem('backup-password'));
  }
});

test('payloads: what is missing, malformed or on another chain is refused by name', () => {
  const bad = (change: Record<string, unknown>, problem: BackupProblem, pattern: RegExp): void => {
    assert.throws(() => decodePayload(Buffer.from(JSON.stringify({ ...CONTENTS, ...change }))), (e) => isProblem(problem)(e) && pattern.test((e as Error).message));
  };
  assert.throws(() => decodePayload(Buffer.from('{')), isProblem('backup-damaged'));
  assert.throws(() => decodePayload(Buffer.from('[]')), isProblem('backup-damaged'));
  bad({ chain: 'moon-mainnet' }, 'backup-newer', /does not know/);
  bad({ chain: undefined }, 'backup-damaged', /'chain'/);
  bad({ createdAt: -1 }, 'backup-damaged', /createdAt/);
  bad({ nodeKey: 'abc' }, 'backup-damaged', /nodeKey/);
  bad({ wallets: { consumingKey: 'A'.repeat(64) } }, 'backup-damaged', /consumingKey/);
  bad({ wallets: { earningAddress: '0x12' } }, 'backup-damaged', /earningAddress/);
  bad({ wallets: [] }, 'backup-damaged', /wallets/);
  bad({ pastNeighbors: ['masq://dev:nonsense'] }, 'backup-damaged', /past neighbor/);
  bad({ pastNeighbors: CONTENTS.pastNeighbors.map((d) => d.replace('dev', 'base-mainnet')) }, 'backup-damaged', /past neighbor/);
  bad({ pastNeighbors: Array(MAX_PAST_NEIGHBORS + 1).fill(CONTENTS.pastNeighbors[0]) }, 'backup-damaged', /at most/);
  bad({ settings: [{ name: 'colour', value: 'red' }] }, 'backup-newer', /colour/);
  bad({ settings: [{ name: 'db-password', value: 'x' }] }, 'backup-damaged', /never hold/);
  bad({ settings: [{ name: 'min-hops', value: '9' }] }, 'backup-damaged', /min-hops/);
  const { nodeKey: _nodeKey, ...keyless } = CONTENTS;
  assert.deepEqual(decodePayload(encodePayload({ ...keyless, wallets: {} })), { ...keyless, wallets: {} }, 'a Node without a key or wallets');
  assert.deepEqual(decodePayload(Buffer.from(JSON.stringify({ ...CONTENTS, later: { field: 1 } }))), CONTENTS, 'fields of later versions are ignored');
});

/** f may throw only a BackupError. */
function onlyBackupErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof BackupError)) throw e;
  }
}

test('fuzz: random text, random bodies and random payloads fail only with a BackupError', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => onlyBackupErrors(() => parseBackupText(s))), FUZZ);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyBackupErrors(() => parseBackupText(`${FIRST_LINE}\n${Buffer.from(b).toString('base64')}`))), FUZZ);
  fc.assert(fc.property(fc.anything(), (v) => onlyBackupErrors(() => decodePayload(Buffer.from(JSON.stringify(v) ?? '')))), FUZZ);
  const fields = Object.keys(CONTENTS);
  fc.assert(fc.property(fc.constantFrom(...fields), fc.jsonValue(), (field, value) => {
    onlyBackupErrors(() => decodePayload(Buffer.from(JSON.stringify({ ...CONTENTS, [field]: value }))));
  }), FUZZ);
});

test('fuzz: mutated files fail only with a BackupError, or read back unchanged', async () => {
  const text = await writeBackup(CONTENTS, PASSWORD, FAST);
  let refused = 0;
  await fc.assert(fc.asyncProperty(fc.nat(text.length - 1), fc.nat(3), fc.string({ maxLength: 3 }), async (at, cut, ins) => {
    const mutated = text.slice(0, at) + ins + text.slice(at + cut);
    try {
      assert.deepEqual(await readBackup(mutated, PASSWORD), CONTENTS);
    } catch (e) {
      if (!(e instanceof BackupError)) throw e;
      refused++;
    }
  }), { ...FUZZ, numRuns: 200 });
  assert.ok(refused > 150, `most mutations are refused (${refused})`);
});
