// The processes bench/lan.ts runs inside the LAN's network namespaces (ip netns exec … node --import tsx this):
//   web HOST PORT                        the web server of bench/common.ts
//   dns-server ANSWER PORT HOST...       startEntryDns on PORT of each HOST, every name answered with ANSWER
//   dns-mode PROXY_PORT                  the whole-home DNS mode's doors (src/lan-entry) on ports 80 and 53 of every
//                                        address, handing port 80 to the Node's proxy on 127.0.0.1:PROXY_PORT
//   ttfb PROXY_HOST PROXY_PORT URL N     time to first byte through the proxy and direct (JSON on stdout)
//   dns-load HOST PORT MS WINDOW         queries as fast as answers come, WINDOW outstanding at most (JSON on stdout)
// The servers print "serving" once they listen and run until killed.

import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { startEntryDns } from '../src/dns/index.js';
import { startLanEntry } from '../src/lan-entry/index.js';
import { createLogCore, createLogger } from '../src/system/index.js';
import { buildQuery } from '../test/helpers/dns-wire.js';
import { ttfbSeries, webServer } from './common.js';

/** A query unanswered for this long counts as lost and frees its place in the window. */
const QUERY_TIMEOUT_MS = 1000;

export interface DnsLoad {
  lost: number;
  /** Answers per second over the sending time. */
  rate: number;
  /** Milliseconds from send to answer, sorted. */
  latencies: number[];
}

/** Sends A queries to HOST:PORT for `ms`, keeping `window` outstanding; waits QUERY_TIMEOUT_MS at most for the last. */
function dnsLoad(host: string, port: number, ms: number, window: number): Promise<DnsLoad> {
  const socket = createSocket('udp4');
  const template = buildQuery('bench.example');
  const outstanding = new Map<number, number>();
  const latencies: number[] = [];
  let nextId = 0;
  let lost = 0;
  let answeredInTime = 0;
  const t0 = performance.now();
  const deadline = t0 + ms;

  return new Promise((resolve, reject) => {
    const send = (): void => {
      // IDs cycle through 16 bits; at these rates one is reused long after its query was answered or lost.
      const id = nextId++ & 0xffff;
      // A buffer of its own: the socket may still hold the previous one when the next is written.
      const query = Buffer.from(template);
      query.writeUInt16BE(id, 0);
      outstanding.set(id, performance.now());
      socket.send(query);
    };
    const fill = (): void => {
      while (outstanding.size < window && performance.now() < deadline) send();
      if (outstanding.size === 0) finish();
    };
    const sweep = setInterval(() => {
      const now = performance.now();
      for (const [id, sent] of outstanding) {
        if (now - sent > QUERY_TIMEOUT_MS) {
          outstanding.delete(id);
          lost++;
        }
      }
      fill();
    }, 100);
    const finish = (): void => {
      clearInterval(sweep);
      socket.close();
      resolve({ lost, rate: answeredInTime / (ms / 1000), latencies: latencies.sort((a, b) => a - b) });
    };
    socket.on('message', (msg) => {
      const id = msg.readUInt16BE(0);
      const sent = outstanding.get(id);
      if (sent === undefined) return;
      // Anything but a NOERROR answer means the figures would not be of answering: stop.
      if (msg.length < 12 || (msg.readUInt16BE(2) & 0x800f) !== 0x8000 || msg.readUInt16BE(6) !== 1) return fail(new Error(`a bad answer: ${msg.toString('hex')}`));
      const now = performance.now();
      outstanding.delete(id);
      latencies.push(now - sent);
      if (now <= deadline) answeredInTime++;
      fill();
    });
    const fail = (e: Error): void => {
      clearInterval(sweep);
      socket.close();
      reject(e);
    };
    socket.once('error', fail);
    socket.connect(port, host, fill);
  });
}

async function main(args: string[]): Promise<void> {
  const [mode, ...rest] = args;
  if (mode === 'web') {
    await webServer(rest[0], Number(rest[1]));
    process.stdout.write('serving\n');
  } else if (mode === 'dns-server') {
    const [answer, port, ...hosts] = rest;
    const addresses = { ipv4: answer as string, ipv6: 'fd00::1' };
    for (const host of hosts) await startEntryDns({ host, port: Number(port), answerFor: () => addresses });
    process.stdout.write('serving\n');
  } else if (mode === 'dns-mode') {
    const settings = { on: true, proxyPort: Number(rest[0]) };
    await startLanEntry({
      http: { host: '0.0.0.0', port: 80 }, dns: { host: '0.0.0.0', port: 53 }, settings: () => settings, ownNames: () => new Set(['box']),
      interfaces: networkInterfaces, upstreams: () => [], page: (s) => s.destroy(), log: createLogger(createLogCore('warn'), 'bench'),
    });
    process.stdout.write('serving\n');
  } else if (mode === 'ttfb') {
    const [host, port, url, n] = rest;
    process.stdout.write(`${JSON.stringify(await ttfbSeries({ host: host as string, port: Number(port) }, url as string, Number(n)))}\n`);
  } else if (mode === 'dns-load') {
    const [host, port, ms, window] = rest;
    process.stdout.write(`${JSON.stringify(await dnsLoad(host as string, Number(port), Number(ms), Number(window)))}\n`);
  } else {
    throw new Error(`bench/lan-worker.ts: unknown mode ${mode ?? '(none)'}`);
  }
}

await main(process.argv.slice(2));
