// The entry DNS server on a real UDP socket: node:dgram queries in, answers with the addresses answerFor gives.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { startEntryDns, TYPE } from '../../src/dns/index.js';
import { buildQuery, parseResponse } from '../helpers/dns-wire.js';

const closers: (() => Promise<void>)[] = [];
after(async () => { for (const c of closers) await c(); });

function ask(port: number, query: Buffer): Promise<Buffer> {
  const s = createSocket('udp4');
  closers.push(() => new Promise<void>((r) => s.close(() => r())));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 3 s')), 3000);
    s.once('message', (m) => { clearTimeout(timer); resolve(m); });
    s.send(query, port, '127.0.0.1');
  });
}

test('A and AAAA over UDP get the addresses chosen for the client; a second server on the port is refused', async () => {
  const clients: string[] = [];
  const dns = await startEntryDns({ host: '127.0.0.1', port: 0, answerFor: (ip) => { clients.push(ip); return { ipv4: '192.168.4.1', ipv6: 'fd4d::1' }; } });
  closers.push(() => dns.close());
  const a = parseResponse(await ask(dns.port, buildQuery('anything.example', { id: 7 })));
  assert.deepEqual([a.id, a.rcode, [...(a.answers[0]?.data ?? [])]], [7, 0, [192, 168, 4, 1]]);
  const aaaa = parseResponse(await ask(dns.port, buildQuery('anything.example', { id: 8, type: TYPE.AAAA })));
  assert.equal(aaaa.answers[0]?.data.toString('hex'), 'fd4d0000000000000000000000000001');
  assert.deepEqual(clients, ['127.0.0.1', '127.0.0.1']);
  await assert.rejects(startEntryDns({ host: '127.0.0.1', port: dns.port, answerFor: () => ({ ipv4: '1.2.3.4', ipv6: '::1' }) }), (e: unknown) => e instanceof Error && /cannot listen/.test(e.message));
});
