// The hotspot's firewall (nftables, its own table, so nothing else's rules are touched): a phone on the hotspot
// reaches DNS, DHCP and the setup page on port 80, and nothing else. Other TCP is reset (HTTPS fails at once
// rather than hanging, and the Node's proxy and clandestine ports are never reachable here), other UDP answered
// port-unreachable, the rest dropped; nothing is forwarded from the hotspot.

export const HOTSPOT_TABLE = 'masq_hotspot';

export function hotspotRuleset(iface: string): string {
  const i = JSON.stringify(iface);
  // Declaring and deleting the table first makes `nft -f` replace it in one transaction, whether or not it existed.
  return `table inet ${HOTSPOT_TABLE}
delete table inet ${HOTSPOT_TABLE}
table inet ${HOTSPOT_TABLE} {
  chain input {
    type filter hook input priority filter - 10; policy accept;
    iifname ${i} udp dport { 53, 67 } accept
    iifname ${i} tcp dport 80 accept
    iifname ${i} meta l4proto tcp reject with tcp reset
    iifname ${i} meta l4proto udp reject with icmpx type port-unreachable
    iifname ${i} drop
  }
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    iifname ${i} drop
    oifname ${i} drop
  }
}
`;
}
