import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { keyOf } from '../../src/neighborhood/database.js';
import { type GossipContext, type ReceivedRecord, classifyGossip } from '../../src/neighborhood/gossip-kind.js';
import type { NodeAddress, NodeRecord } from '../../src/wire/node-record.js';

const rates = { routingByteRate: 1n, routingServiceRate: 1n, exitByteRate: 1n, exitServiceRate: 1n };
function node(address?: NodeAddress, accepts = true): ReceivedRecord {
  const record: NodeRecord = { publicKey: randomBytes(64), version: 0, earningWallet: randomBytes(20), ratePack: rates, acceptsConnections: accepts, routesData: true, neighbors: [] };
  return { record, ...(address ? { address } : {}) };
}
const at = (ip: string): NodeAddress => ({ ip, ports: [5000] });
const me = node(at('11.0.0.1'));
const ctx = (known: ReceivedRecord[] = [], sourceIp = '11.0.0.2'): GossipContext => ({
  localKey: keyOf(me.record.publicKey), localIp: '11.0.0.1', sourceIp, known: (k) => known.some((r) => keyOf(r.record.publicKey) === k),
});

test('Debut: one unknown record from its own address, or without one if it accepts no connections', () => {
  assert.equal(classifyGossip([node(at('11.0.0.2'))], ctx()).kind, 'debut');
  assert.equal(classifyGossip([node(undefined, false)], ctx()).kind, 'debut');
  assert.match(String((classifyGossip([node()], ctx()) as { reason?: string }).reason), /needs its address/);
  assert.match(String((classifyGossip([node({ ip: '11.0.0.2', ports: [] })], ctx()) as { reason?: string }).reason), /needs a port/);
  assert.match(String((classifyGossip([node(at('11.0.0.2'), false)], ctx()) as { reason?: string }).reason), /may not give an address/);
});

test('Pass: one record whose address is not the sender\'s', () => {
  const r = classifyGossip([node(at('11.0.0.9'))], ctx());
  assert.deepEqual(r, { kind: 'pass', target: at('11.0.0.9') });
  const known = node(at('11.0.0.9'));
  assert.equal(classifyGossip([known], ctx([known])).kind, 'pass');
  // The sender's own record at a new address (its router's public address changed) is no Pass: it is news.
  const moved = { ...ctx([known]), sourceKey: keyOf(known.record.publicKey) };
  assert.equal(classifyGossip([known], moved).kind, 'standard');
});

test('Introduction: the sender plus an unknown Node elsewhere, in either order', () => {
  const introducer = node(at('11.0.0.2'));
  const introducee = node(at('11.0.0.3'));
  for (const pair of [[introducer, introducee], [introducee, introducer]]) {
    const r = classifyGossip(pair, ctx([introducer]));
    assert.equal(r.kind, 'introduction');
    assert.ok(r.kind === 'introduction' && r.introducee === introducee);
  }
  assert.equal(classifyGossip([introducer, introducee], ctx([introducer, introducee])).kind, 'standard', 'a known introducee makes it Standard');
});

test('Standard and malformed', () => {
  const a = node(at('11.0.0.2'));
  assert.equal(classifyGossip([a, node(at('11.0.0.5')), node()], ctx([a])).kind, 'standard');
  assert.equal(classifyGossip([a], ctx([a])).kind, 'standard', 'a known sender re-announcing itself');
  assert.equal(classifyGossip([], ctx()).kind, 'malformed');
  assert.match(String((classifyGossip([a, me], ctx([a])) as { reason?: string }).reason), /our own record/);
  assert.match(String((classifyGossip([a, node(at('11.0.0.1')), node(at('11.0.0.8'))], ctx([a])) as { reason?: string }).reason), /claims our address/);
  assert.match(String((classifyGossip([a, node(at('11.0.0.7')), node(at('11.0.0.7'))], ctx([a])) as { reason?: string }).reason), /two records claim/);
});

test('property: any Gossip gets exactly one kind, and Debut/Pass/Introduction only with their shapes', () => {
  const ips = fc.constantFrom('11.0.0.1', '11.0.0.2', '11.0.0.3', '11.0.0.4');
  const rec = fc.record({ ip: fc.option(ips), accepts: fc.boolean(), ports: fc.boolean() }).map(({ ip, accepts, ports }) =>
    node(ip === null ? undefined : { ip, ports: ports ? [5000] : [] }, accepts));
  fc.assert(fc.property(fc.array(rec, { maxLength: 5 }), fc.array(fc.nat(4)), (records, knownIdx) => {
    const known = knownIdx.map((i) => records[i]).filter((r): r is ReceivedRecord => r !== undefined);
    const k = classifyGossip(records, ctx(known));
    if (k.kind === 'debut' || k.kind === 'pass') assert.equal(records.length, 1);
    if (k.kind === 'introduction') assert.equal(records.length, 2);
  }), { numRuns: 2000, seed: 41 });
});
