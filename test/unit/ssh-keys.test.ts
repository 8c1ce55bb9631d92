// The ssh keys the setup page and masq take: every accepted type made by ssh-keygen now (its fingerprint as
// ssh-keygen -l shows it), what is refused and why (private keys, options, other types, wrong embedded types, bad
// base64, short RSA, oversized lines and comments), random and mutated lines at fixed seeds, which may only ever
// fail with an SshAccessError; and the login name's rules, the made-accounts list, the record and the files' texts.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  ACCESS_FILE, accessRecordText, BLOCK_BEGIN, BLOCK_END, checkLoginName, idsByName, isOurSudoers, keyLines, loginIsOurs,
  MAX_KEYS, parseAccessRecord, parseApplyStatus, parseAuthorizedKey, parseMade, SshAccessError, type SshProblem,
  sudoersName, sudoersText, withOurKeys,
} from '../../src/ssh-keys/index.js';
import { Sandbox } from '../helpers/processes.js';
import { fields, type KeygenKind, keyLine, type MadeKey, makeKeys, securityKeyLines, wire } from '../helpers/ssh-keys.js';

const FUZZ = { seed: 2718, numRuns: 600 };
const sandbox = new Sandbox();
let keys: Record<KeygenKind, MadeKey>;
before(() => { keys = makeKeys(sandbox.tempDir('masq-ssh-keys-')); });
after(() => sandbox.cleanup());

const refused = (problem: SshProblem, text?: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof SshAccessError, `an SshAccessError, not ${String(e)}`);
  assert.equal(e.problem, problem, e.message);
  assert.equal(e.code, 'SSH_ACCESS');
  assert.ok(e.fix, 'it says what to do');
  if (text) assert.match(e.describe(), text);
  return true;
};

/** Only ever a key or an SshAccessError. */
function parsesOrRefuses(line: string): void {
  try {
    parseAuthorizedKey(line);
  } catch (e) {
    assert.ok(e instanceof SshAccessError, `${JSON.stringify(line.slice(0, 80))} threw ${String(e)}`);
  }
}

test('every type ssh-keygen makes is taken, with the fingerprint, size and label ssh-keygen -l shows', () => {
  for (const kind of ['ed25519', 'ecdsa-256', 'ecdsa-384', 'ecdsa-521', 'rsa-2048', 'rsa-3072'] as const) {
    const k = parseAuthorizedKey(keys[kind].line);
    // ssh-keygen -l: "<bits> <fingerprint> <comment> (<label>)"
    assert.equal(`${k.bits} ${k.fingerprint} ${k.comment} (${k.label})`, keys[kind].listed, kind);
    assert.equal(k.line, keys[kind].line, 'the line is kept as it is');
  }
});

test('the security-key types (FIDO) are taken: their data checked field by field', () => {
  const sk = securityKeyLines(keys);
  const ed = parseAuthorizedKey(sk.ed25519);
  assert.deepEqual([ed.type, ed.label, ed.bits, ed.comment], ['sk-ssh-ed25519@openssh.com', 'ED25519-SK', 256, 'you@yubikey']);
  const ec = parseAuthorizedKey(sk.ecdsa);
  assert.deepEqual([ec.type, ec.label, ec.bits], ['sk-ecdsa-sha2-nistp256@openssh.com', 'ECDSA-SK', 256]);
  const [, pk] = fields(keys.ed25519.line);
  assert.throws(() => parseAuthorizedKey(keyLine('sk-ssh-ed25519@openssh.com', wire('sk-ssh-ed25519@openssh.com', pk as Buffer)))
    , refused('key-damaged', /ends too early/), 'no application name');
});

test('blanks, tabs, a BOM, CRLF and no comment are fine; the canonical line has single spaces', () => {
  const [type, data, comment] = keys.ed25519.line.split(' ') as [string, string, string];
  const k = parseAuthorizedKey(`\uFEFF  ${type}\t${data}   ${comment}  \r\n`);
  assert.equal(k.line, `${type} ${data} ${comment}`);
  assert.equal(parseAuthorizedKey(`${type} ${data}`).comment, '');
  assert.equal(parseAuthorizedKey(`${type} ${data} two words, ünïcode ✓`).comment, 'two words, ünïcode ✓');
});

