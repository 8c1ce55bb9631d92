// The exit location picker's list, without the DOM: countries in the order the owner wants them, each either the
// start of the next priority or "as wanted as the one above"; to and from the groups the server takes; and the
// sentences the panel says about a choice and about the countries of it that have no exit.

/** same: as wanted as the entry above (never for the first). */
export interface Entry { code: string; same: boolean }

export function entriesOf(groups: readonly (readonly string[])[]): Entry[] {
  return groups.flatMap((g) => g.map((code, i) => ({ code, same: i > 0 })));
}

/** Groups in priority order: groups[0] the most wanted. */
export function entryGroups(entries: readonly Entry[]): string[][] {
  const groups: string[][] = [];
  for (const e of entries) {
    const last = groups.at(-1);
    if (e.same && last) last.push(e.code);
    else groups.push([e.code]);
  }
  return groups;
}

/** A country added at the end, as the next priority; one already listed is not added twice. */
export function addEntry(entries: readonly Entry[], code: string): Entry[] {
  return entries.some((e) => e.code === code) ? [...entries] : [...entries, { code, same: false }];
}

/** Without entry i; the others keep their priorities (the next one heads i's group if i headed it). */
export function removeEntry(entries: readonly Entry[], i: number): Entry[] {
  const out = entries.filter((_, j) => j !== i);
  const next = out[i];
  if (next && entries[i]?.same === false) out[i] = { ...next, same: false };
  return out;
}

export function setSame(entries: readonly Entry[], i: number, same: boolean): Entry[] {
  return entries.map((e, j) => (j === i ? { ...e, same: i > 0 && same } : e));
}

/** The countries with exits that are not chosen yet, by name. */
export function offered<C extends { code: string }>(countries: readonly C[], entries: readonly Entry[], name: (code: string) => string): C[] {
  const chosen = new Set(entries.map((e) => e.code));
  return countries.filter((c) => !chosen.has(c.code)).sort((a, b) => name(a.code).localeCompare(name(b.code), 'en'));
}

export const exitsWord = (n: number): string => `${n} exit${n === 1 ? '' : 's'}`;

/** Each priority as a line: "1. Czechia (CZ), Poland (PL)". */
export function choiceLines(groups: readonly (readonly string[])[], name: (code: string) => string): string[] {
  return groups.map((g, i) => `${i + 1}. ${g.map(name).join(', ')}`);
}

export function fallbackWords(fallback: boolean): string {
  return fallback
    ? 'When none of these is reachable, exits in other countries serve.'
    : 'Only these countries: when none of them is reachable, your traffic does not leave the network.';
}

/** What a choice whose `missing` countries have no exit means now; undefined when every country has one. */
export function missingWords(missing: readonly string[], chosen: number, fallback: boolean, name: (code: string) => string): string | undefined {
  if (missing.length === 0) return undefined;
  const list = missing.map(name).join(', ');
  if (missing.length < chosen) return `No exit in ${list} now: the other countries chosen serve meanwhile, and ${missing.length === 1 ? 'it serves' : 'these serve'} once an exit appears there.`;
  const meanwhile = fallback
    ? 'Exits in other countries serve meanwhile.'
    : 'Until then your traffic cannot leave the network: choose countries from the list, or let other countries serve.';
  return `None of the countries chosen has an exit now (${list}). The choice is kept and serves once an exit appears there. ${meanwhile}`;
}
