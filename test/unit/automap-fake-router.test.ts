// The clients against fake routers on 127.0.0.1 (real UDP and HTTP sockets, ports injected): correct answers,
// refusals, garbage, oversized answers, wrong nonces, answers from another port and silence. Every call settles in
// bounded time with a mapping or an AutomapError, and leaves no socket behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AutomapError, type AutomapReason } from '../../src/automap/errors.js';
import { IgdClient, PcpClient, PmpClient, classify, createClients, mapFirst } from '../../src/automap/index.js';
import type { UdpTiming } from '../../src/automap/udp.js';

const LOOPBACK = '127.0.0.1';
const TIMING: UdpTiming = { initialMs: 50, totalMs: 500 };

interface FakeUdp {
  port: number;
  requests: Buffer[];
  close(): Promise<void>;
}

/** A UDP "router" that hands each request to `answer`, which may reply (any bytes) or stay silent. */
async function fakeUdp(answer: (request: Buffer, reply: (b: Buffer) => void, from: RemoteInfo) => void): Promise<FakeUdp> {
  const socket = createSocket('udp4');
  const requests: Buffer[] = [];
  socket.on('message', (msg, from) => {
    requests.push(msg);
    answer(msg, (b) => socket.send(b, from.port, from.address), from);
  });
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  return { port: socket.address().port, requests, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** A PCP success for a MAP request: nonce and internal port echoed, external port + 1, address 11.22.33.2. */
function pcpSuccess(request: Buffer, lifetime = request.readUInt32BE(4)): Buffer {
  const b = Buffer.alloc(60);
  b[0] = 2;
  b[1] = 0x81;
  b.writeUInt32BE(lifetime, 4);
  b.writeUInt32BE(77, 8);
  request.copy(b, 24, 24, 60);
  b.writeUInt16BE(request.readUInt16BE(40) + 1, 42);
  b.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 11, 22, 33, 2], 44);
  return b;
}

/** A NAT-PMP answer to an address or TCP map request. */
function pmpSuccess(request: Buffer): Buffer {
  if (request[1] === 0) return Buffer.from([0, 0x80, 0, 0, 0, 0, 0, 5, 11, 22, 33, 2]);
  const b = Buffer.alloc(16);
  b[1] = 0x82;
  b.writeUInt32BE(5, 4);
  request.copy(b, 8, 4, 6);
  request.copy(b, 10, 6, 8);
  request.copy(b, 12, 8, 12);
  return b;
}

