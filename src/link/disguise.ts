// The TLS-shaped handshake before a link's Noise handshake (the `tls` mask, docs/MESH.md "Clandestine links"): the
// dialer sends a Chrome-shaped ClientHello carrying its proof (src/tls-mask/auth.ts); the listener answers a peer
// with a ServerHello-shaped flight and anyone else through its decoy HTTPS server, as a web server would. Both then
// have a Mask that carries the link's frames in application-data records.

import { randomBytes, randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { type StaticKeyPair, generateStaticKeyPair, x25519 } from '../crypto/index.js';
import { type Clock, MasqError, PrefixAborted, readPrefix, unixSeconds } from '../system/index.js';
import {
  type AuthKeys, CONTENT, type Randomness, RecordReader, ReplayGuard, SERVER_SEALED_RECORDS, authKeys, buildClientFinish, buildClientHello,
  buildServerFlight, helloRandom, keystream, parseClientHello, parseServerHello, sealFrame, serverNameFor, serverRandom, sessionIdFor, StreamReader,
} from '../tls-mask/index.js';
import type { FrameOptions, FrameUnwrapper, Mask } from '../wire/index.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../wire/index.js';

/** Random bytes are drawn 4 KiB at a time: one system call per small record's padding would cost more than the record. */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);

export const SYSTEM_RANDOMNESS: Randomness = {
  bytes: (n) => {
    if (n > RANDOM_POOL_BYTES) return randomBytes(n);
    if (randomPool.length < n) randomPool = randomBytes(RANDOM_POOL_BYTES);
    const out = randomPool.subarray(0, n);
    randomPool = randomPool.subarray(n);
    return out;
  },
  below: (n) => randomInt(n),
};
/** The most of a first flight read before deciding: one largest TLS record. */
const MAX_HELLO_BYTES = 16_384 + 256 + 5;

/** What the listener needs: its static key, its decoy for strangers, and the replays it refuses. */
export interface DisguiseListener {
  staticKeys: StaticKeyPair;
  /** The decoy's Certificate message size, which a peer's answer imitates. */
  certificateBytes: number;
  /** Hands a stranger's connection, with the bytes it sent so far, to the decoy HTTPS server. */
  decoy(socket: Socket, seen: Buffer, why: string): void;
  replays: ReplayGuard;
  clock: Clock;
}

export interface Disguised {
  mask: Mask;
  /** Bytes that came after the handshake's shape: the first of the link's frames. */
  leftover: Buffer;
}

/** A stranger, handed to the decoy: the link attempt ends here, quietly. */
export class Stranger extends Error {}

/** readPrefix for the handshake: a peer that leaves or overflows is a link failure, named as such. */
async function readUntil<T>(socket: Socket, start: Buffer, max: number, decide: (buf: Buffer) => T | undefined, deadlineMs?: number): Promise<{ value: T; buf: Buffer }> {
  try {
    return await readPrefix(socket, start, max, decide, deadlineMs === undefined ? {} : { deadlineMs, onDeadline: () => new Stranger('no ClientHello in time') });
  } catch (e) {
    if (e instanceof PrefixAborted) throw new MasqError('LINK_AUTH', e.message === 'client closed' ? 'the neighbor closed the connection' : `more than ${max} bytes without a whole TLS handshake message`);
    throw e;
  }
}

function maskFor(secret: Buffer, clientRandom: Buffer, serverRnd: Buffer, role: 'dialer' | 'listener', rnd: Randomness): Mask {
  const send = keystream(secret, clientRandom, serverRnd, role);
  const other = role === 'dialer' ? 'listener' : 'dialer';
  return {
    name: 'tls',
    wrap: (body) => sealFrame(body, send, rnd),
    // One reader per link: its keystream runs on with every record.
    unwrap: (opts?: FrameOptions): FrameUnwrapper => new StreamReader(keystream(secret, clientRandom, serverRnd, other), opts?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES),
  };
}

/** Skips `count` records of `type` after the first record in `buf`; the bytes after them, once all are in. */
function afterRecords(buf: Buffer, first: number, expected: number[]): Buffer | undefined {
  const reader = new RecordReader();
  const records = reader.push(buf.subarray(first));
  if (records.length < expected.length) return undefined;
  records.slice(0, expected.length).forEach((r, i) => {
    if (r.type !== expected[i]) throw new MasqError('WIRE_DECODE', `a TLS record of type ${r.type} where ${expected[i] ?? '?'} belongs`);
  });
  // What came after the expected records, re-encoded as the bytes they were.
  const consumed = records.slice(0, expected.length).reduce((n, r) => n + 5 + r.fragment.length, first);
  return buf.subarray(consumed);
}

