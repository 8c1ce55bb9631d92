// Log lines a user may send to anyone who helps them: addresses, keys, wallets and descriptors replaced by what
// they were, so the line still reads.

import { isIP } from 'node:net';

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/masq:\/\/[^\s,;"')]+/gi, '<descriptor>'],
  [/\b0x[0-9a-f]{64}\b/gi, '<key>'],
  [/\b0x[0-9a-f]{40}\b/gi, '<wallet>'],
  [/\b[0-9a-f]{64}\b/gi, '<key>'],
  [/\b[A-Za-z0-9_-]{43}\b/g, '<key>'],
  [/\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b/g, '<ip>'],
];

/** Runs of hex digits and colons (and a dotted tail) that could be an IPv6 address; isIP decides. */
const IPV6_CANDIDATE = /(?<![0-9a-z:])[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*(?![0-9a-z:])/gi;

export function redact(line: string): string {
  let out = line.replace(IPV6_CANDIDATE, (m) => (isIP(m) === 6 ? '<ip>' : m));
  for (const [re, word] of RULES) out = out.replace(re, word);
  return out;
}