test('a private key is refused, whatever its format, and never echoed', () => {
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', `${keys.ed25519.privateFile}-pem`], { stdio: 'ignore' });
  const privates = [...Object.values(keys).map((k) => readFileSync(k.privateFile, 'utf8')), readFileSync(`${keys.ed25519.privateFile}-pem`, 'utf8'),
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n', 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n'];
  for (const text of privates) {
    for (const parse of [parseAuthorizedKey, keyLines] as Array<(t: string) => unknown>) {
      assert.throws(() => parse(text), (e: unknown) => {
        refused('key-private', /This is a private key: paste the line from id_ed25519\.pub/)(e);
        const secretLine = text.split('\n')[1] as string;
        assert.ok(!(e as Error).message.includes(secretLine.slice(0, 20)), 'no part of it in the message');
        return true;
      });
    }
  }
  assert.throws(() => keyLines(`${keys.ed25519.line}\n${readFileSync(keys['rsa-2048'].privateFile, 'utf8')}`), refused('key-private'), 'among public keys too');
});

test('what else is pasted by mistake: SSH2 format, options, DSA, certificates, other words, nothing', () => {
  const ssh2 = execFileSync('ssh-keygen', ['-e', '-f', `${keys.ed25519.privateFile}.pub`]).toString();
  assert.throws(() => keyLines(ssh2), refused('key-ssh2', /SSH2 \(RFC 4716\)/));
  for (const options of ['command="/bin/true"', 'from="10.0.0.0/8",no-pty', 'restrict', 'no-agent-forwarding']) {
    assert.throws(() => parseAuthorizedKey(`${options} ${keys.ed25519.line}`), refused('key-options', /command= or from=/), options);
  }
  const dss = keyLine('ssh-dss', wire('ssh-dss', Buffer.alloc(128, 1), Buffer.alloc(20, 2), Buffer.alloc(128, 3), Buffer.alloc(128, 4)));
  assert.throws(() => parseAuthorizedKey(dss), refused('key-type', /DSA keys \(ssh-dss\) are too weak/));
  // A certificate: the ed25519 key signed by the ecdsa one as its CA.
  execFileSync('ssh-keygen', ['-q', '-s', keys['ecdsa-256'].privateFile, '-I', 'test', '-n', 'owner', `${keys.ed25519.privateFile}.pub`], { stdio: 'ignore' });
  assert.throws(() => parseAuthorizedKey(readFileSync(`${keys.ed25519.privateFile}-cert.pub`, 'utf8')), refused('key-type', /certificate, not a plain public key/));
  assert.throws(() => parseAuthorizedKey('ssh-foo AAAA'), refused('key-type', /ssh-foo keys are not accepted/));
  assert.throws(() => parseAuthorizedKey('hunter2'), (e: unknown) => refused('key-not-a-key', /Not an ssh public key/)(e) && !(e as Error).message.includes('hunter2'));
  assert.throws(() => parseAuthorizedKey('ssh-ed25519'), refused('key-not-a-key', /no key data/));
  for (const blank of ['', '   ', '\n', '# a comment only\n\n']) assert.throws(() => keyLines(blank), refused('key-empty'));
  assert.deepEqual(keyLines(`# mine\n${keys.ed25519.line}\r\n\n${keys['rsa-2048'].line}\n`), [keys.ed25519.line, keys['rsa-2048'].line]);
});

test('the data must be base64 of a key of the line\'s own type', () => {
  const [type, data, comment] = keys.ed25519.line.split(' ') as [string, string, string];
  for (const bad of [`${data}!`, data.slice(0, -1), `${data.slice(0, -4)}====`, `${data.slice(0, 8)} ${data.slice(8)}`]) {
    assert.throws(() => parseAuthorizedKey(`${type} ${bad} ${comment}`), (e: unknown) => e instanceof SshAccessError && ['key-base64', 'key-damaged', 'key-comment'].includes(e.problem), bad);
  }
  assert.throws(() => parseAuthorizedKey(`${type} ${data.slice(0, 20)}`), refused('key-damaged'), 'cut short');
  // The line says one type, the data holds another.
  const rsaData = keys['rsa-2048'].line.split(' ')[1] as string;
  assert.throws(() => parseAuthorizedKey(`ssh-ed25519 ${rsaData}`), refused('key-mismatch', /says ssh-ed25519, but its data holds an ssh-rsa key/));
  assert.throws(() => parseAuthorizedKey(`ecdsa-sha2-nistp384 ${keys['ecdsa-256'].line.split(' ')[1]}`), refused('key-mismatch'));
  // The right type name with the wrong curve inside, a point off the curve, trailing bytes.
  const [, , q] = fields(keys['ecdsa-256'].line);
  assert.throws(() => parseAuthorizedKey(keyLine('ecdsa-sha2-nistp256', wire('ecdsa-sha2-nistp256', 'nistp384', q as Buffer))), refused('key-mismatch'));
  const offCurve = Buffer.from(q as Buffer);
  offCurve[64] = (offCurve[64] as number) ^ 1;
  assert.throws(() => parseAuthorizedKey(keyLine('ecdsa-sha2-nistp256', wire('ecdsa-sha2-nistp256', 'nistp256', offCurve))), refused('key-damaged', /not on the nistp256 curve/));
  const [, pk] = fields(keys.ed25519.line);
  assert.throws(() => parseAuthorizedKey(keyLine('ssh-ed25519', Buffer.concat([wire('ssh-ed25519', pk as Buffer), Buffer.from([0])]))), refused('key-damaged', /more than a key/));
  assert.throws(() => parseAuthorizedKey(keyLine('ssh-ed25519', wire('ssh-ed25519', Buffer.alloc(31)))), refused('key-damaged'));
});

