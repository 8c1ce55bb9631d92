import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { type NodeIdentity, generateIdentity } from '../../src/crypto/identity.js';
import { keyPairFromPrivate } from '../../src/crypto/noise.js';
import { type Link, dialLink } from '../../src/link/index.js';
import { RECORD_KINDS } from '../../src/mesh/transport.js';
import { Neighborhood, type NeighborhoodOptions } from '../../src/neighborhood/index.js';
import type { Logger } from '../../src/system/logger.js';
import { encodeGossip, signRecord, type NodeRecord } from '../../src/wire/node-record.js';
import { findChain } from '../../src/chains/index.js';
import { freePort, waitFor } from '../helpers/processes.js';

const CHAIN = findChain('dev');
const CHAIN_ID = CHAIN?.chainId ?? 2;
const RATES = { routingByteRate: 1n, routingServiceRate: 10n, exitByteRate: 2n, exitServiceRate: 20n };

interface Captured { logger: Logger; lines: string[] }
function capture(): Captured {
  const lines: string[] = [];
  const logger: Logger = {
    error: (m) => lines.push(`ERROR ${m}`), warn: (m) => lines.push(`WARN ${m}`), info: (m) => lines.push(`INFO ${m}`),
    debug: () => undefined, trace: () => undefined, child: () => logger, enabled: () => false,
  };
  return { logger, lines };
}

const running = new Set<Neighborhood>();
const links = new Set<Link>();
after(async () => {
  for (const l of links) l.close();
  await Promise.all([...running].map((n) => n.close()));
});

interface Started { n: Neighborhood; saved: string[]; log: Captured; stages: string[] }
async function startNode(identity: NodeIdentity, ip: string, port: number, initialNeighbors: string[]): Promise<Started> {
  const log = capture();
  const out: Started = { n: undefined as unknown as Neighborhood, saved: [], log, stages: [] };
  const o: NeighborhoodOptions = {
    identity, chain: 'dev', chainId: CHAIN_ID, mode: 'standard', ip, dialFromIp: true, clandestinePort: port, listenHost: ip,
    earningWallet: randomBytes(20), ratePack: RATES, minHops: 3, initialNeighbors,
    savePastNeighbors: (d) => { out.saved = d; return Promise.resolve(); },
    log: log.logger, linkTimeouts: { handshakeMs: 2000, idleMs: 10_000 },
  };
  out.n = await Neighborhood.start(o);
  running.add(out.n);
  out.n.on('stage', (s) => out.stages.push(s));
  return out;
}

const ip = (i: number): string => `127.0.9.${i + 1}`;
const nodes: Started[] = [];
const identities: NodeIdentity[] = [];
const ports: number[] = [];

test('seven Nodes joining through the first find each other, keep at most five neighbors and find routes', { timeout: 30_000 }, async () => {
  for (let i = 0; i < 7; i++) {
    identities.push(generateIdentity());
    ports.push(await freePort());
  }
  nodes.push(await startNode(identities[0] as NodeIdentity, ip(0), ports[0] as number, []));
  const first = nodes[0]?.n.descriptor() as string;
  for (let i = 1; i < 7; i++) nodes.push(await startNode(identities[i] as NodeIdentity, ip(i), ports[i] as number, [first]));
  await waitFor('every Node knowing all 7 records and finding a route', () =>
    nodes.every((s) => s.n.db.size() === 7 && s.stages.includes('RouteFound')), 20_000);
  for (const s of nodes) {
    const full = s.n.db.fullNeighbors(s.n.publicKeyHex);
    assert.ok(full.length >= 1 && full.length <= 5, `${full.length} full neighbors`);
    assert.equal(s.n.stage(), 'RouteFound');
    assert.ok(s.saved.length > 0, 'past neighbors persisted');
    assert.ok(s.n.route({ payloadSize: 1000 })?.over.length === 4);
  }
  // What a round trip was drawn from: the same while nothing changes, different once the route settings do.
  const n = (nodes[0] as Started).n;
  const rt = n.route({ payloadSize: 1000 });
  assert.ok(rt);
  const stamp = n.routeStamp(rt);
  assert.equal(n.routeStamp(rt), stamp);
  assert.match(stamp, /^\d+:(\d+,){7}\d+$/, 'every Node of the round trip has its record version in it');
  n.setMinHops(3);
  assert.notEqual(n.routeStamp(rt), stamp);
});

