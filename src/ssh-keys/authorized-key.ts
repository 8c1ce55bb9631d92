// One line of an authorized_keys file as the setup page and masq take it: a public key of a type OpenSSH accepts
// for logins, with an optional comment, and nothing else (no options such as command= or from=). Pure and bounded:
// the line's length is checked before anything else and every length inside the key's data before it is read;
// whatever does not fit is an SshAccessError saying what to paste instead.

import { createHash, createPublicKey } from 'node:crypto';
import { SshAccessError } from './errors.js';

export const MAX_KEY_LINE_BYTES = 16 * 1024;
export const MAX_COMMENT_CHARS = 255;
export const MIN_RSA_BITS = 2048;
/** OpenSSH's own limit (SSHBUF_MAX_BIGNUM). */
const MAX_RSA_BITS = 16_384;
/** A FIDO key's application string ("ssh:" unless chosen otherwise). */
const MAX_APPLICATION_BYTES = 1024;

type Curve = 'nistp256' | 'nistp384' | 'nistp521';
const CURVES: Record<Curve, { jwk: string; coordBytes: number; bits: number }> = {
  nistp256: { jwk: 'P-256', coordBytes: 32, bits: 256 },
  nistp384: { jwk: 'P-384', coordBytes: 48, bits: 384 },
  nistp521: { jwk: 'P-521', coordBytes: 66, bits: 521 },
};

interface KeyType { label: string; kind: 'ed25519' | 'ecdsa' | 'rsa'; curve?: Curve; sk?: true }

/** The key types accepted, as ssh-keygen -l labels them. */
export const KEY_TYPES: Readonly<Record<string, KeyType>> = {
  'ssh-ed25519': { label: 'ED25519', kind: 'ed25519' },
  'sk-ssh-ed25519@openssh.com': { label: 'ED25519-SK', kind: 'ed25519', sk: true },
  'ecdsa-sha2-nistp256': { label: 'ECDSA', kind: 'ecdsa', curve: 'nistp256' },
  'ecdsa-sha2-nistp384': { label: 'ECDSA', kind: 'ecdsa', curve: 'nistp384' },
  'ecdsa-sha2-nistp521': { label: 'ECDSA', kind: 'ecdsa', curve: 'nistp521' },
  'sk-ecdsa-sha2-nistp256@openssh.com': { label: 'ECDSA-SK', kind: 'ecdsa', curve: 'nistp256', sk: true },
  'ssh-rsa': { label: 'RSA', kind: 'rsa' },
};

export interface SshKey {
  /** The type name the line starts with (ssh-ed25519, …). */
  type: string;
  /** As ssh-keygen -l shows it: ED25519, ECDSA, RSA, ED25519-SK, ECDSA-SK. */
  label: string;
  bits: number;
  /** SHA256:<base64 without padding>, as ssh-keygen -l and sshd's log show it. */
  fingerprint: string;
  comment: string;
  /** The line as it is written into authorized_keys: type, data and comment, one space apart. */
  line: string;
}

const fail = (problem: ConstructorParameters<typeof SshAccessError>[0], message: string): never => {
  throw new SshAccessError(problem, message);
};

const PRIVATE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File-/;
const SSH2 = /---- BEGIN SSH2 PUBLIC KEY ----/;
/** What a type name looks like, so that one may be named back in an error: nothing secret fits it. */
const TYPE_LIKE = /^(?:ssh|ecdsa|sk|rsa|x509v3)-[a-z0-9@.-]{1,60}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Letters, marks, digits, punctuation, symbols and spaces: no control, format, private-use or unassigned characters. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]*$/u;

/** Refuses a private key or an SSH2-format key wherever it shows in pasted text (a private key is never echoed). */
export function refuseNonOpenSshText(text: string): void {
  const head = text.slice(0, MAX_KEY_LINE_BYTES);
  if (PRIVATE.test(head)) fail('key-private', 'This is a private key: paste the line from id_ed25519.pub instead (the file of the same name ending in .pub).');
  if (SSH2.test(head)) fail('key-ssh2', 'This is a public key in the SSH2 (RFC 4716) format, not OpenSSH\'s one-line format.');
}

/** Parses one authorized_keys line; throws SshAccessError with what is wrong and what to paste. */
export function parseAuthorizedKey(input: string): SshKey {
  if (input.length > MAX_KEY_LINE_BYTES || Buffer.byteLength(input) > MAX_KEY_LINE_BYTES) {
    fail('key-too-long', `This line is longer than ${MAX_KEY_LINE_BYTES / 1024} KiB: no ssh public key is that long.`);
  }
  refuseNonOpenSshText(input);
  const line = input.replace(/^\uFEFF/, '').replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (line === '') fail('key-empty', 'Nothing to add: no key was pasted.');
  const first = line.split(/[ \t]/, 1)[0] as string;
  const type = Object.hasOwn(KEY_TYPES, first) ? KEY_TYPES[first] : undefined;
  if (!type) return unknownType(first, line);
  const afterType = line.slice(first.length).replace(/^[ \t]+/, '');
  const data = afterType.split(/[ \t]/, 1)[0] as string;
  if (data === '') fail('key-not-a-key', `Not an ssh public key: the line names the type ${first} but holds no key data after it.`);
  const blob = decodeBase64(data);
  const comment = afterType.slice(data.length).replace(/^[ \t]+/, '');
  if (comment.length > MAX_COMMENT_CHARS || !PRINTABLE.test(comment)) {
    fail('key-comment', `The key's comment must be at most ${MAX_COMMENT_CHARS} printable characters.`);
  }
  const bits = checkBlob(first, type, blob);
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { type: first, label: type.label, bits, fingerprint, comment, line: comment ? `${first} ${data} ${comment}` : `${first} ${data}` };
}