async function rejectsWith(p: Promise<unknown>, reason: AutomapReason, text?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AutomapError, `an AutomapError, not ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    if (text) assert.match(e.message, text);
    return true;
  });
}

async function timed<T>(p: Promise<T>): Promise<number> {
  const start = Date.now();
  await p.catch(() => undefined);
  return Date.now() - start;
}

/** No UDP or TCP handle of the clients is left once the fakes are closed. */
function assertNoSockets(): void {
  const left = process.getActiveResourcesInfo().filter((r) => /UDPWRAP|TCPWRAP|TCPSERVERWRAP/.test(r));
  assert.deepEqual(left, []);
}

test('PCP: map, renew and unmap with one nonce; the external address by renewal, or from a deleting probe', async () => {
  const fake = await fakeUdp((req, reply) => reply(pcpSuccess(req, req.readUInt32BE(4) === 0 ? 0 : 300)));
  try {
    const pcp = new PcpClient(LOOPBACK, { port: fake.port, timing: TIMING });
    const m = await pcp.map(4815, 600);
    assert.deepEqual(m, { protocol: 'pcp', router: LOOPBACK, externalAddress: '11.22.33.2', externalPort: 4816, internalPort: 4815, lifetimeSec: 300 });
    const first = fake.requests[0] as Buffer;
    assert.deepEqual([...first.subarray(8, 24)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1], 'the client address is the socket\'s local address');
    assert.equal(first.readUInt32BE(4), 600);
    await pcp.map(4815, 600);
    assert.equal(await pcp.externalAddress(), '11.22.33.2');
    await pcp.unmap(m);
    const [, renewal, asked, removal] = fake.requests as [Buffer, Buffer, Buffer, Buffer];
    for (const later of [renewal, asked, removal]) assert.deepEqual(later.subarray(24, 36), first.subarray(24, 36));
    assert.equal(asked.readUInt32BE(4), 600, 'asking for the address renews the mapping');
    assert.equal(removal.readUInt32BE(4), 0);
    await rejectsWith(pcp.unmap(m), 'refused', /No PCP mapping/);
    assert.equal(await pcp.externalAddress(), '11.22.33.2');
    assert.equal((fake.requests.at(-1) as Buffer).readUInt16BE(40), 9);
  } finally {
    await fake.close();
  }
  assertNoSockets();
});

test('PCP: a refusal ends the exchange at once with the result sentence', async () => {
  const fake = await fakeUdp((req, reply) => {
    const b = pcpSuccess(req);
    b[3] = 2;
    reply(b);
  });
  try {
    const pcp = new PcpClient(LOOPBACK, { port: fake.port, timing: TIMING });
    const call = pcp.map(4815, 600);
    await rejectsWith(call, 'refused', /NOT_AUTHORIZED/);
    assert.ok((await timed(call)) < TIMING.totalMs);
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
  assertNoSockets();
});

test('PCP: garbage, oversized and wrong-nonce answers are refused by the deadline; the last one is named', async () => {
  const cases: Array<[string, (req: Buffer) => Buffer, RegExp]> = [
    ['garbage', () => Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), /opcode|version|multiple/],
    ['oversized', (req) => Buffer.concat([pcpSuccess(req), Buffer.alloc(2000)]), /exceed 1100/],
    ['wrong nonce', (req) => {
      const b = pcpSuccess(req);
      b[30] = (b[30] as number) ^ 0xff;
      return b;
    }, /nonce/],
  ];
  for (const [name, answer, text] of cases) {
    const fake = await fakeUdp((req, reply) => reply(answer(req)));
    try {
      const call = new PcpClient(LOOPBACK, { port: fake.port, timing: TIMING }).map(4815, 600);
      await rejectsWith(call, 'malformed', text);
      assert.ok(fake.requests.length > 1, `${name}: the client kept asking past a bad answer`);
    } finally {
      await fake.close();
    }
  }
  assertNoSockets();
});

test('PCP: answers from another port are ignored; silence ends after the retransmissions within the deadline', async () => {
  const other = createSocket('udp4');
  await new Promise<void>((resolve) => other.bind(0, LOOPBACK, resolve));
  const spoofer = await fakeUdp((req, _reply, from) => other.send(pcpSuccess(req), from.port, from.address));
  const silent = await fakeUdp(() => undefined);
  try {
    await rejectsWith(new PcpClient(LOOPBACK, { port: spoofer.port, timing: TIMING }).map(4815, 600), 'no-answer', /within 500 ms/);
    const call = new PcpClient(LOOPBACK, { port: silent.port, timing: TIMING }).map(4815, 600);
    const elapsed = await timed(call);
    await rejectsWith(call, 'no-answer');
    assert.ok(elapsed >= TIMING.totalMs - 20 && elapsed < TIMING.totalMs + 1500, `${elapsed} ms`);
    // Sent at 0, 50, 150 and 350 ms: the first try and retransmissions doubling the wait (the last one may still be
    // on its way when a busy machine fires it together with the deadline).
    assert.ok(silent.requests.length >= 3 && silent.requests.length <= 4, `${silent.requests.length} requests`);
  } finally {
    await spoofer.close();
    await silent.close();
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  assertNoSockets();
});

test('PCP and NAT-PMP: a closed port is a quick no-answer', async () => {
  const probe = await fakeUdp(() => undefined);
  const port = probe.port;
  await probe.close();
  for (const client of [new PcpClient(LOOPBACK, { port, timing: TIMING }), new PmpClient(LOOPBACK, { port, timing: TIMING })]) {
    await rejectsWith(client.map(4815, 600), 'no-answer');
  }
  assertNoSockets();
});

test('NAT-PMP: address then mapping, removal with lifetime 0; a PCP-only router is "not offered"', async () => {
  const fake = await fakeUdp((req, reply) => reply(pmpSuccess(req)));
  const pcpOnly = await fakeUdp((req, reply) => {
    const b = Buffer.alloc(24);
    b.set([2, 0x80 | (req[1] as number), 0, 1]);
    reply(b);
  });
  try {
    const client = new PmpClient(LOOPBACK, { port: fake.port, timing: TIMING });
    const m = await client.map(4815, 600);
    assert.deepEqual(m, { protocol: 'pmp', router: LOOPBACK, externalAddress: '11.22.33.2', externalPort: 4815, internalPort: 4815, lifetimeSec: 600 });
    await client.unmap(m);
    assert.deepEqual(fake.requests.map((r) => [...r]), [[0, 0], [0, 2, 0, 0, 0x12, 0xcf, 0x12, 0xcf, 0, 0, 2, 0x58], [0, 2, 0, 0, 0x12, 0xcf, 0, 0, 0, 0, 0, 0]]);
    await assert.rejects(client.map(4815, 0), RangeError, 'lifetime 0 would delete');
    await rejectsWith(new PmpClient(LOOPBACK, { port: pcpOnly.port, timing: TIMING }).externalAddress(), 'not-offered');
  } finally {
    await fake.close();
    await pcpOnly.close();
  }
  assertNoSockets();
});

test('mapFirst: a NAT-PMP-only router answers PCP with version 0, NAT-PMP then maps; the status says so', async () => {
  const fake = await fakeUdp((req, reply) => {
    if (req[0] === 0) reply(pmpSuccess(req));
    else reply(Buffer.from([0, 0x80 | (req[1] as number), 0, 1, 0, 0, 0, 5]));
  });
  try {
    const clients = createClients(LOOPBACK, { udp: { port: fake.port, timing: TIMING } });
    const outcome = await mapFirst(clients, undefined, 4815, 600);
    assert.equal(outcome.mapping?.protocol, 'pmp');
    const status = classify({ router: LOOPBACK, grantedAtMs: 0, ...outcome });
    assert.ok(status.state === 'mapped' && status.renewAtMs === 300_000);
    assert.deepEqual(status.attempts.map((a) => [a.protocol, a.reason]), [['pcp', 'not-offered']]);
  } finally {
    await fake.close();
  }
  assertNoSockets();
});

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** The action named by a SOAPAction header ("urn:…:WANIPConnection:1#AddPortMapping"). */
const actionOf = (req: IncomingMessage): string | undefined => /#(\w+)"/.exec(String(req.headers.soapaction ?? ''))?.[1];

interface FakeIgd {
  ssdp: FakeUdp;
  http: Server;
  httpPort: number;
  calls: Array<{ action: string; body: string }>;
  close(): Promise<void>;
}

const DESCRIPTION = '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceList><device><deviceList><device><serviceList>'
  + '<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/ctl/IPConn</controlURL></service>'
  + '</serviceList></device></deviceList></device></deviceList></device></root>';
const soap = (inner: string): string => `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
const upnpError = (code: number): string => soap(`<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError><errorCode>${code}</errorCode><errorDescription>e</errorDescription></UPnPError></detail></s:Fault>`);

/** A router that grants only permanent mappings (725 on a lease), like some consumer routers. */
const permanentOnlyRouter: Handler = (req, body, res) => {
  const action = actionOf(req);
  if (action === 'AddPortMapping' && !/<NewLeaseDuration>0</.test(body)) {
    res.writeHead(500, { 'Content-Type': 'text/xml' }).end(upnpError(725));
    return;
  }
  const out = action === 'GetExternalIPAddress' ? '<NewExternalIPAddress>11.22.33.2</NewExternalIPAddress>' : '';
  res.writeHead(200, { 'Content-Type': 'text/xml' }).end(soap(`<u:${action}Response xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">${out}</u:${action}Response>`));
};

async function fakeIgd(handler: Handler, ssdpReply?: (httpPort: number) => Buffer): Promise<FakeIgd> {
  const calls: FakeIgd['calls'] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.method === 'GET' && req.url === '/rootDesc.xml') handler(req, body, res);
      else {
        calls.push({ action: actionOf(req) ?? '?', body });
        handler(req, body, res);
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, LOOPBACK, resolve));
  const httpPort = (http.address() as AddressInfo).port;
  const ssdp = await fakeUdp((req, reply) => {
    if (!req.toString().includes('InternetGatewayDevice:1')) return;
    reply(ssdpReply ? ssdpReply(httpPort) : Buffer.from(`HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: http://${LOOPBACK}:${httpPort}/rootDesc.xml\r\n\r\n`));
  });
  return {
    ssdp, http, httpPort, calls,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await ssdp.close();
    },
  };
}

