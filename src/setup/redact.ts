// Log lines a user may send to anyone who helps them: addresses, keys, wallets and descriptors replaced by what
// they were, so the line still reads.

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/masq:\/\/[^\s,;"')]+/gi, '<descriptor>'],
  [/\b0x[0-9a-f]{64}\b/gi, '<key>'],
  [/\b0x[0-9a-f]{40}\b/gi, '<wallet>'],
  [/\b[0-9a-f]{64}\b/gi, '<key>'],
  [/\b[A-Za-z0-9_-]{43}\b/g, '<key>'],
  [/\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b/g, '<ip>'],
  [/(?<![0-9a-z])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?![0-9a-z:])/gi, '<ip>'],
  [/(?<![0-9a-z:])::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}(?![0-9a-z:])/gi, '<ip>'],
];

export function redact(line: string): string {
  let out = line;
  for (const [re, word] of RULES) out = out.replace(re, word);
  return out;
}
