// The box's claim, held by the Daemon: setup codes, the lockout, the admin password, and box.json across restarts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_ALPHABET, codeMatches, formatCode, newSetupCode, normalizeCode, seedProblem } from '../../src/daemon/setup-code.js';
import { Lockout, MAX_FAILURES, WINDOW_MS } from '../../src/daemon/lockout.js';
import { ADMIN_KDF, adminPasswordMatches, adminPasswordProblem, hashAdminPassword, isAdminHash } from '../../src/daemon/admin-password.js';
import { BOX_FILE, Box, BoxRefusal } from '../../src/daemon/box.js';
import { MemoryState } from '../../src/daemon/state-dir.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';

function fakeClock(ms = 1_700_000_000_000) {
  return { ms, now(): number { return this.ms; } };
}

function recordingLog() {
  const lines: string[] = [];
  const core = createLogCore('trace', { write: (l) => lines.push(l) });
  return { log: createLogger(core, 'test'), lines };
}

test('the alphabet has 32 letters and none of I, O, 0, 1: 8 of them are 40 bits', () => {
  assert.equal(CODE_ALPHABET.length, 32);
  assert.equal(new Set(CODE_ALPHABET).size, 32);
  for (const c of 'IO01') assert.ok(!CODE_ALPHABET.includes(c), c);
  assert.equal(Math.log2(CODE_ALPHABET.length ** 8), 40);
});

test('new codes are 8 letters of the alphabet, all different, every letter used', () => {
  const seen = new Set<string>();
  const letters = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const c = newSetupCode();
    assert.match(c, /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    seen.add(c);
    for (const l of c) letters.add(l);
  }
  assert.equal(seen.size, 2000);
  assert.equal(letters.size, 32);
});

test('codes are shown as XXXX-XXXX and typed any way: case, spaces and dashes do not matter', () => {
  assert.equal(formatCode('ABCDEFGH'), 'ABCD-EFGH');
  assert.equal(formatCode('ABCDEFGHJK'), 'ABCD-EFGH-JK');
  for (const typed of ['abcd-efgh', ' ABCD EFGH ', 'aBcDeFgH', 'AB-CD-EF-GH', 'abcd\tefgh']) {
    assert.equal(normalizeCode(typed), 'ABCDEFGH', typed);
    assert.ok(codeMatches(typed, 'ABCDEFGH'), typed);
  }
  assert.ok(!codeMatches('ABCDEFGJ', 'ABCDEFGH'));
  assert.ok(!codeMatches('ABCDEFG', 'ABCDEFGH'));
  assert.ok(!codeMatches('', 'ABCDEFGH'));
});

test('a seed code must be 8 or more letters of the alphabet after normalization; the reason says what is wrong', () => {
  assert.equal(seedProblem('ABCD-EFGH'), undefined);
  assert.equal(seedProblem('hjkm npqr 2345'), undefined, 'longer codes of the owner\'s own are fine');
  assert.match(seedProblem('ABC-DEF') ?? '', /6 characters; a setup code needs at least 8/);
  assert.match(seedProblem('HELLO-WORLD') ?? '', /'O'.*no I, O, 0 or 1/);
  assert.match(seedProblem('ABCD1234') ?? '', /'1'/);
  assert.match(seedProblem('ABCDEFGH\u00e9') ?? '', /U\+00C9/);
});

test('lockout: 5 wrong guesses in any hour, then locked until the oldest is an hour old', () => {
  const clock = fakeClock();
  const l = new Lockout(clock);
  assert.deepEqual(l.status(), { triesLeft: MAX_FAILURES });
  for (let i = 1; i <= 4; i++) {
    assert.deepEqual(l.fail(), { triesLeft: MAX_FAILURES - i });
    clock.ms += 60_000;
  }
  const last = l.fail();
  assert.equal(last.triesLeft, 0);
  assert.equal(last.lockedForS, 3600 - 4 * 60, 'until the first failure, 4 minutes before, is an hour old');
  clock.ms += 30 * 60_000;
  assert.equal(l.status().lockedForS, 3600 - 4 * 60 - 30 * 60);
  assert.ok(l.locked());
  clock.ms = clock.ms - 34 * 60_000 + WINDOW_MS; // the first failure is now exactly an hour old
  assert.deepEqual(l.status(), { triesLeft: 1 });
  clock.ms += 60_000;
  assert.deepEqual(l.status(), { triesLeft: 2 }, 'a sliding window: the second one ages out a minute later');
  assert.equal(l.recent().length, 3);
  const again = new Lockout(clock, l.recent());
  assert.deepEqual(again.status(), { triesLeft: 2 }, 'what is persisted restores the same status');
  const fromFuture = new Lockout(clock, [clock.ms + 10 * WINDOW_MS]);
  assert.deepEqual(fromFuture.status(), { triesLeft: 4 }, 'a failure stamped in the future (clock set back) still counts');
  clock.ms += WINDOW_MS + 1;
  assert.deepEqual(fromFuture.status(), { triesLeft: 5 }, 'but for at most an hour');
});

