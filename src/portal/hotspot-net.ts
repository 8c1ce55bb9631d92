// The hotspot's own network: the same on every box, so the help can say "open http://192.168.4.1/" when a phone
// does not pop the page up. 192.168.4.0/24 is what RaspAP and many setup hotspots use; the box offers it only while
// it is on no other network, so it cannot clash with the home LAN it later joins.

// No node: imports here: the page (web-setup) imports these constants into the browser too.

export const HOTSPOT_NET = {
  address: '192.168.4.1',
  prefix: 24,
  dhcpFirst: '192.168.4.10',
  dhcpLast: '192.168.4.250',
  /** Short: a phone that leaves frees its address soon, and a phone that stays renews often enough. */
  leaseSeconds: 600,
} as const;

/** Where every captive probe and every foreign host is sent. */
export const PORTAL_URL = `http://${HOTSPOT_NET.address}/`;
/** The RFC 8908 captive portal API, named by DHCP option 114 (RFC 8910). */
export const CAPTIVE_API_PATH = '/captive-portal/api';
/** The API's full address, as DHCP option 114 gives it. */
export const CAPTIVE_API_URL = `http://${HOTSPOT_NET.address}${CAPTIVE_API_PATH}`;
