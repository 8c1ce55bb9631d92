// Lists typed into text boxes: neighbor descriptors (one a line, or separated by commas, as pasted from
// masq descriptor output) and recovery phrases (words separated by any blanks, any case).

/** The neighbors parameter is at most 32 descriptors; a few more are kept so the box names the problem. */
const MAX_ITEMS = 64;
const MAX_INPUT = 65_536;

export function neighborList(text: string): string[] {
  return text.slice(0, MAX_INPUT).split(/[\s,]+/).filter((s) => s.length > 0).slice(0, MAX_ITEMS);
}

/** The neighbors parameter's value (comma-separated) as lines for the text box. */
export function neighborLines(value: string): string {
  return neighborList(value).join('\n');
}

export function phraseWords(text: string): string[] {
  return text.slice(0, 4096).toLowerCase().split(/\s+/).filter((w) => w.length > 0).slice(0, 48);
}