test('admin passwords: at least 10 characters, short ones mixed, never the setup code; the reason says what is needed', () => {
  assert.match(adminPasswordProblem('short1A') ?? '', /at least 10 characters.*This one has 7/);
  assert.match(adminPasswordProblem('aaaaaaaaaaaaaaaaaaaa') ?? '', /repeats one character/);
  assert.match(adminPasswordProblem('abcdefghijkl') ?? '', /only one kind/);
  assert.match(adminPasswordProblem('123456789012') ?? '', /only one kind/);
  assert.equal(adminPasswordProblem('abcdefghijklm'), undefined, 'longer than 12: one kind is enough');
  assert.equal(adminPasswordProblem('abcdefghi7'), undefined);
  assert.equal(adminPasswordProblem('Tr0ub4dor&3'), undefined);
  assert.match(adminPasswordProblem('ABCD-EFGH-JKLM', 'ABCDEFGHJKLM') ?? '', /must not be the setup code/);
  assert.match(adminPasswordProblem('x'.repeat(1025) + 'A') ?? '', /at most 1024/);
});

test('the admin password hash is scrypt N=2^15 r=8 p=1 with a 16-byte salt and a 32-byte key, stored with its parameters', async () => {
  const h = await hashAdminPassword('correct horse 1');
  assert.equal(h.alg, 'scrypt');
  assert.deepEqual([h.N, h.r, h.p], [2 ** 15, 8, 1]);
  assert.equal(Buffer.from(h.salt, 'base64').length, ADMIN_KDF.saltBytes);
  assert.equal(Buffer.from(h.hash, 'base64').length, 32);
  assert.ok(isAdminHash(h));
  assert.ok(await adminPasswordMatches('correct horse 1', h));
  assert.ok(!(await adminPasswordMatches('correct horse 2', h)));
  const other = await hashAdminPassword('correct horse 1');
  assert.notEqual(other.salt, h.salt, 'a fresh salt each time');
  // Other parameters (raised later) are read from the record, not from the code's constants.
  assert.ok(isAdminHash({ ...h, N: 2 ** 14 }));
  assert.ok(!isAdminHash({ ...h, N: 1000 }));
  assert.ok(!isAdminHash({ ...h, alg: 'md5' }));
});

