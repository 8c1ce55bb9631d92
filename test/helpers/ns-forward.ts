// A TCP service of the root namespace (the test chain on 127.0.0.1) made reachable from inside a test LAN
// without giving any namespace a route out: a Unix socket in a temp dir crosses the namespace boundary (it is
// a file), a forwarder in the test process joins it to the service, and one inside a LAN host listens on TCP.

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Host } from './netns.js';
import { type Sandbox, waitFor } from './processes.js';

const IDLE_MS = 60_000;

function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  for (const s of [a, b]) {
    s.setTimeout(IDLE_MS, () => s.destroy());
    s.on('error', () => { a.destroy(); b.destroy(); });
    s.on('close', () => { a.destroy(); b.destroy(); });
  }
}

// Runs in the LAN host: TCP on 0.0.0.0:<port> → the Unix socket.
const NS_SIDE = `
const net = require('node:net');
const [path, port] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.createConnection(path);
  c.pipe(u); u.pipe(c);
  for (const s of [c, u]) { s.setTimeout(${IDLE_MS}, () => s.destroy()); s.on('error', () => { c.destroy(); u.destroy(); }); s.on('close', () => { c.destroy(); u.destroy(); }); }
}).listen(Number(port), '0.0.0.0', () => console.log('forwarding'));
`;

export interface Forward {
  /** host:port inside the LAN. */
  address: string;
  close(): Promise<void>;
}

/** Makes 127.0.0.1:`targetPort` of the test process reachable at `host.address`:`listenPort` inside the LAN. */
export async function forwardIntoLan(sandbox: Sandbox, host: Host, targetPort: number, listenPort: number): Promise<Forward> {
  const path = join(sandbox.tempDir('masq-fwd-'), 'sock');
  const server: Server = createServer((u) => pipeBoth(u, createConnection(targetPort, '127.0.0.1')));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const inner = host.spawn(process.execPath, ['-e', NS_SIDE, path, String(listenPort)]);
  await waitFor('the forwarder inside the LAN', () => inner.output().includes('forwarding') || inner.child.exitCode !== null, 10_000);
  if (inner.child.exitCode !== null) throw new Error(`the forwarder exited:\n${inner.output()}`);
  return {
    address: `${host.address}:${listenPort}`,
    close: () => new Promise<void>((resolve) => {
      inner.child.kill('SIGKILL');
      server.close(() => resolve());
    }),
  };
}
