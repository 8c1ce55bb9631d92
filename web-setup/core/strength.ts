// The admin password's strength meter. The rule the box enforces is only "at least 10 characters"; the meter
// estimates how hard the password is to guess, so that a long but obvious one (aaaaaaaaaa, password123,
// qwertyuiop, tuliptulip) reads as weak: characters inside an obvious pattern count for little.

export const MIN_PASSWORD = 10;
/** Longer input is measured on its first part only: the meter runs at every keystroke. */
const MEASURED = 256;

export const LEVELS = ['too short', 'very weak', 'weak', 'fair', 'good', 'strong'] as const;
export type Level = (typeof LEVELS)[number];

export interface Strength {
  /** 0 (too short) to 5 (strong). */
  score: number;
  level: Level;
  /** Long enough for the box's rule. */
  acceptable: boolean;
  /** What would make it better, in words. */
  hints: string[];
}

const COMMON = [
  'password', 'passwort', 'letmein', 'welcome', 'admin', 'master', 'masq', 'raspberry', 'iloveyou', 'monkey',
  'dragon', 'sunshine', 'princess', 'football', 'baseball', 'secret', 'changeme', 'default', 'qwerty', 'login',
];
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'azertyuiop', 'qwertzuiop', '1234567890'];

const CLASSES: Array<{ re: RegExp; size: number; hint: string }> = [
  { re: /[a-z]/, size: 26, hint: 'small letters' },
  { re: /[A-Z]/, size: 26, hint: 'capital letters' },
  { re: /[0-9]/, size: 10, hint: 'digits' },
  { re: /[^a-zA-Z0-9]/, size: 33, hint: 'symbols or spaces' },
];

/** Marks the characters of s inside obvious patterns; returns which kinds were found. */
function patterns(s: string, covered: boolean[], extraWords: readonly string[]): Set<string> {
  const found = new Set<string>();
  const mark = (from: number, len: number, kind: string): void => {
    for (let i = from; i < from + len; i++) covered[i] = true;
    found.add(kind);
  };
  const each = (text: string, piece: string, kind: string): void => {
    for (let p = text.indexOf(piece); p >= 0; p = text.indexOf(piece, p + 1)) mark(p, piece.length, kind);
  };
  for (let i = 0; i < s.length;) {
    let j = i + 1;
    while (j < s.length && s[j] === s[i]) j++;
    if (j - i >= 3) mark(i, j - i, 'repeated characters');
    i = j;
  }
  // A piece said again right after itself (abab, tuliptulip): the repeats add little.
  for (const m of s.matchAll(/(.{2,}?)\1+/g)) mark(m.index + (m[1] as string).length, m[0].length - (m[1] as string).length, 'repeated pieces');
  // Steps up or down the alphabet or the digits: abcd, 4321.
  for (let i = 0; i + 1 < s.length;) {
    const step = s.charCodeAt(i + 1) - s.charCodeAt(i);
    let k = i + 1;
    if (Math.abs(step) === 1) while (k + 1 < s.length && s.charCodeAt(k + 1) - s.charCodeAt(k) === step) k++;
    if (k - i + 1 >= 4) mark(i, k - i + 1, 'a sequence like abcd or 1234');
    i = k;
  }
  const lower = s.toLowerCase();
  for (const row of ROWS) for (let len = 4; len <= row.length; len++) for (let at = 0; at + len <= row.length; at++) each(lower, row.slice(at, at + len), 'a row of the keyboard');
  // Words are also found spelled with digits for letters (p4ssw0rd).
  const plain = lower.replace(/0/g, 'o').replace(/[1!]/g, 'i').replace(/3/g, 'e').replace(/[4@]/g, 'a').replace(/\$/g, 's');
  const words = [...COMMON, ...extraWords.map((w) => w.toLowerCase()).filter((w) => w.length >= 4)];
  for (const w of words) each(plain, w, 'a common word or the box\'s name');
  for (const m of lower.matchAll(/(19|20)[0-9]{2}/g)) mark(m.index, 4, 'a year');
  return found;
}

/** `context`: words that belong to this box (its name), which a guesser would try first. */
export function measure(password: string, context: readonly string[] = []): Strength {
  const s = password.slice(0, MEASURED);
  const length = [...s].length;
  const hints: string[] = [];
  const missing = CLASSES.filter((c) => !c.re.test(s));
  if (length < MIN_PASSWORD) {
    hints.push(`Use at least ${MIN_PASSWORD} characters (${length} so far).`);
    return { score: 0, level: LEVELS[0], acceptable: false, hints };
  }
  const pool = CLASSES.reduce((n, c) => n + (c.re.test(s) ? c.size : 0), 0);
  const covered = new Array<boolean>(s.length).fill(false);
  const found = patterns(s, covered, context);
  const weight = covered.reduce((n, c) => n + (c ? 0.25 : 1), 0);
  // Each fully counted character is worth log2(pool) bits of guessing; pattern characters a quarter of that.
  const bits = weight * Math.log2(Math.max(pool, 10));
  const score = bits < 30 ? 1 : bits < 45 ? 2 : bits < 60 ? 3 : bits < 80 ? 4 : 5;
  for (const kind of found) hints.push(`Avoid ${kind}: guessers try those first.`);
  if (score < 5 && missing.length > 0) hints.push(`Mix in ${missing.map((c) => c.hint).join(', ')} — or simply make it longer.`);
  else if (score < 4) hints.push('Make it longer: four unrelated words make a strong password.');
  return { score, level: LEVELS[score] ?? 'strong', acceptable: true, hints };
}
