// masq-wifi: the box's Wi-Fi and hotspot manager (root, started by masq-wifi.service).

import { dnsmasqConfig, HOTSPOT_NET } from './portal/index.js';
import { describeError } from './system/index.js';
import { runWifi } from './wifi/index.js';

runWifi(process.argv.slice(2), {
  hotspotNet: HOTSPOT_NET,
  // The lease file and the pid file are masq-wifi's to give, on dnsmasq's command line.
  dnsmasqConf: (iface) => dnsmasqConfig({ iface }),
}).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq-wifi: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
