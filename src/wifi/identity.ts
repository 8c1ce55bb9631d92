// The hotspot's name and the box's mDNS name, from the host name the image gives every box (masq-xxxx, from its
// MAC) or, on a box renamed by its owner, from the radio's MAC.

const PREFIX = 'MASQ-Setup-';

/** MASQ-Setup-XXXX: the four characters after "masq-" in the host name, else the last four hex digits of the MAC. */
export function hotspotSsid(hostname: string, mac: string | undefined): string {
  const named = /^masq-([0-9a-z]{4})$/i.exec(hostname);
  if (named) return PREFIX + (named[1] as string).toUpperCase();
  const hex = (mac ?? '').replace(/[^0-9a-fA-F]/g, '');
  return PREFIX + (hex.length >= 4 ? hex.slice(-4).toUpperCase() : '0000');
}

/** The name the box answers on the network it joins (avahi publishes <hostname>.local). */
export function boxName(hostname: string): string {
  return `${hostname}.local`;
}
