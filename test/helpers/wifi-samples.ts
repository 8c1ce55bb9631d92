// Samples of the programs' output masq-wifi parses, written from their documented formats (iw's scan, one
// "BSS <mac>" block per access point with tab-indented fields and its RSN/WPA elements), for its tests.

/** One access point's block of `iw dev wlan0 scan`. */
export const bss = (mac: string, fields: string): string => `BSS ${mac}(on wlan0)\n${fields.replace(/^\n/, '')}`;

export const SCAN = [
  bss('00:11:22:33:44:01', `
\tlast seen: 1234.567s [boottime]
\tfreq: 2412
\tcapability: ESS Privacy ShortSlotTime (0x0411)
\tsignal: -48.00 dBm
\tSSID: Home
\tRSN:\t * Version: 1
\t\t * Group cipher: CCMP
\t\t * Pairwise ciphers: CCMP
\t\t * Authentication suites: PSK SAE
\t\t * Capabilities: 16-PTKSA-RC 1-GTKSA-RC (0x000c)
\tWPS:\t * Version: 1.0
\t\t * Authentication suites: this-is-not-an-akm`),
  bss('00:11:22:33:44:02', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -80.00 dBm
\tSSID: Home
\tRSN:\t * Version: 1
\t\t * Authentication suites: PSK`),
  bss('00:11:22:33:44:03', `
\tcapability: ESS ShortSlotTime (0x0401)
\tsignal: -71.00 dBm
\tSSID: Caf\\xc3\\xa9 libre\\x20`),
  bss('00:11:22:33:44:04', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -60.00 dBm
\tSSID: Corp
\tRSN:\t * Version: 1
\t\t * Authentication suites: IEEE 802.1X FT/IEEE 802.1X`),
  bss('00:11:22:33:44:05', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -65.00 dBm
\tSSID: Old
\tWPA:\t * Version: 1
\t\t * Group cipher: TKIP
\t\t * Authentication suites: PSK`),
  bss('00:11:22:33:44:06', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -90.00 dBm
\tSSID: Ancient`),
  bss('00:11:22:33:44:07', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -40.00 dBm
\tSSID: `),
  bss('00:11:22:33:44:08', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -41.00 dBm
\tSSID: \\x00\\x00\\x00`),
  bss('00:11:22:33:44:09', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -55.00 dBm
\tSSID: New\\x5cWave
\tRSN:\t * Version: 1
\t\t * Authentication suites: SAE`),
  bss('00:11:22:33:44:0a', `
\tcapability: ESS Privacy (0x0011)
\tsignal: -58.00 dBm
\tSSID: Bad\\xff`),
].join('\n');

