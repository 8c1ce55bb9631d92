// The kernel command line on the boot partition (cmdline.txt): Imager appends to it the systemd.run= entries that
// boot firstrun.sh (taken out again once the settings are applied, or every boot would run it) and, from 1.8 on,
// the Wi-Fi country as cfg80211.ieee80211_regdom=, which the kernel applies by itself and which stays.

import { checkSize, ImagerError } from './errors.js';

export const MAX_CMDLINE_BYTES = 4096;

/** The entries that make systemd boot into kernel-command-line.target to run a script, then reboot. */
function bootsFirstrun(word: string): boolean {
  return /^systemd\.run(?:_success_action|_failure_action)?=/.test(word) || word === 'systemd.unit=kernel-command-line.target';
}

/** cmdline.txt without Imager's systemd.run entries; undefined when there were none. */
export function withoutFirstrun(cmdline: string): string | undefined {
  checkSize('cmdline.txt', cmdline, MAX_CMDLINE_BYTES);
  const words = cmdline.trim().split(/\s+/).filter((w) => w !== '');
  const kept = words.filter((w) => !bootsFirstrun(w));
  if (kept.length === words.length) return undefined;
  return `${kept.join(' ')}\n`;
}

/** The wireless country Imager put on the command line, if any. */
export function regulatoryDomain(cmdline: string): string | undefined {
  checkSize('cmdline.txt', cmdline, MAX_CMDLINE_BYTES);
  const m = /(?:^|\s)cfg80211\.ieee80211_regdom=(\S*)/.exec(cmdline);
  if (!m) return undefined;
  const code = (m[1] ?? '').toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) {
    throw new ImagerError('INVALID_VALUE', 'cmdline.txt', 'cfg80211.ieee80211_regdom is not a two-letter country code.', 'Fix it in cmdline.txt, e.g. cfg80211.ieee80211_regdom=GB.');
  }
  return code;
}