test('a Node restarted with the same key rejoins through the neighbors it saved', { timeout: 20_000 }, async () => {
  const victim = nodes[6] as Started;
  const saved = [...victim.saved];
  assert.ok(saved.length > 0);
  await victim.n.close();
  running.delete(victim.n);
  const again = await startNode(identities[6] as NodeIdentity, ip(6), ports[6] as number, saved);
  nodes[6] = again;
  await waitFor('the restarted Node to have full neighbors again', () => again.n.db.fullNeighbors(again.n.publicKeyHex).length > 0, 15_000);
  await waitFor('a route again', () => again.stages.includes('RouteFound'), 10_000);
  // Its neighbors took its new record (a new version), not a ban.
  assert.ok(nodes.every((s) => !s.log.lines.some((l) => l.includes('Banned'))), 'nobody was banned');
});

test('a new earning wallet is gossiped to every Node, with no ban for the changed record', { timeout: 20_000 }, async () => {
  const payee = nodes[3] as Started;
  const wallet = randomBytes(20);
  payee.n.setEarningWallet(wallet);
  await waitFor('every Node holding the new earning wallet', () =>
    nodes.every((s) => s.n.db.get(payee.n.publicKeyHex)?.record.earningWallet.equals(wallet)), 15_000);
  assert.ok(nodes.every((s) => !s.log.lines.some((l) => l.includes('Banned'))), 'nobody was banned');
});

function attackerRecord(identity: NodeIdentity, version: number, neighbors: Buffer[] = []): NodeRecord {
  return { publicKey: identity.publicKey, version, earningWallet: randomBytes(20), ratePack: RATES, acceptsConnections: false, routesData: true, neighbors };
}

async function attack(identity: NodeIdentity, from: string, target: Started, targetIp: string, targetPort: number): Promise<Link> {
  const x = Buffer.from(target.n.publicKeyHex, 'hex').subarray(0, 32);
  const link = await dialLink(targetIp, targetPort, x, { staticKeys: keyPairFromPrivate(identity.encryptionPrivate), publicKey: identity.publicKey, chainId: CHAIN_ID, localAddress: from, handshakeTimeoutMs: 2000 });
  links.add(link);
  return link;
}

const closed = (l: Link): Promise<void> => new Promise((r) => l.once('close', () => r()));

/** A new link from the banned key closes at once (or cannot even be made). */
async function refused(identity: NodeIdentity, from: string, target: Started, i: number): Promise<void> {
  try {
    const l = await attack(identity, from, target, ip(i), ports[i] as number);
    await Promise.race([closed(l), new Promise((_, rej) => setTimeout(() => rej(new Error('the banned key kept its link')), 3000))]);
  } catch (e) {
    assert.doesNotMatch(String(e), /kept its link/);
  }
}

test('a forged record signature bans its sender; the Node serves others still', { timeout: 15_000 }, async () => {
  const target = nodes[1] as Started;
  const evil = generateIdentity();
  const link = await attack(evil, '127.0.9.50', target, ip(1), ports[1] as number);
  const signed = signRecord(evil, CHAIN_ID, attackerRecord(evil, 5));
  const forged = { ...signed, signature: Buffer.from(signed.signature).fill(7, 0, 8) };
  const gone = closed(link);
  link.send(Buffer.concat([Buffer.from([RECORD_KINDS.gossip]), encodeGossip([forged])]));
  await gone;
  assert.ok(target.log.lines.some((l) => /^WARN Banned \S+ \(127\.0\.9\.50\) for 600 s: a record whose signature/.test(l)), target.log.lines.join('\n'));
  await refused(evil, '127.0.9.52', target, 1);
  assert.ok(target.n.db.fullNeighbors(target.n.publicKeyHex).length > 0);
  assert.ok(target.n.route({ payloadSize: 1000 }));
});

test('an older own record after a newer one on the same link is stale: dropped, no ban, the link stays', { timeout: 15_000 }, async () => {
  const target = nodes[2] as Started;
  const evil = generateIdentity();
  const link = await attack(evil, '127.0.9.53', target, ip(2), ports[2] as number);
  // Two records make it Standard Gossip, taken whatever the target's degree (a lone record would be a Debut).
  const friend = generateIdentity();
  const friendRecord = signRecord(friend, CHAIN_ID, attackerRecord(friend, 1, [evil.publicKey]));
  const send = (v: number): boolean => link.send(Buffer.concat([Buffer.from([RECORD_KINDS.gossip]), encodeGossip([signRecord(evil, CHAIN_ID, attackerRecord(evil, v, [friend.publicKey])), friendRecord])]));
  send(10);
  await waitFor('the sender\'s record to be taken', () => target.n.db.get(evil.publicKey.toString('hex'))?.record.version === 10, 5000);
  let linkClosed = false;
  link.once('close', () => { linkClosed = true; });
  // Only the owner can send over its link, so an older version is its own Gossip overtaken, not someone's replay.
  send(5);
  send(11);
  await waitFor('the newer record to be taken', () => target.n.db.get(evil.publicKey.toString('hex'))?.record.version === 11, 5000);
  assert.equal(linkClosed, false, 'the link stays');
  assert.ok(!target.log.lines.some((l) => l.includes('Banned') && l.includes('127.0.9.53')), target.log.lines.join('\n'));
  link.close();
});

