// What a censor's box sees of a neighbor link, for each mask: two hosts in network namespaces, a link between them
// carrying 40 records each way, tcpdump on the listener's side. The capture is classified by Debian's nDPI
// (ndpiReader) and by the rules the Great Firewall applies to fully encrypted traffic (Wu et al., USENIX Security
// 2023, implemented below from the paper's description), and tshark dissects it. Then the clandestine port is
// probed as a censor would: curl, openssl s_client, a replay of the dialer's first flight, random bytes, plain HTTP.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Host, createLan, netnsAvailable } from '../helpers/netns.js';
import { ROOT, Sandbox, run, waitFor } from '../helpers/processes.js';
import { CHROMIUM } from '../helpers/browser.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

const PEER = join(ROOT, 'test', 'helpers', 'link-peer.ts');
const PORT = 443;
/** MASQ's own default clandestine port, where the plain mask runs: on 443 nDPI would guess TLS by the port alone. */
const PLAIN_PORT = 7777;
const RECORDS = 40;

/**
 * The exemptions of Wu et al. §4 for a TCP flow's first data packet: a flow none of them exempts is blocked as
 * fully encrypted. Ex1: bits set per byte outside [3.4, 4.6]; Ex2: the first six bytes printable; Ex3: more than
 * half the bytes printable; Ex4: more than 20 printable bytes in a row; Ex5: TLS or HTTP at the start.
 */
