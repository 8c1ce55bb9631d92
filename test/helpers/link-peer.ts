// One end of a neighbor link for the capture tests, run inside a network namespace (node --import tsx this):
//   listen MASK PORT KEYFILE      listens (a fresh identity, its X25519 public key written to KEYFILE as hex),
//                                 answers every record with the same bytes; with MASK tls, strangers meet the decoy
//   dial MASK HOST PORT KEYHEX N  links, sends N records of varied sizes, waits for each echo, closes; prints "done"

import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { generateIdentity } from '../../src/crypto/identity.js';
import { keyPairFromPrivate } from '../../src/crypto/noise.js';
import { type LinkOptions, acceptLink, createDecoy, dialLink } from '../../src/link/index.js';
import { createLogCore, createLogger, SYSTEM_CLOCK } from '../../src/system/index.js';
import { ReplayGuard, serverNameFor } from '../../src/tls-mask/index.js';

const [mode, mask, ...rest] = process.argv.slice(2);
const id = generateIdentity();
const staticKeys = keyPairFromPrivate(id.encryptionPrivate);
const base: LinkOptions = { staticKeys, publicKey: id.publicKey, chainId: 2, handshakeTimeoutMs: 5000, idleTimeoutMs: 30_000 };
const log = createLogger(createLogCore('debug'), 'Link');

if (mode === 'listen') {
  const [port, keyFile] = rest;
  const decoy = mask === 'tls' ? createDecoy(serverNameFor(id.encryptionPublic), log) : undefined;
  const opts: LinkOptions = decoy
    ? { ...base, tls: { listener: { staticKeys, certificateBytes: decoy.certificateBytes, decoy: (s, seen, why) => decoy.take(s, seen, why), replays: new ReplayGuard(), clock: SYSTEM_CLOCK } } }
    : base;
  createServer((s) => {
    acceptLink(s, opts).then((link) => link.on('record', (r) => link.send(r)), () => undefined);
  }).listen(Number(port), '0.0.0.0', () => {
    writeFileSync(keyFile as string, id.encryptionPublic.toString('hex'));
    process.stdout.write('listening\n');
  });
} else if (mode === 'dial') {
  const [host, port, keyHex, n] = rest;
  const link = await dialLink(host as string, Number(port), Buffer.from(keyHex as string, 'hex'), mask === 'tls' ? { ...base, tls: {} } : base);
  for (let i = 0; i < Number(n); i++) {
    const body = Buffer.alloc(200 + ((i * 997) % 3000), i);
    const echoed = new Promise<Buffer>((r) => link.once('record', r));
    link.send(body);
    if (!(await echoed).equals(body)) throw new Error('the echo differs');
  }
  link.close();
  process.stdout.write('done\n');
} else {
  throw new Error(`link-peer: unknown mode ${mode ?? '(none)'}`);
}
