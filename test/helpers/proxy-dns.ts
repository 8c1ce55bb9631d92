// A tiny authoritative DNS server on 127.0.0.1 for exit tests: answers A and AAAA from a table, NXDOMAIN for
// unknown names, and never answers what is listed as silent: a name, or "name/AAAA" (to test lookup timeouts).

import { createSocket as createUdpSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { ipBytes } from '../../src/proxy/ip-bytes.js';

export interface FakeDns {
  server: string;
  queries: string[];
  close(): Promise<void>;
}

function readName(msg: Buffer, at: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let p = at;
  for (let guard = 0; guard < 64; guard++) {
    const len = msg[p];
    if (len === undefined || len > 63) return undefined;
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: p + 1 };
    labels.push(msg.subarray(p + 1, p + 1 + len).toString('latin1'));
    p += 1 + len;
  }
  return undefined;
}

export async function startFakeDns(records: Record<string, string[]>, silent: string[] = []): Promise<FakeDns> {
  const sock = createUdpSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, from) => {
    const q = readName(msg, 12);
    if (!q || msg.length < q.end + 4) return;
    const qtype = msg.readUInt16BE(q.end);
    const asked = `${q.name}/${qtype === 1 ? 'A' : qtype === 28 ? 'AAAA' : qtype}`;
    queries.push(asked);
    if (silent.includes(q.name) || silent.includes(asked)) return;
    const known = records[q.name];
    const wanted = (known ?? []).filter((a) => isIP(a) === (qtype === 1 ? 4 : qtype === 28 ? 6 : -1));
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8400 | 0x0100 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(wanted.length, 6);
    const answers = wanted.map((a) => {
      const data = ipBytes(a);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(data.length, 10);
      return Buffer.concat([rr, data]);
    });
    sock.send(Buffer.concat([header, msg.subarray(12, q.end + 4), ...answers]), from.port, from.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {
    server: `127.0.0.1:${sock.address().port}`,
    queries,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}