const withDescription = (control: Handler): Handler => (req, body, res) => {
  if (req.method === 'GET') res.writeHead(200, { 'Content-Type': 'text/xml' }).end(DESCRIPTION);
  else control(req, body, res);
};

const igdOptions = (fake: FakeIgd) => ({ ssdpAddress: LOOPBACK, ssdpPort: fake.ssdp.port, timeoutMs: 400, httpTimeoutMs: 400 });

test('IGD: discovery, description, a permanent mapping after 725, removal', async () => {
  const fake = await fakeIgd(withDescription(permanentOnlyRouter));
  try {
    const igd = new IgdClient(LOOPBACK, igdOptions(fake));
    const m = await igd.map(4815, 600);
    assert.deepEqual(m, { protocol: 'igdp', router: LOOPBACK, externalAddress: '11.22.33.2', externalPort: 4815, internalPort: 4815, lifetimeSec: 0 });
    assert.deepEqual(fake.calls.map((c) => c.action), ['GetExternalIPAddress', 'AddPortMapping', 'AddPortMapping']);
    assert.match(fake.calls[1]?.body ?? '', /<NewInternalClient>127\.0\.0\.1<\/NewInternalClient>.*<NewLeaseDuration>600</);
    assert.match(fake.calls[2]?.body ?? '', /<NewLeaseDuration>0</);
    await igd.unmap(m);
    assert.equal(fake.calls.at(-1)?.action, 'DeletePortMapping');
    assert.ok(fake.ssdp.requests.length >= 1);
  } finally {
    await fake.close();
  }
  assertNoSockets();
});

