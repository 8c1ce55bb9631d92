// The two files the applier writes for the login: its sudoers drop-in and its authorized_keys, where the keys of
// the setup page are one marked block, replaced at each change; lines outside it are the user's own and stay.

/** sshd ignores lines starting with '#'. */
export const BLOCK_BEGIN = '# BEGIN keys from the MASQ setup page: replaced at each change there; add your own outside this block';
export const BLOCK_END = '# END keys from the MASQ setup page';
/** An authorized_keys larger than this is not read (no sshd user needs one). */
export const MAX_AUTHORIZED_KEYS_BYTES = 1024 * 1024;

/** The file's text with our block holding exactly `lines` (none: no block). A BEGIN without its END loses only its marker. */
export function withOurKeys(existing: string, lines: readonly string[]): string {
  const rows = existing.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const end = rows[i] === BLOCK_BEGIN ? rows.indexOf(BLOCK_END, i + 1) : -1;
    if (end >= 0) i = end;
    else if (rows[i] !== BLOCK_BEGIN && rows[i] !== BLOCK_END) kept.push(rows[i] as string);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  if (lines.length > 0) kept.push(BLOCK_BEGIN, ...lines, BLOCK_END);
  return kept.length > 0 ? `${kept.join('\n')}\n` : '';
}

/** In /etc/sudoers.d: sudo skips names holding a dot, which the temporary file has and this does not. */
export const sudoersName = (user: string): string => `masq-${user}`;
const SUDOERS_MARK = '# Written by masq-ssh-access for the login of the MASQ setup page\'s keys; removed with its last key.';

/** The same as Raspberry Pi Imager's own user gets: the owner has no password to type. */
export function sudoersText(user: string): string {
  return `${SUDOERS_MARK}\n${user} ALL=(ALL) NOPASSWD:ALL\n`;
}

export const isOurSudoers = (text: string): boolean => text.startsWith(`${SUDOERS_MARK}\n`);
