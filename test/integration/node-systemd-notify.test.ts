// A real Node and the real systemd-notify tool against a notify socket this test binds, as systemd would: the
// Node says READY=1 with its status once the proxy and UI are up, beats the watchdog, and says STOPPING=1 on
// SIGTERM. node:dgram has no AF_UNIX, so a few lines of Python stand in for systemd's end of the socket.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { MASQ_NODE, Sandbox, freePort, waitFor } from '../helpers/processes.js';

const RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
`;

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const unavailable = !has('systemd-notify') ? 'systemd-notify is not installed' : !has('python3') ? 'python3 is not installed (it binds the notify socket)' : false;
const sandbox = new Sandbox();
after(() => sandbox.cleanup());

test('READY=1 with the status line, WATCHDOG=1 every half period, STOPPING=1 on SIGTERM', async () => {
  assert.equal(unavailable, false, String(unavailable));
  const dir = sandbox.tempDir();
  const socket = join(dir, 'notify.sock');
  const receiver = sandbox.spawn('python3', ['-c', RECEIVER, socket]);
  await waitFor('the notify socket', () => receiver.output().includes('bound'));
  const proxy = await freePort();
  const node = sandbox.spawn(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dir, '--ui-port', String(await freePort()), '--proxy-port', String(proxy)], {
    NOTIFY_SOCKET: socket,
    WATCHDOG_USEC: '400000',
  });
  const lines = (): string[] => receiver.output().split('\n');
  const ready = await waitFor('READY=1', () => lines().find((l) => l.startsWith('READY=1')), 15_000);
  assert.equal(ready, `READY=1|STATUS=zero-hop mode, proxy 127.0.0.1:${proxy}`);
  assert.ok(node.output().includes('MASQ Node ready'), 'readiness is announced once the Node is up');
  await waitFor('three watchdog beats', () => lines().filter((l) => l === 'WATCHDOG=1').length >= 3, 5000);
  node.child.kill('SIGTERM');
  assert.deepEqual(await node.exited, { code: 0, signal: null });
  assert.ok(lines().includes('STOPPING=1'), receiver.output());
  assert.doesNotMatch(node.output(), /Could not notify systemd/);
});
