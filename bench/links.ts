// One neighbor link on loopback, for each mask (make bench): how long a link takes to come up (TCP, the tls mask's
// handshake shape, Noise IK), how fast one link carries records, and the CPU both ends spend per MB. Both ends run
// in this process, so the CPU figure is the pair's. Run alone: node --import tsx bench/links.ts

import { type AddressInfo, createServer } from 'node:net';
import { generateIdentity } from '../src/crypto/identity.js';
import { keyPairFromPrivate } from '../src/crypto/noise.js';
import { type Link, type LinkOptions, MAX_RECORD_BYTES, acceptLink, createDecoy, dialLink } from '../src/link/index.js';
import { createLogCore, createLogger, SYSTEM_CLOCK } from '../src/system/index.js';
import { ReplayGuard, serverNameFor } from '../src/tls-mask/index.js';
import { type Emit, emitLine, quantile } from './common.js';

const SETUPS = Number(process.env.BENCH_LINK_SETUPS ?? 50);
const BULK_MB = Number(process.env.BENCH_LINK_MB ?? 256);

function options(mask: 'tls' | 'plain'): { dial: LinkOptions; accept: LinkOptions; key: Buffer; close(): void } {
  const [a, b] = [generateIdentity(), generateIdentity()];
  const common = { chainId: 2, handshakeTimeoutMs: 5000, idleTimeoutMs: 60_000 };
  const dial: LinkOptions = { ...common, staticKeys: keyPairFromPrivate(a.encryptionPrivate), publicKey: a.publicKey, ...(mask === 'tls' ? { tls: {} } : {}) };
  const bKeys = keyPairFromPrivate(b.encryptionPrivate);
  const decoy = mask === 'tls' ? createDecoy(serverNameFor(b.encryptionPublic), createLogger(createLogCore('warn'), 'bench')) : undefined;
  const accept: LinkOptions = {
    ...common, staticKeys: bKeys, publicKey: b.publicKey,
    ...(decoy ? { tls: { listener: { staticKeys: bKeys, certificateBytes: decoy.certificateBytes, decoy: (s, seen, why) => decoy.take(s, seen, why), replays: new ReplayGuard(), clock: SYSTEM_CLOCK } } } : {}),
  };
  return { dial, accept, key: b.encryptionPublic, close: () => decoy?.close() };
}

async function measure(mask: 'tls' | 'plain', emit: Emit): Promise<void> {
  const o = options(mask);
  const accepted: Link[] = [];
  const server = createServer((s) => void acceptLink(s, o.accept).then((l) => accepted.push(l), () => undefined));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const times: number[] = [];
    for (let i = 0; i < SETUPS; i++) {
      const t0 = performance.now();
      const link = await dialLink('127.0.0.1', port, o.key, o.dial);
      times.push(performance.now() - t0);
      link.close();
    }
    times.sort((a, b) => a - b);
    emit(`link_${mask}_setup_median`, quantile(times, 0.5), 'ms');
    emit(`link_${mask}_setup_p95`, quantile(times, 0.95), 'ms');

    const link = await dialLink('127.0.0.1', port, o.key, o.dial);
    await new Promise((r) => setTimeout(r, 50));
    const far = accepted.at(-1) as Link;
    const record = Buffer.alloc(MAX_RECORD_BYTES, 0x5a);
    const total = BULK_MB * 1024 * 1024;
    let got = 0;
    const done = new Promise<void>((r) => far.on('record', (b: Buffer) => { got += b.length; if (got >= total) r(); }));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += record.length) {
      if (!link.send(record)) await link.drained();
    }
    await done;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    emit(`link_${mask}_bulk_throughput`, got / 1e6 / seconds, 'MB/s');
    emit(`link_${mask}_cpu_per_mb`, (cpu.user + cpu.system) / 1e6 / (got / 1e6), 's/MB');
    link.close();
  } finally {
    for (const l of accepted) l.close();
    server.close();
    o.close();
  }
}

export async function linkFigures(emit: Emit): Promise<void> {
  await measure('plain', emit);
  await measure('tls', emit);
}

if (import.meta.url === `file://${process.argv[1]}`) await linkFigures(emitLine);
