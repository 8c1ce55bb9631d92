// A tiny HTTP client run by the box's own Node.js inside a network namespace of the booted image (the image has no
// curl): names resolve through the namespace's resolv.conf, as a phone's would through the hotspot's DNS. It prints
// one JSON line: the status, the headers that matter and the first KiB of the body, or the error's code.

import type { QemuBox } from './qemu-box.js';

const SCRIPT = `
const http = require('node:http');
const net = require('node:net');
const [method, url, body, cookie, port] = process.argv.slice(2);
if (port) {
  const s = net.connect({ host: url, port: Number(port), timeout: 5000 });
  s.on('connect', () => { console.log(JSON.stringify({ connected: true })); s.destroy(); });
  s.on('timeout', () => { console.log(JSON.stringify({ error: 'TIMEOUT' })); s.destroy(); });
  s.on('error', (e) => console.log(JSON.stringify({ error: e.code })));
} else {
  const u = new URL(url);
  const headers = body ? { 'content-type': 'application/json', 'x-masq-setup': '1' } : {};
  if (cookie) headers.cookie = cookie;
  const req = http.request({ method, host: u.hostname, port: u.port || 80, path: u.pathname + u.search, headers, timeout: 20000 }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d) => { if (text.length < 65536) text += d; });
    res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, location: res.headers.location, type: res.headers['content-type'],
      cache: res.headers['cache-control'], cookie: (res.headers['set-cookie'] || [''])[0].split(';')[0], body: text.slice(0, 4096) })));
  });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.on('error', (e) => console.log(JSON.stringify({ error: e.code || e.message })));
  req.end(body || undefined);
}
`;

export interface GuestAnswer {
  status?: number;
  location?: string;
  type?: string;
  cache?: string;
  cookie?: string;
  body?: string;
  error?: string;
  connected?: boolean;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Puts the script on the box (once per boot). */
export async function installGuestHttp(box: QemuBox, key: string, user: string): Promise<void> {
  const b64 = Buffer.from(SCRIPT).toString('base64');
  const r = await box.ssh(key, user, `echo ${b64} | base64 -d > /tmp/guest-http.js`);
  if (r.code !== 0) throw new Error(`cannot put the HTTP client on the box: ${r.stderr}`);
}

/** One request from inside the namespace `ns` of the box. */
export async function guestHttp(box: QemuBox, key: string, user: string, ns: string, o: { method?: string; url: string; body?: unknown; cookie?: string }): Promise<GuestAnswer> {
  const args = [o.method ?? 'GET', o.url, o.body === undefined ? '' : JSON.stringify(o.body), o.cookie ?? ''].map(quote).join(' ');
  const r = await box.ssh(key, user, `sudo ip netns exec ${ns} node /tmp/guest-http.js ${args}`, 90_000);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as GuestAnswer;
  } catch {
    return { error: `no answer (${r.code}): ${r.stderr.slice(0, 300)}` };
  }
}

/** What a TCP connection to `host`:`port` from inside `ns` meets: connected, or the error (refused at once, or TIMEOUT). */
export async function guestConnect(box: QemuBox, key: string, user: string, ns: string, host: string, port: number): Promise<GuestAnswer> {
  const r = await box.ssh(key, user, `sudo ip netns exec ${ns} node /tmp/guest-http.js GET ${quote(host)} '' '' ${port}`, 90_000);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as GuestAnswer;
}
