// A self-signed X.509 certificate (ECDSA P-256, SHA-256) for the decoy HTTPS server: DER written by hand, signed
// with node:crypto. What a stranger who completes a TLS handshake with a Node sees, as with any self-hosted server.

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoTime } from '../system/index.js';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const v of rest) {
    const groups: number[] = [];
    for (let x = v; ; x = Math.floor(x / 128)) {
      groups.unshift(x % 128);
      if (x < 128) break;
    }
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(out));
}

const utcTime = (d: Date): Buffer => tlv(0x17, Buffer.from(`${isoTime(d.getTime()).slice(2, 19).replace(/[-:T]/g, '')}Z`, 'ascii'));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const name = (cn: string): Buffer => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));

export interface Certificate {
  certPem: string;
  keyPem: string;
  /** The certificate's DER size: the decoy's Certificate message, which a peer's answer imitates. */
  derBytes: number;
}

/** A fresh key and a certificate for `host`, valid from a day ago for a year. */
export function selfSignedCertificate(host: string, now = new Date()): Certificate {
  // Encoded inside the generation call: exporting a generated KeyObject can deadlock Node 20 (crypto/identity.ts).
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const serial = randomBytes(16);
  // DER INTEGERs are positive and minimal: the top bit clear, and the first byte never a zero (OpenSSL refuses a
  // certificate whose serial starts with a needless zero, "illegal padding").
  serial[0] = ((serial[0] as number) & 0x7f) | 0x40;
  const from = new Date(now.getTime() - 86_400_000);
  const until = new Date(now.getTime() + 365 * 86_400_000);
  const san = seq(oid('2.5.29.17'), tlv(0x04, seq(tlv(0x82, Buffer.from(host, 'ascii')))));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), tlv(0x02, serial), ECDSA_SHA256, name(host), seq(utcTime(from), utcTime(until)), name(host),
    publicKey, tlv(0xa3, seq(san)),
  );
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), sign('sha256', tbs, privateKey)));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey,
    derBytes: der.length,
  };
}
