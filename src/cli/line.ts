// Pure handling of one interactive input line: splitting into words, and whether it may be saved in history.

export const MAX_LINE_CHARS = 64 * 1024;

/** Words separated by blanks; "double" or 'single' quotes keep blanks inside a word. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  const text = line.slice(0, MAX_LINE_CHARS);
  while ((m = re.exec(text)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

const SECRET_COMMANDS = new Set(['set-password', 'change-password', 'check-password', 'configuration', 'wallet-addresses']);
const SECRET_FLAGS = new Set(['--db-password', '--consuming-private-key', '--mnemonic-phrase', '--passphrase', '--consuming-key']);

/** Lines that carry a password or key never reach the history file. */
export function keepInHistory(words: readonly string[]): boolean {
  const [name, ...args] = words;
  if (name === undefined) return false;
  if (SECRET_COMMANDS.has(name) && args.length > 0) return false;
  return !args.some((a) => SECRET_FLAGS.has(a.split('=')[0] ?? ''));
}
