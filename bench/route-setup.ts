// The public-key work of a new route, in process: what the originator does to build a stream's two route headers
// (three slots each, as min-hops 3 makes them), also with the slots' key pairs made ahead as a Node makes them, and
// what one hop does to open its slot. The rest of a stream's time to first byte is the mesh's round trip, measured by
// the mesh figures in bench/run.ts.

import { randomBytes } from 'node:crypto';
import { buildHeader, COMPONENT, generateEphemeralKey, generateStaticKeyPair, hopPrivateKey, type HopSpec, openHeader, PAYER_BYTES, TOKEN_BYTES } from '../src/crypto/index.js';
import type { Emit } from './common.js';

const ROUNDS = 500;
const HOPS = 3;

function hopKey(): { publicKey: Buffer; privateKey: Buffer } {
  const k = generateStaticKeyPair();
  // A Node's public key is its X25519 half and its Ed25519 half; only the first matters to a slot.
  return { publicKey: Buffer.concat([k.publicKey, randomBytes(32)]), privateKey: k.privateKey };
}

/** Mean milliseconds of `f` over ROUNDS calls, after a warm-up. */
function timed(f: () => void): number {
  for (let i = 0; i < 20; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) f();
  return (performance.now() - t0) / ROUNDS;
}

export function routeSetupFigures(emit: Emit): void {
  const keys = Array.from({ length: HOPS }, hopKey);
  const spec = (component: number): HopSpec[] => keys.map((k, i) => ({
    key: k.publicKey,
    record: { next: i < HOPS - 1 ? (keys[i + 1] as { publicKey: Buffer }).publicKey : undefined, component: (i < HOPS - 1 ? COMPONENT.relay : component) as 1 | 2 | 3, payer: Buffer.alloc(PAYER_BYTES), token: Buffer.alloc(TOKEN_BYTES) },
  }));
  const over = spec(COMPONENT.exit);
  const back = spec(COMPONENT.originator);
  emit('route_setup_originator', timed(() => { buildHeader(over); buildHeader(back); }), 'ms');
  // What a Node pays on a request's path: its EphemeralPool made the slots' key pairs in spare turns before.
  const ready = Array.from({ length: (ROUNDS + 20) * 2 * HOPS }, () => generateEphemeralKey());
  const fromReady = (): ReturnType<typeof generateEphemeralKey> => ready.pop() ?? generateEphemeralKey();
  emit('route_setup_originator_keys_ready', timed(() => { buildHeader(over, fromReady); buildHeader(back, fromReady); }), 'ms');
  const header = buildHeader(over).header;
  const own = hopPrivateKey((keys[0] as { privateKey: Buffer }).privateKey);
  emit('route_setup_per_hop', timed(() => openHeader(header, own)), 'ms');
}