test('a new box is unclaimed with a random code, saved at once; a restart keeps the same code', () => {
  const state = new MemoryState();
  const { log } = recordingLog();
  const clock = fakeClock();
  const box = new Box({ state, clock, log });
  assert.equal(box.claimed, false);
  assert.match(box.code() ?? '', /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.ok(state.files.has(BOX_FILE));
  assert.equal(new Box({ state, clock, log }).code(), box.code());
});

test('the seed file\'s code is the first code when valid; an invalid one is logged and a random code used', () => {
  const { log, lines } = recordingLog();
  const seeded = new Box({ state: new MemoryState(), clock: fakeClock(), log, readSeed: () => ' wxyz-2345 \n' });
  assert.equal(seeded.code(), 'WXYZ-2345');
  const bad = new Box({ state: new MemoryState(), clock: fakeClock(), log, readSeed: () => 'HELLO' });
  assert.notEqual(bad.code(), 'HELLO');
  assert.ok(lines.some((l) => /seed file's setup code cannot be used \(it has 5 characters/.test(l)), lines.join(''));
  let asked = 0;
  const state = new MemoryState();
  new Box({ state, clock: fakeClock(), log, readSeed: () => { asked++; return 'WXYZ2345'; } });
  new Box({ state, clock: fakeClock(), log, readSeed: () => { asked++; return 'WXYZ2345'; } });
  assert.equal(asked, 1, 'read only when the box\'s state is made');
});

test('codes and passwords count against one lockout, kept across restarts; a locked check does not even look', async () => {
  const state = new MemoryState();
  const { log, lines } = recordingLog();
  const clock = fakeClock();
  const box = new Box({ state, clock, log });
  const code = box.code() as string;
  assert.deepEqual(box.checkSetupCode(code.toLowerCase()), { matches: true, triesLeft: 5 });
  for (let i = 4; i >= 1; i--) assert.deepEqual(box.checkSetupCode('WRONG-CODE'), { matches: false, triesLeft: i });
  assert.ok(lines.some((l) => /Wrong setup code \(4 of 5 wrong guesses in the last hour\)/.test(l)));
  assert.ok(!lines.some((l) => l.includes('WRONG')), 'the guess is never logged');
  const restarted = new Box({ state, clock, log });
  assert.deepEqual(restarted.lockStatus(), { triesLeft: 1 });
  const last = restarted.checkSetupCode('nope-nope');
  assert.equal(last.triesLeft, 0);
  assert.equal(last.lockedForS, 3600);
  assert.deepEqual(restarted.checkSetupCode(code), { matches: false, triesLeft: 0, lockedForS: 3600 }, 'the right code too, while locked');
  clock.ms += WINDOW_MS;
  assert.equal(restarted.checkSetupCode(code).matches, true);
});

test('claim: code first (a wrong one counts), then the password (a weak one is refused and claims nothing)', async () => {
  const state = new MemoryState();
  const { log } = recordingLog();
  const box = new Box({ state, clock: fakeClock(), log });
  const code = box.code() as string;
  assert.deepEqual(await box.claim('ABCD-EFGH', 'a fine password 1'), { matches: false, triesLeft: 4 });
  await assert.rejects(box.claim(code, 'short'), (e: unknown) => e instanceof BoxRefusal && e.reason === 'password' && /at least 10/.test(e.message));
  assert.equal(box.claimed, false);
  assert.deepEqual(await box.claim(code, 'a fine password 1'), { matches: true, triesLeft: 4 });
  assert.equal(box.claimed, true);
  assert.equal(box.code(), undefined);
  assert.throws(() => box.checkSetupCode(code), (e: unknown) => e instanceof BoxRefusal && e.reason === 'claimed' && /already claimed/.test(e.message));
  await assert.rejects(box.claim(code, 'a fine password 1'), (e: unknown) => e instanceof BoxRefusal && e.reason === 'claimed');
  const saved = JSON.parse(state.files.get(BOX_FILE)?.toString() ?? '{}') as Record<string, unknown>;
  assert.equal(saved.setupCode, null);
  assert.ok(!JSON.stringify(saved).includes('a fine password 1'), 'only the hash is kept');

  const again = new Box({ state, clock: fakeClock(), log });
  assert.equal(again.claimed, true);
  assert.deepEqual(await again.checkAdminPassword('a fine password 1'), { matches: true, triesLeft: 4 });
  assert.deepEqual(await again.checkAdminPassword('a fine password 2'), { matches: false, triesLeft: 3 });
  await assert.rejects(again.changeAdminPassword('a fine password 1', 'weak'), (e: unknown) => e instanceof BoxRefusal && e.reason === 'password');
  assert.deepEqual(await again.changeAdminPassword('not it at all', 'another fine one 2'), { matches: false, triesLeft: 2 }, 'matches is about the old one');
  assert.deepEqual(await again.changeAdminPassword('a fine password 1', 'another fine one 2'), { matches: true, triesLeft: 2 });
  assert.equal((await again.checkAdminPassword('another fine one 2')).matches, true);
  assert.equal((await again.checkAdminPassword('a fine password 1')).matches, false);
});

test('parallel password guesses cannot pass the lockout together', async () => {
  const { log } = recordingLog();
  const box = new Box({ state: new MemoryState(), clock: fakeClock(), log });
  await box.claim(box.code() as string, 'a fine password 1');
  const answers = await Promise.all(Array.from({ length: 8 }, () => box.checkAdminPassword('wrong guess 12')));
  assert.deepEqual(answers.map((a) => a.triesLeft), [4, 3, 2, 1, 0, 0, 0, 0]);
  assert.equal(answers.filter((a) => a.lockedForS !== undefined).length, 4);
});

test('before the claim there is no admin password to check; a reset unclaims and forgets it', async () => {
  const state = new MemoryState();
  const { log } = recordingLog();
  const box = new Box({ state, clock: fakeClock(), log });
  await assert.rejects(box.checkAdminPassword('anything at all'), (e: unknown) => e instanceof BoxRefusal && e.reason === 'unclaimed');
  const first = box.code() as string;
  await box.claim(first, 'a fine password 1');
  await box.checkAdminPassword('wrong guess 12');
  box.nodeStarted();
  assert.equal(box.setupDone, true);
  const code = box.reset();
  assert.notEqual(code, first);
  assert.equal(box.claimed, false);
  assert.equal(box.setupDone, false);
  assert.deepEqual(box.lockStatus(), { triesLeft: 5 }, 'the owner with a shell starts with a clean slate');
  await assert.rejects(box.checkAdminPassword('a fine password 1'), (e: unknown) => e instanceof BoxRefusal && e.reason === 'unclaimed');
  assert.equal(new Box({ state, clock: fakeClock(), log }).code(), code);
});

test('a corrupt box.json is kept aside as box.json.bad and logged; the box starts unclaimed, never crashing', () => {
  for (const bad of ['{not json', '{"version":1}', JSON.stringify({ version: 1, setupCode: null, claimed: true, admin: null, setupDone: false, wantedRunning: false, failures: [] })]) {
    const state = new MemoryState('/state');
    state.write(BOX_FILE, bad);
    const { log, lines } = recordingLog();
    const box = new Box({ state, clock: fakeClock(), log });
    assert.equal(box.claimed, false);
    assert.match(box.code() ?? '', /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.equal(state.files.get(`${BOX_FILE}.bad`)?.toString(), bad);
    assert.ok(lines.some((l) => /ERROR.*box's state \/state\/box\.json cannot be used .*kept as \/state\/box\.json\.bad/.test(l)), lines.join(''));
  }
});

test('wanted running is saved; the first start after the claim completes the setup', () => {
  const state = new MemoryState();
  const { log } = recordingLog();
  const box = new Box({ state, clock: fakeClock(), log });
  box.nodeStarted();
  assert.equal(box.wantedRunning, true);
  assert.equal(box.setupDone, false, 'not claimed yet');
  box.setWantedRunning(false);
  assert.equal(new Box({ state, clock: fakeClock(), log }).wantedRunning, false);
});