function unknownType(first: string, line: string): never {
  if (TYPE_LIKE.test(first)) {
    const why = first === 'ssh-dss' ? 'DSA keys (ssh-dss) are too weak; OpenSSH no longer accepts them.'
      : first.includes('-cert-') ? `${first} is a certificate, not a plain public key.`
      : `${first} keys are not accepted here.`;
    fail('key-type', `${why} Accepted: ${Object.keys(KEY_TYPES).join(', ')} (RSA of ${MIN_RSA_BITS} bits or more).`);
  }
  // authorized_keys allows options before the type (command="…",from="…"): a line that names a type later has some.
  if (line.split(/[ \t]+/).slice(1).some((t) => Object.hasOwn(KEY_TYPES, t))) {
    fail('key-options', 'Key options such as command= or from= are not accepted.');
  }
  return fail('key-not-a-key', 'Not an ssh public key: the line must start with a key type such as ssh-ed25519, then the key\'s data.');
}

function decodeBase64(data: string): Buffer {
  if (data.length % 4 !== 0 || !BASE64.test(data)) fail('key-base64', 'The key\'s data is not valid base64: the line is damaged or cut.');
  const blob = Buffer.from(data, 'base64');
  // Buffer.from skips what it cannot read; only data that encodes back to itself is what it claims.
  if (blob.toString('base64') !== data) fail('key-base64', 'The key\'s data is not valid base64: the line is damaged or cut.');
  return blob;
}

/** SSH's wire format (RFC 4251): every field a uint32 length and that many bytes, each length checked before use. */
class WireReader {
  private at = 0;
  constructor(private readonly b: Buffer) {}

  field(max: number): Buffer {
    if (this.at + 4 > this.b.length) fail('key-damaged', 'The key\'s data ends too early: the line was cut.');
    const n = this.b.readUInt32BE(this.at);
    if (n > max || this.at + 4 + n > this.b.length) fail('key-damaged', 'The key\'s data is damaged: a field is longer than the key.');
    const out = this.b.subarray(this.at + 4, this.at + 4 + n);
    this.at += 4 + n;
    return out;
  }

  end(): void {
    if (this.at !== this.b.length) fail('key-damaged', 'The key\'s data is damaged: it holds more than a key.');
  }
}

/** Checks the decoded data against the line's type; returns the key's size in bits. */
function checkBlob(name: string, type: KeyType, blob: Buffer): number {
  const r = new WireReader(blob);
  const embedded = r.field(64).toString('latin1');
  if (embedded !== name) {
    const what = Object.hasOwn(KEY_TYPES, embedded) ? `an ${embedded} key` : 'something else';
    fail('key-mismatch', `The line says ${name}, but its data holds ${what}.`);
  }
  let bits: number;
  if (type.kind === 'ed25519') {
    if (r.field(32).length !== 32) fail('key-damaged', 'The key\'s data is damaged: an ed25519 key is 32 bytes.');
    bits = 256;
  } else if (type.kind === 'ecdsa') {
    bits = checkEcdsa(r, type.curve as Curve);
  } else {
    bits = checkRsa(r);
  }
  if (type.sk && r.field(MAX_APPLICATION_BYTES).length === 0) fail('key-damaged', 'The security key\'s application name is empty.');
  r.end();
  return bits;
}

function checkEcdsa(r: WireReader, curve: Curve): number {
  const c = CURVES[curve];
  if (r.field(16).toString('latin1') !== curve) fail('key-mismatch', `The key's data names another curve than ${curve}.`);
  const q = r.field(1 + 2 * c.coordBytes);
  if (q.length !== 1 + 2 * c.coordBytes || q[0] !== 4) fail('key-damaged', `The key's data is damaged: not a ${curve} point.`);
  const coord = (from: number): string => q.subarray(from, from + c.coordBytes).toString('base64url');
  try {
    createPublicKey({ key: { kty: 'EC', crv: c.jwk, x: coord(1), y: coord(1 + c.coordBytes) }, format: 'jwk' });
  } catch {
    // OpenSSL refuses a point that is not on the curve: whatever this is, sshd would refuse it too.
    fail('key-damaged', `The key's data is damaged: its point is not on the ${curve} curve.`);
  }
  return c.bits;
}

/** A positive mpint (RFC 4251): no sign bit, no needless leading zero. */
function positiveMpint(r: WireReader): Buffer {
  const v = r.field(MAX_RSA_BITS / 8 + 1);
  const first = v[0];
  if (first === undefined || first >= 0x80 || (first === 0 && ((v[1] ?? 0) < 0x80))) fail('key-damaged', 'The key\'s data is damaged: a number in it is malformed.');
  return first === 0 ? v.subarray(1) : v;
}

function checkRsa(r: WireReader): number {
  const e = positiveMpint(r);
  const n = positiveMpint(r);
  const odd = (x: Buffer): boolean => ((x[x.length - 1] ?? 0) & 1) === 1;
  if (!odd(e) || (e.length === 1 && e[0] === 1) || !odd(n)) fail('key-damaged', 'The key\'s data is damaged: not an RSA key.');
  const bits = (n.length - 1) * 8 + (32 - Math.clz32(n[0] as number));
  if (bits < MIN_RSA_BITS) fail('key-rsa-short', `This RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are needed.`);
  return bits;
}

/** The key lines of pasted text (a .pub file, or several): blank lines and # comments left out, each line unparsed. */
export function keyLines(text: string): string[] {
  refuseNonOpenSshText(text);
  if (text.length > 16 * MAX_KEY_LINE_BYTES) fail('key-too-long', 'This text is longer than any list of ssh public keys this box takes.');
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) fail('key-empty', 'Nothing to add: no key was pasted.');
  return lines;
}