test('IGD: a refusal carries the UPnP sentence', async () => {
  const fake = await fakeIgd(withDescription((_req, _body, res) => res.writeHead(500).end(upnpError(606))));
  try {
    await rejectsWith(new IgdClient(LOOPBACK, igdOptions(fake)).externalAddress(), 'refused', /does not let this device.*606/);
  } finally {
    await fake.close();
  }
  assertNoSockets();
});

test('IGD: oversized, endless, silent and non-HTTP answers and bad SSDP replies are refused in bounded time', async () => {
  const cases: Array<[string, Handler | undefined, ((port: number) => Buffer) | undefined, AutomapReason, RegExp]> = [
    ['oversized description', (_q, _b, res) => res.writeHead(200, { 'Content-Length': String(100_000) }).end('x'.repeat(100_000)), undefined, 'malformed', /more than 65536 bytes/],
    ['endless chunked body', (_q, _b, res) => {
      res.writeHead(200);
      const more = (): void => {
        if (!res.destroyed && res.write('x'.repeat(16_384))) setImmediate(more);
        else if (!res.destroyed) res.once('drain', more);
      };
      more();
    }, undefined, 'malformed', /more than 65536 bytes/],
    ['silent HTTP server', () => undefined, undefined, 'no-answer', /within 400 ms/],
    ['description status 404', (_q, _b, res) => res.writeHead(404).end(), undefined, 'malformed', /HTTP 404/],
    ['SSDP garbage', undefined, () => Buffer.from('\x00\x01garbage'), 'malformed', /SSDP reply/],
    ['SSDP oversized', undefined, () => Buffer.alloc(4000, 65), 'malformed', /exceed 2048/],
    ['SSDP location elsewhere', undefined, (port) => Buffer.from(`HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: http://127.0.0.2:${port}/rootDesc.xml\r\n\r\n`), 'malformed', /not the replying router/],
  ];
  for (const [name, handler, ssdpReply, reason, text] of cases) {
    const fake = await fakeIgd(handler ?? withDescription(permanentOnlyRouter), ssdpReply);
    try {
      const call = new IgdClient(LOOPBACK, igdOptions(fake)).externalAddress();
      const elapsed = await timed(call);
      await rejectsWith(call, reason, text);
      assert.ok(elapsed < 1500, `${name}: ${elapsed} ms`);
    } finally {
      await fake.close();
    }
  }
  assertNoSockets();
});

test('IGD: a router that speaks no HTTP, and no SSDP answer at all', async () => {
  const raw = createServer();
  raw.on('connection', (s) => s.end('SSH-2.0-OpenSSH\r\n\r\n'));
  await new Promise<void>((resolve) => raw.listen(0, LOOPBACK, resolve));
  const notHttp = await fakeUdp((_req, reply) => reply(Buffer.from(`HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: http://${LOOPBACK}:${(raw.address() as AddressInfo).port}/d.xml\r\n\r\n`)));
  const silent = await fakeUdp(() => undefined);
  try {
    await rejectsWith(new IgdClient(LOOPBACK, { ssdpAddress: LOOPBACK, ssdpPort: notHttp.port, timeoutMs: 400, httpTimeoutMs: 400 }).externalAddress(), 'malformed', /broken HTTP/);
    await rejectsWith(new IgdClient(LOOPBACK, { ssdpAddress: LOOPBACK, ssdpPort: silent.port, timeoutMs: 600 }).map(4815, 600), 'no-answer', /SSDP discovery within 600 ms/);
    const n = silent.requests.length;
    assert.ok(n > 4 && n <= 8, `${n} M-SEARCHes: one per search target, sent twice`);
  } finally {
    await notHttp.close();
    await silent.close();
    await new Promise((resolve) => raw.close(resolve));
  }
  assertNoSockets();
});
