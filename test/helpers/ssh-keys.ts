// Real ssh keys for the tests, made with ssh-keygen when a test asks (never kept in the repository): one of each
// type OpenSSH makes without hardware, and the two security-key types built from their parts, since making those
// needs a FIDO token. (DSA lines are built by hand where a test needs one: newer OpenSSH cannot make them.)

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MadeKey {
  /** The .pub file's line. */
  line: string;
  /** The private key file. */
  privateFile: string;
  /** What ssh-keygen -l says of the public key: bits, fingerprint, comment and label. */
  listed: string;
}

const KEYGEN = ['ed25519', 'ecdsa-256', 'ecdsa-384', 'ecdsa-521', 'rsa-2048', 'rsa-3072', 'rsa-1024'] as const;
export type KeygenKind = (typeof KEYGEN)[number];

/** One key per kind in `dir`, each with the comment you@<kind>. */
export function makeKeys(dir: string): Record<KeygenKind, MadeKey> {
  const out = {} as Record<KeygenKind, MadeKey>;
  for (const kind of KEYGEN) {
    const [type, bits] = kind.split('-') as [string, string | undefined];
    const file = join(dir, `id_${kind}`);
    const sizeArgs = bits && type !== 'ed25519' ? ['-b', bits] : [];
    execFileSync('ssh-keygen', ['-q', '-t', type, ...sizeArgs, '-N', '', '-C', `you@${kind}`, '-f', file], { stdio: 'ignore' });
    out[kind] = { line: readFileSync(`${file}.pub`, 'utf8').trim(), privateFile: file, listed: execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`]).toString().trim() };
  }
  return out;
}

function field(b: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(b.length);
  return Buffer.concat([length, b]);
}

/** SSH wire fields (uint32 length, bytes) of strings and byte strings. */
export function wire(...parts: Array<string | Buffer>): Buffer {
  return Buffer.concat(parts.map((p) => field(typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

/** The fields of a key's data (its .pub line's second word). */
export function fields(line: string): Buffer[] {
  const blob = Buffer.from(line.split(' ')[1] as string, 'base64');
  const out: Buffer[] = [];
  for (let at = 0; at < blob.length;) {
    const n = blob.readUInt32BE(at);
    out.push(blob.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

export const keyLine = (type: string, blob: Buffer, comment = ''): string => `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;

/** The security-key (FIDO) types, from an ed25519 and a nistp256 key's parts and the application "ssh:". */
export function securityKeyLines(keys: Record<KeygenKind, MadeKey>): { ed25519: string; ecdsa: string } {
  const [, ed] = fields(keys.ed25519.line);
  const [, curve, q] = fields(keys['ecdsa-256'].line);
  return {
    ed25519: keyLine('sk-ssh-ed25519@openssh.com', wire('sk-ssh-ed25519@openssh.com', ed as Buffer, 'ssh:'), 'you@yubikey'),
    ecdsa: keyLine('sk-ecdsa-sha2-nistp256@openssh.com', wire('sk-ecdsa-sha2-nistp256@openssh.com', curve as Buffer, q as Buffer, 'ssh:'), 'you@yubikey'),
  };
}