/** The dialer's side: returns once the listener answered as a peer. */
export async function disguiseDial(socket: Socket, remoteStatic: Buffer, clock: Clock, rnd: Randomness = SYSTEM_RANDOMNESS): Promise<Disguised> {
  const ephemeral = generateStaticKeyPair();
  const secret = x25519(ephemeral, remoteStatic);
  const keys: AuthKeys = authKeys(secret);
  const serverName = serverNameFor(remoteStatic);
  const random = helloRandom(keys, unixSeconds(clock), rnd.bytes(28));
  socket.write(buildClientHello({ random, sessionId: sessionIdFor(keys, random, serverName), serverName, x25519: ephemeral.publicKey, hybridX25519: generateStaticKeyPair().publicKey }, rnd));
  const { value } = await readUntil(socket, Buffer.alloc(0), MAX_HELLO_BYTES + 8192, (buf) => {
    const hello = parseServerHello(buf);
    if (hello.kind === 'invalid') throw new MasqError('LINK_AUTH', `the neighbor did not answer with TLS: ${hello.why}`);
    if (hello.kind === 'incomplete') return undefined;
    if (!hello.random.equals(serverRandom(keys, random))) {
      throw new MasqError('LINK_AUTH', 'the neighbor answered as a web server answers a stranger: it is not the Node of this descriptor, or the two clocks are more than 2 minutes apart');
    }
    const rest = afterRecords(buf, hello.length, [CONTENT.changeCipherSpec, ...Array<number>(SERVER_SEALED_RECORDS).fill(CONTENT.applicationData)]);
    return rest === undefined ? undefined : { serverRandom: hello.random, rest };
  });
  socket.write(buildClientFinish(rnd));
  return { mask: maskFor(secret, random, value.serverRandom, 'dialer', rnd), leftover: Buffer.from(value.rest) };
}

/** The listener's side: a peer's Disguised, or Stranger once the decoy has the connection. */
export async function disguiseAccept(socket: Socket, l: DisguiseListener, helloTimeoutMs: number, rnd: Randomness = SYSTEM_RANDOMNESS): Promise<Disguised> {
  let hello: ReturnType<typeof parseClientHello>;
  let seen: Buffer = Buffer.alloc(0);
  const turnAway = (why: string): never => {
    l.decoy(socket, seen, why);
    throw new Stranger(why);
  };
  try {
    ({ value: hello, buf: seen } = await readUntil(socket, Buffer.alloc(0), MAX_HELLO_BYTES, (buf) => {
      seen = buf;
      const h = parseClientHello(buf);
      return h.kind === 'incomplete' ? undefined : h;
    }, helloTimeoutMs));
  } catch (e) {
    // Whatever went wrong before a proof (silence, garbage, a close) is a stranger's doing: never an offence to ban
    // for, since a ban would answer the next try differently from a web server.
    return turnAway(e instanceof Error ? e.message : String(e));
  }
  if (hello.kind !== 'hello') return turnAway(`no ClientHello: ${hello.kind === 'invalid' ? hello.why : 'cut short'}`);
  if (!hello.x25519) return turnAway('a ClientHello without an X25519 key share');
  let secret: Buffer;
  try {
    secret = x25519(l.staticKeys, hello.x25519);
  } catch {
    return turnAway('a ClientHello with an unusable X25519 key share');
  }
  const keys = authKeys(secret);
  const verdict = l.replays.check(keys, hello, unixSeconds(l.clock));
  if (!verdict.ok) return turnAway(`a ClientHello without a Node's proof (${verdict.why})`);
  const sRandom = serverRandom(keys, hello.random);
  socket.write(buildServerFlight({ random: sRandom, sessionId: hello.sessionId, x25519: generateStaticKeyPair().publicKey }, l.certificateBytes, rnd));
  const { value: rest } = await readUntil(socket, seen.subarray(hello.length), MAX_HELLO_BYTES, (buf) => afterRecords(buf, 0, [CONTENT.changeCipherSpec, CONTENT.applicationData]));
  return { mask: maskFor(secret, hello.random, sRandom, 'listener', rnd), leftover: Buffer.from(rest) };
}