test('garbage on the clandestine port three times bans the address; the Node stays up', { timeout: 15_000 }, async () => {
  const target = nodes[3] as Started;
  const junk = async (): Promise<boolean> => new Promise((resolve) => {
    const s = connect({ host: ip(3), port: ports[3] as number, localAddress: '127.0.9.60' });
    let wrote = false;
    s.on('connect', () => { wrote = true; s.write(randomBytes(64 * 1024)); });
    s.on('error', () => undefined);
    s.on('close', () => resolve(wrote));
  });
  for (let i = 0; i < 3; i++) await junk();
  await waitFor('the ban', () => target.log.lines.some((l) => l.includes('(127.0.9.60)') && l.includes('Banned')), 5000);
  assert.ok(target.n.db.fullNeighbors(target.n.publicKeyHex).length > 0);
  // The banned address is cut off before any handshake; others still link.
  const evil = generateIdentity();
  await refused(evil, '127.0.9.60', target, 3);
  const fine = await attack(generateIdentity(), '127.0.9.61', target, ip(3), ports[3] as number);
  let fineClosed = false;
  fine.once('close', () => { fineClosed = true; });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(fineClosed, false);
});

test('oversized Gossip, a contradicting record and an unknown record kind each ban their sender', { timeout: 20_000 }, async () => {
  const target = nodes[4] as Started;
  const gossip = (b: Buffer): Buffer => Buffer.concat([Buffer.from([RECORD_KINDS.gossip]), b]);
  const banned = (from: string, text: string): boolean => target.log.lines.some((l) => l.includes(`(${from})`) && l.includes('Banned') && l.includes(text));

  // Oversized: a Gossip claiming more records than the limit (the count byte says 255).
  const big = generateIdentity();
  const l1 = await attack(big, '127.0.9.70', target, ip(4), ports[4] as number);
  const oversized = encodeGossip([signRecord(big, CHAIN_ID, attackerRecord(big, 1))]);
  oversized[1] = 255;
  l1.send(gossip(oversized));
  await closed(l1);
  assert.ok(banned('127.0.9.70', 'exceeds a limit'), target.log.lines.join('\n'));

  // Contradicting: the same Node announcing a new rate pack under a newer version.
  const liar = generateIdentity();
  const friend = generateIdentity();
  const friendRecord = signRecord(friend, CHAIN_ID, attackerRecord(friend, 1, [liar.publicKey]));
  const l2 = await attack(liar, '127.0.9.71', target, ip(4), ports[4] as number);
  const first = attackerRecord(liar, 10, [friend.publicKey]);
  l2.send(gossip(encodeGossip([signRecord(liar, CHAIN_ID, first), friendRecord])));
  await waitFor('the first record to be taken', () => target.n.db.get(liar.publicKey.toString('hex'))?.record.version === 10, 5000);
  const changed = { ...first, version: 11, ratePack: { ...RATES, exitByteRate: 1n } };
  l2.send(gossip(encodeGossip([signRecord(liar, CHAIN_ID, changed), friendRecord])));
  await closed(l2);
  assert.ok(banned('127.0.9.71', 'contradicting'), target.log.lines.join('\n'));
  assert.equal(target.n.db.get(liar.publicKey.toString('hex'))?.record.ratePack.exitByteRate, RATES.exitByteRate, 'the old rates stand');

  // Unknown kind: a record whose first byte names nothing.
  const odd = generateIdentity();
  const l3 = await attack(odd, '127.0.9.72', target, ip(4), ports[4] as number);
  l3.send(Buffer.from([200, 1, 2, 3]));
  await closed(l3);
  assert.ok(banned('127.0.9.72', 'unknown kind'), target.log.lines.join('\n'));

  assert.ok(target.n.route({ payloadSize: 1000 }), 'the Node still routes');
});