test('RSA: at least 2048 bits, an odd modulus and exponent, well-formed numbers', () => {
  assert.throws(() => parseAuthorizedKey(keys['rsa-1024'].line), refused('key-rsa-short', /1024 bits; at least 2048/));
  const [, e, n] = fields(keys['rsa-2048'].line);
  assert.equal(parseAuthorizedKey(keyLine('ssh-rsa', wire('ssh-rsa', e as Buffer, n as Buffer))).bits, 2048);
  const even = Buffer.from(n as Buffer);
  even[even.length - 1] = (even[even.length - 1] as number) & 0xfe;
  assert.throws(() => parseAuthorizedKey(keyLine('ssh-rsa', wire('ssh-rsa', e as Buffer, even))), refused('key-damaged'));
  assert.throws(() => parseAuthorizedKey(keyLine('ssh-rsa', wire('ssh-rsa', e as Buffer, Buffer.concat([Buffer.from([0]), n as Buffer])))), refused('key-damaged'), 'a needless leading zero');
  assert.throws(() => parseAuthorizedKey(keyLine('ssh-rsa', wire('ssh-rsa', Buffer.from([1]), n as Buffer))), refused('key-damaged'), 'exponent 1');
  assert.throws(() => parseAuthorizedKey(keyLine('ssh-rsa', wire('ssh-rsa', e as Buffer, Buffer.alloc(2050, 0x7f)))), refused('key-damaged'), 'more than 16384 bits');
});

test('sizes: lines over 16 KiB and comments over 255 characters or with control characters are refused', () => {
  const line = keys.ed25519.line;
  assert.throws(() => parseAuthorizedKey(`${line} ${'x'.repeat(17_000)}`), refused('key-too-long', /16 KiB/));
  assert.throws(() => parseAuthorizedKey(`${line} ${'é'.repeat(8200)}`), refused('key-too-long'), 'bytes, not characters');
  assert.throws(() => parseAuthorizedKey(`${line}${'x'.repeat(256)}`), (e: unknown) => e instanceof SshAccessError);
  assert.throws(() => parseAuthorizedKey(`${line.split(' ').slice(0, 2).join(' ')} ${'x'.repeat(256)}`), refused('key-comment'));
  for (const c of ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u202e', '\u2028', '\tx']) {
    assert.throws(() => parseAuthorizedKey(`${line} a${c}b`), refused('key-comment'), JSON.stringify(c));
  }
  assert.throws(() => keyLines('x'.repeat(16 * 16 * 1024 + 1)), refused('key-too-long'));
});

test('fuzz: random text, random key-like lines and mutated real keys only ever parse or fail with an SshAccessError', () => {
  const types = ['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com', 'ssh-dss', 'x'];
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => parsesOrRefuses(s)), FUZZ);
  fc.assert(fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 40 }), (t, bytes, comment) => {
    parsesOrRefuses(`${t} ${Buffer.from(bytes).toString('base64')} ${comment}`);
    parsesOrRefuses(keyLine(t, wire(t, Buffer.from(bytes)), comment));
  }), FUZZ);
  const real = Object.values(keys).map((k) => k.line).concat(Object.values(securityKeyLines(keys)));
  fc.assert(fc.property(fc.constantFrom(...real), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (line, at, byte, cut) => {
    const blob = Buffer.from(line.split(' ')[1] as string, 'base64');
    const i = at % blob.length;
    const changed = cut ? blob.subarray(0, i) : Buffer.from(blob.map((b, j) => (j === i ? byte : b)));
    parsesOrRefuses(keyLine(line.split(' ')[0] as string, changed, 'c'));
  }), FUZZ);
});

test('login names: 1 to 31 lower-case letters, digits or dashes, starting with a letter', () => {
  for (const ok of ['owner', 'o', 'box-owner-2', 'a'.repeat(31)]) assert.equal(checkLoginName(ok), ok);
  for (const bad of ['', 'Owner', '2owner', '-owner', 'own er', 'owner.x', 'a'.repeat(32), 'ówner', 'owner\n', '../etc']) {
    assert.throws(() => checkLoginName(bad), refused('user-invalid'), JSON.stringify(bad));
  }
});