export function fullyEncryptedVerdict(payload: Buffer): { blocked: boolean; exemptions: string[] } {
  const printable = (b: number): boolean => b >= 0x20 && b <= 0x7e;
  const bits = [...payload].reduce((n, b) => n + b.toString(2).replace(/0/g, '').length, 0) / payload.length;
  let run = 0;
  let longest = 0;
  for (const b of payload) {
    run = printable(b) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  const exemptions = [
    bits <= 3.4 || bits >= 4.6 ? 'Ex1 popcount' : '',
    payload.length >= 6 && [...payload.subarray(0, 6)].every(printable) ? 'Ex2 printable prefix' : '',
    [...payload].filter(printable).length > payload.length / 2 ? 'Ex3 half printable' : '',
    longest > 20 ? 'Ex4 printable run' : '',
    ((payload[0] === 0x16 || payload[0] === 0x17) && payload[1] === 0x03 && (payload[2] ?? 0xff) <= 0x09) || /^(GET|PUT|POST|HEAD|OPTIONS|DELETE|CONNECT|PATCH) /.test(payload.toString('latin1')) ? 'Ex5 TLS or HTTP' : '',
  ].filter(Boolean);
  return { blocked: exemptions.length === 0, exemptions };
}

/**
 * JA4 (FoxIO) of a ClientHello record: t13d1516h2 (TLS 1.3, an SNI, 15 suites, 16 extensions, ALPN h2), then the first
 * 12 hex of SHA-256 over the sorted suites, and over the sorted extensions but SNI and ALPN, "_", the signature
 * algorithms in order. GREASE never counts.
 */
export function ja4(hello: Buffer): string {
  const grease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
  const hex = (v: number): string => v.toString(16).padStart(4, '0');
  const sha = (t: string): string => createHash('sha256').update(t).digest('hex').slice(0, 12);
  let p = 5 + 4 + 2 + 32;
  p += 1 + (hello[p] as number);
  const suites: number[] = [];
  const suitesEnd = p + 2 + hello.readUInt16BE(p);
  for (p += 2; p < suitesEnd; p += 2) suites.push(hello.readUInt16BE(p));
  p += 1 + (hello[p] as number);
  const extsEnd = p + 2 + hello.readUInt16BE(p);
  const exts: number[] = [];
  let sigalgs: number[] = [];
  let alpn = '';
  let version = '12';
  for (p += 2; p < extsEnd;) {
    const [type, len] = [hello.readUInt16BE(p), hello.readUInt16BE(p + 2)];
    const body = hello.subarray(p + 4, p + 4 + len);
    p += 4 + len;
    if (grease(type)) continue;
    exts.push(type);
    if (type === 0x000d) sigalgs = Array.from({ length: body.readUInt16BE(0) / 2 }, (_, i) => body.readUInt16BE(2 + 2 * i)).filter((v) => !grease(v));
    if (type === 0x0010) alpn = body.subarray(3, 3 + (body[2] as number)).toString('latin1');
    if (type === 0x002b) version = Array.from({ length: (body[0] as number) / 2 }, (_, i) => body.readUInt16BE(1 + 2 * i)).includes(0x0304) ? '13' : '12';
  }
  const real = suites.filter((v) => !grease(v));
  const a = `t${version}${exts.includes(0) ? 'd' : 'i'}${String(real.length).padStart(2, '0')}${String(exts.length).padStart(2, '0')}${alpn.slice(0, 1)}${alpn.slice(-1)}`;
  const c = `${exts.filter((e) => e !== 0x0000 && e !== 0x0010).sort((x, y) => x - y).map(hex).join(',')}_${sigalgs.map(hex).join(',')}`;
  return `${a}_${sha(real.sort((x, y) => x - y).map(hex).join(','))}_${sha(c)}`;
}

/** Debian's Chromium, headless on `b`, fetching from an openssl s_server on `a`: the JA4 of its ClientHello. */
async function chromiumJa4(a: Host, b: Host, dir: string): Promise<string> {
  const made = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=www.example.com',
    '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], {}, 30_000);
  assert.equal(made.code, 0, made.stderr);
  const server = a.spawn('openssl', ['s_server', '-accept', String(PORT), '-key', join(dir, 'k.pem'), '-cert', join(dir, 'c.pem'), '-www']);
  await waitFor('openssl s_server', () => server.output().includes('ACCEPT'), 10_000);
  const pcap = join(dir, 'chromium.pcap');
  const dump = await startDump(a, pcap);
  await b.exec(CHROMIUM, ['--headless=new', '--no-sandbox', '--ignore-certificate-errors', `--host-resolver-rules=MAP www.example.com ${a.address}`,
    `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', 'https://www.example.com/'], { timeoutMs: 30_000 });
  dump.child.kill('SIGINT');
  await dump.exited;
  server.child.kill();
  await server.exited;
  return ja4(await firstPayload(pcap));
}

async function sh(host: Host, line: string, timeoutMs = 60_000): Promise<string> {
  const r = await host.exec('sh', ['-c', line], { timeoutMs });
  assert.equal(r.code, 0, `${line}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** tcpdump on `host`'s eth0, once it captures. */
async function startDump(host: Host, pcap: string, port = PORT): Promise<ReturnType<Host['spawn']>> {
  // --immediate-mode: packets are handed over as they come, not when the kernel's buffer block times out, so a
  // SIGINT right after the traffic loses none.
  const dump = host.spawn('tcpdump', ['-i', 'eth0', '--immediate-mode', '-U', '-w', pcap, `tcp port ${port}`]);
  await waitFor('tcpdump', () => dump.output().includes('listening on'), 10_000);
  return dump;
}

/** A link with `mask` from b to a, captured on a; the pcap's path and the listener's key. */
async function capture(mask: 'tls' | 'plain', a: Host, b: Host, dir: string): Promise<{ pcap: string; key: string; port: number }> {
  const pcap = join(dir, `${mask}.pcap`);
  const keyFile = join(dir, `${mask}.key`);
  const port = mask === 'tls' ? PORT : PLAIN_PORT;
  const dump = await startDump(a, pcap, port);
  const listener = a.spawn(process.execPath, ['--import', 'tsx', PEER, 'listen', mask, String(port), keyFile]);
  await waitFor('the listener', () => listener.output().includes('listening'), 15_000);
  const key = readFileSync(keyFile, 'utf8');
  assert.match(await sh(b, `${process.execPath} --import tsx ${PEER} dial ${mask} ${a.address} ${port} ${key} ${RECORDS}`), /done/);
  // tcpdump writes each packet at once (-U); a moment for the last ones, then it is stopped.
  await new Promise((r) => setTimeout(r, 500));
  dump.child.kill('SIGINT');
  await dump.exited;
  listener.child.kill();
  await listener.exited;
  return { pcap, key, port };
}

/** The first TCP payload the dialer sent, from the capture. */
async function firstPayload(pcap: string, port = PORT): Promise<Buffer> {
  // (-c would count packets read, not packets shown.)
  const r = await run('tshark', ['-r', pcap, '-Y', `tcp.len > 0 && tcp.dstport == ${port}`, '-T', 'fields', '-e', 'tcp.payload'], {}, 30_000);
  assert.equal(r.code, 0, r.stderr);
  const first = r.stdout.split('\n').find((l) => l.trim() !== '') ?? '';
  assert.ok(first !== '', `a data packet in ${pcap}`);
  return Buffer.from(first.trim().replace(/:/g, ''), 'hex');
}

/** Two hosts on a bridge and a temp dir, for `f`; the namespaces go whatever happens. */
async function onTwoHosts(prefix: string, f: (a: Host, b: Host, dir: string) => Promise<void>): Promise<void> {
  assert.ok(await netnsAvailable(), 'network namespaces are needed (root and iproute2)');
  const lan = await createLan(sandbox, 2, { prefix });
  try {
    await f(lan.hosts[0] as Host, lan.hosts[1] as Host, sandbox.tempDir(`masq-${prefix}-`));
  } finally {
    await lan.cleanup();
  }
}

test('on the wire: the tls mask is TLS to a web server by nDPI, tshark and the GFW\'s rules; the plain mask is what they block', { timeout: 180_000 }, async () => {
  await onTwoHosts('mqcap', async (a, b, dir) => {
    const tls = await capture('tls', a, b, dir);
    const ndpi = await run('ndpiReader', ['-i', tls.pcap, '-v', '2'], {}, 60_000);
    const flow = ndpi.stdout.split('\n').find((l) => l.includes(`:${PORT} `) && l.includes('[proto:')) ?? '';
    // TLS, or TLS and the site its SNI names (nDPI says "TLS.LinkedIn" for www.linkedin.com), found by inspection.
    assert.match(flow, /\[proto: 91(\.\d+)?\/TLS(\.\w+)?\]/, ndpi.stdout);
    assert.match(flow, /\[Confidence: DPI\]/);
    const sni = /\[Hostname\/SNI: ([^\]]+)\]/.exec(flow)?.[1];
    assert.ok(sni && /^www\.|^cdn\.|^update\.|^swdist\./.test(sni), `a plausible server name: ${flow}`);
    assert.match(flow, /\[ALPN: h2;http\/1\.1\]/);
    assert.match(flow, /\[JA3C: [0-9a-f]{32}\]/);
    assert.match(flow, /\[Chrome\]/, 'nDPI names the client Chrome');
    assert.match(flow, /\[TLSv1\.3\]/);
    const malformed = await run('tshark', ['-r', tls.pcap, '-Y', '_ws.malformed || _ws.expert.severity >= "warning"'], {}, 30_000);
    assert.equal(malformed.stdout.trim(), '', `tshark finds nothing malformed: ${malformed.stdout}`);
    const records = await run('tshark', ['-r', tls.pcap, '-T', 'fields', '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name'], {}, 30_000);
    assert.match(records.stdout, new RegExp(`^1\\t${sni.replace(/\./g, '\\.')}$`, 'm'), 'a ClientHello with the SNI');
    assert.match(records.stdout, /^2\t/m, 'a ServerHello');
    const helloBytes = await firstPayload(tls.pcap);
    // The JA4 of this machine's Chromium, whose ClientHello the mask copies: the same, order-free.
    const print = ja4(helloBytes);
    assert.match(print, /^t13d1517h2_8daaf6152771_[0-9a-f]{12}$/, print);
    assert.equal(print, await chromiumJa4(a, b, dir), 'the JA4 of Debian\'s Chromium');
    const again = await capture('tls', a, b, dir);
    assert.equal(ja4(await firstPayload(again.pcap)), print, 'the same JA4 whatever the extensions\' order this time');
    const first = fullyEncryptedVerdict(helloBytes);
    // Exempt as TLS; a server name of over 20 characters (they are made from the key) also makes a printable run.
    assert.equal(first.blocked, false);
    assert.ok(first.exemptions.includes('Ex5 TLS or HTTP'), first.exemptions.join(', '));

    const plain = await capture('plain', a, b, dir);
    const ndpiPlain = await run('ndpiReader', ['-i', plain.pcap, '-v', '2'], {}, 60_000);
    const plainFlow = ndpiPlain.stdout.split('\n').find((l) => l.includes(`:${PLAIN_PORT} `) && l.includes('[proto:')) ?? '';
    assert.match(plainFlow, /\[proto: 0\/Unknown\]/, ndpiPlain.stdout);
    assert.equal(fullyEncryptedVerdict(await firstPayload(plain.pcap, PLAIN_PORT)).blocked, true, 'the plain mask is what the GFW blocks');
  });
});

test('probing the clandestine port: curl, openssl s_client, a replay, random bytes and plain HTTP meet a web server; peers still link', { timeout: 180_000 }, async () => {
  await onTwoHosts('mqprobe', async (a, b, dir) => {
    const keyFile = join(dir, 'key');
    const listener = a.spawn(process.execPath, ['--import', 'tsx', PEER, 'listen', 'tls', String(PORT), keyFile]);
    await waitFor('the listener', () => listener.output().includes('listening'), 15_000);
    const key = readFileSync(keyFile, 'utf8');
    const page = await sh(b, `curl -sk -D - --max-time 10 https://${a.address}/`);
    assert.match(page, /^HTTP\/1\.1 404 Not Found/m);
    assert.match(page, /^server: nginx/im);
    assert.match(page, /<center>nginx<\/center>/);
    const s = await b.exec('sh', ['-c', `echo | openssl s_client -connect ${a.address}:${PORT} -servername www.example.com 2>&1`], { timeoutMs: 20_000 });
    assert.match(s.stdout, /CONNECTED/);
    assert.match(s.stdout, /New, TLSv1\.3, Cipher is/);
    assert.match(s.stdout, /depth=0 CN = (www|cdn|update|swdist)\./);
    // A replay of a real dialer's first flight, recorded by tcpdump.
    const dump = await startDump(a, join(dir, 'dial.pcap'));
    assert.match(await sh(b, `${process.execPath} --import tsx ${PEER} dial tls ${a.address} ${PORT} ${key} 3`), /done/);
    await new Promise((r) => setTimeout(r, 500));
    dump.child.kill('SIGINT');
    await dump.exited;
    const flight = await firstPayload(join(dir, 'dial.pcap'));
    const replay = await b.exec(process.execPath, ['-e', `const s=require('net').connect(${PORT},'${a.address}',()=>s.write(Buffer.from('${flight.toString('hex')}','hex')));let got=Buffer.alloc(0);s.on('data',d=>{got=Buffer.concat([got,d])});s.on('close',()=>{console.log(got.length,got.subarray(0,3).toString('hex'));process.exit(0)});setTimeout(()=>{console.log(got.length,got.subarray(0,3).toString('hex'));process.exit(0)},3000)`], { timeoutMs: 10_000 });
    const [replyBytes, replyHead] = replay.stdout.trim().split(' ');
    assert.ok(Number(replyBytes) > 0 && replyHead === '160303', `a TLS answer to the replay: ${replay.stdout}`);
    for (const junk of [`head -c 700 /dev/urandom`, `printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'`]) {
      const r = await b.exec('sh', ['-c', `${junk} | timeout 10 curl -s --max-time 8 telnet://${a.address}:${PORT} -o /dev/null; echo $?`], { timeoutMs: 15_000 });
      assert.notEqual(r.stdout.trim(), '124', `the port answers ${junk} as TLS does, never hangs`);
    }
    assert.match(await sh(b, `${process.execPath} --import tsx ${PEER} dial tls ${a.address} ${PORT} ${key} 2`), /done/, 'a peer still links');
    listener.child.kill();
    assert.match(listener.output(), /Turned a stranger away at \S+ to the decoy web server: .*\(replay\)/);
  });
});
