// Run as a program: `node --import tsx test/helpers/ui-watch.ts <ui port> <seconds>`. Connects to a Node's UI as
// soon as it answers (retrying), prints "<opcode> <stage>" for every connectionChange broadcast and exits after
// the given time or at RouteFound. Tests start it in a Node's namespace before the Node comes up.

import { UiClient } from '../../src/ui/client.js';

const [port, seconds] = process.argv.slice(2).map(Number);
const deadline = Date.now() + (seconds ?? 30) * 1000;
let client: UiClient | undefined;
while (!client && Date.now() < deadline) {
  client = await UiClient.connect(port ?? 5333, 500).catch(() => undefined);
  if (!client) await new Promise((r) => setTimeout(r, 50));
}
if (!client) process.exit(1);
process.stdout.write('connected\n');
const done = setTimeout(() => process.exit(0), Math.max(0, deadline - Date.now()));
client.onBroadcast((m) => {
  if (m.opcode !== 'connectionChange') return;
  process.stdout.write(`connectionChange ${String(m.payload?.stage)}\n`);
  if (m.payload?.stage === 'RouteFound') {
    clearTimeout(done);
    process.exit(0);
  }
});