test('an existing account or group is taken unless this box made it (same uid); a free name is not ours yet', () => {
  const users = idsByName('root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\nowner:x:1001:1001:MASQ:/home/owner:/bin/bash\n');
  const groups = idsByName('root:x:0:\nsudo:x:27:pi\nmasq-admin:x:995:\nowner:x:1001:\n');
  const made = parseMade('owner 1001\ngarbage line\nold 1500\n');
  assert.deepEqual([...made], [['owner', 1001], ['old', 1500]]);
  const facts = { users, groups, made };
  assert.equal(loginIsOurs('owner', facts), true);
  assert.equal(loginIsOurs('new-login', facts), false);
  assert.equal(loginIsOurs('old', facts), false, 'made once, deleted since: free again');
  assert.throws(() => loginIsOurs('pi', facts), refused('user-taken', /pi is an existing account of this system \(uid 1000\)/));
  assert.throws(() => loginIsOurs('root', facts), refused('user-taken'));
  for (const g of ['sudo', 'masq-admin']) assert.throws(() => loginIsOurs(g, facts), refused('user-taken', /existing group/));
  assert.throws(() => loginIsOurs('owner', { ...facts, made: parseMade('owner 1400') }), refused('user-taken'), 'the name was reused for another uid');
});

test('the record: round trip, and a file breaking any rule is refused as a whole', () => {
  const k = parseAuthorizedKey(keys.ed25519.line);
  const text = accessRecordText({ serial: 3, user: 'owner', keys: [k] });
  assert.equal(ACCESS_FILE, 'ssh-access.json');
  assert.deepEqual(JSON.parse(text), { version: 1, serial: 3, user: 'owner', keys: [keys.ed25519.line] });
  assert.deepEqual(parseAccessRecord(JSON.parse(text)), { serial: 3, user: 'owner', keys: [k] });
  const base = JSON.parse(text) as Record<string, unknown>;
  for (const bad of [null, [], { ...base, version: 2 }, { ...base, serial: -1 }, { ...base, serial: 1.5 }, { ...base, user: 'Root' },
    { ...base, keys: [keys['rsa-1024'].line] }, { ...base, keys: [keys.ed25519.line, keys.ed25519.line] },
    { ...base, keys: Array.from({ length: MAX_KEYS + 1 }, () => keys.ed25519.line) }, { ...base, keys: [`command="x" ${keys.ed25519.line}`] }]) {
    assert.throws(() => parseAccessRecord(bad), (e: unknown) => e instanceof SshAccessError, JSON.stringify(bad)?.slice(0, 80));
  }
  assert.deepEqual(parseApplyStatus({ version: 1, serial: 2, ok: false, message: 'x', at: 5 }), { serial: 2, ok: false, message: 'x', at: 5 });
  assert.equal(parseApplyStatus({ version: 1, serial: '2', ok: true, message: '', at: 5 }), undefined);
});

test('authorized_keys: our block is replaced, the user\'s own lines stay; sudoers says NOPASSWD for the login only', () => {
  const mine = 'ssh-ed25519 AAAAmine me@laptop';
  assert.equal(withOurKeys('', ['k1']), `${BLOCK_BEGIN}\nk1\n${BLOCK_END}\n`);
  const once = withOurKeys(`${mine}\n`, ['k1', 'k2']);
  assert.equal(once, `${mine}\n${BLOCK_BEGIN}\nk1\nk2\n${BLOCK_END}\n`);
  const edited = once.replace(`${BLOCK_END}\n`, `${BLOCK_END}\n# later\nssh-rsa AAAAlater\n`);
  assert.equal(withOurKeys(edited, ['k3']), `${mine}\n# later\nssh-rsa AAAAlater\n${BLOCK_BEGIN}\nk3\n${BLOCK_END}\n`);
  assert.equal(withOurKeys(edited, []), `${mine}\n# later\nssh-rsa AAAAlater\n`);
  assert.equal(withOurKeys(`${BLOCK_BEGIN}\nk1\n${BLOCK_END}\n`, []), '');
  // A BEGIN whose END was deleted by hand: only the marker goes, the lines after it may be the user's.
  assert.equal(withOurKeys(`${BLOCK_BEGIN}\n${mine}\n`, ['k1']), `${mine}\n${BLOCK_BEGIN}\nk1\n${BLOCK_END}\n`);
  assert.equal(sudoersName('owner'), 'masq-owner');
  assert.ok(!sudoersName('owner').includes('.'), 'sudo reads no file of sudoers.d whose name holds a dot');
  assert.match(sudoersText('owner'), /^# Written by masq-ssh-access[^\n]*\nowner ALL=\(ALL\) NOPASSWD:ALL\n$/);
  assert.ok(isOurSudoers(sudoersText('x')));
  assert.ok(!isOurSudoers('owner ALL=(ALL) ALL\n'));
});
