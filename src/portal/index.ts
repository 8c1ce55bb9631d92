// The hotspot's captive portal: its fixed network, the probes phones send, what the page's server answers them
// (answer.ts), and dnsmasq's configuration that sends every name to the box (dnsmasq-conf.ts). Pure; masq-wifi
// runs dnsmasq with the rendered text and masq-setup sends the answers.

export { CAPTIVE_API_PATH, CAPTIVE_API_URL, HOTSPOT_NET, PORTAL_URL } from './hotspot-net.js';
export { inHotspotNet } from './hotspot-peer.js';
export { CAPTIVE_PROBES, type CaptiveProbe, probeOf, type ProbeOs } from './probes.js';
export { asksCaptiveApi, CAPTIVE_API_TYPE, captiveApiAnswer, NO_CACHE_HEADERS, type PortalAnswer, portalAnswer, type PortalRequest, requestHost } from './answer.js';
export { DHCP_OPTION_CAPTIVE_PORTAL, dnsmasqConfig, type DnsmasqOptions } from './dnsmasq-conf.js';
