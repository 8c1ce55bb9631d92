// masq-wifi: the box's Wi-Fi and hotspot manager (root, started by masq-wifi.service).

import { HOTSPOT_NET } from './portal/hotspot-net.js';
import { describeError, MasqError } from './system/index.js';
import { runWifi } from './wifi/index.js';

runWifi(process.argv.slice(2), {
  hotspotNet: HOTSPOT_NET,
  // Until the portal's renderer is merged (src/portal/index.ts's dnsmasqConfig), the hotspot refuses to start.
  dnsmasqConf: () => {
    throw new MasqError('WIFI', 'This masq-wifi was built without the portal\'s DNS and DHCP settings.', 'Install a masq-pi build that has them.');
  },
}).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq-wifi: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
