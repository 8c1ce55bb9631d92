// The one table of captive probes: what each OS fetches over plain HTTP right after joining a network, and what it
// takes as "online". The portal never gives that answer: a redirect to the page makes each of them show its own
// sign-in view. The docs (docs/CAPTIVE-PORTAL.md) and the tests read this table; add a probe here, nowhere else.

export type ProbeOs = 'apple' | 'android' | 'windows' | 'firefox';

export interface CaptiveProbe {
  os: ProbeOs;
  /** Lower case, no port. */
  host: string;
  /** Without the query string. */
  path: string;
  /**
   * What the OS takes as "online": the status, and the body when it checks one. Absent for a page the OS only
   * opens in the browser once it found a portal (it decides nothing).
   */
  online?: { status: number; body?: string };
}

const APPLE_SUCCESS = '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>';
const FIREFOX_CANONICAL = '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>';

const probes = (os: ProbeOs, hosts: readonly string[], paths: readonly string[], online: CaptiveProbe['online']): CaptiveProbe[] =>
  hosts.flatMap((host) => paths.map((path) => ({ os, host, path, online })));

export const CAPTIVE_PROBES: readonly CaptiveProbe[] = [
  // iOS, iPadOS and macOS (the Captive Network Assistant): a 200 with the word Success in this exact page.
  ...probes('apple', ['captive.apple.com', 'www.apple.com'], ['/hotspot-detect.html', '/library/test/success.html'], { status: 200, body: APPLE_SUCCESS }),
  // Android and ChromeOS: an empty 204. Any other answer (a redirect above all) means a portal.
  ...probes('android', ['connectivitycheck.gstatic.com', 'clients3.google.com', 'connectivitycheck.android.com', 'www.google.com'], ['/generate_204', '/gen_204'], { status: 204, body: '' }),
  // Windows 10 and 11 (NCSI), then the older probe; /redirect is what Windows opens in the browser on a portal.
  ...probes('windows', ['www.msftconnecttest.com'], ['/connecttest.txt'], { status: 200, body: 'Microsoft Connect Test' }),
  ...probes('windows', ['www.msftconnecttest.com'], ['/redirect'], undefined),
  ...probes('windows', ['www.msftncsi.com'], ['/ncsi.txt'], { status: 200, body: 'Microsoft NCSI' }),
  // Firefox on any OS.
  ...probes('firefox', ['detectportal.firefox.com'], ['/canonical.html'], { status: 200, body: FIREFOX_CANONICAL }),
  ...probes('firefox', ['detectportal.firefox.com'], ['/success.txt'], { status: 200, body: 'success\n' }),
];

/** The probe a request is, if it is one (host already without port, lower case; path without query). */
export function probeOf(host: string, path: string): CaptiveProbe | undefined {
  return CAPTIVE_PROBES.find((p) => p.host === host && p.path === path);
}
