// One line of a POSIX shell script split into words as the shell would quote them, with nothing expanded or run:
// '…' is literal, "…" keeps \" \\ \$ \` escapes, a backslash outside quotes escapes the next character, and
// adjacent parts join ('a'"'"'b' is a'b, how Imager quotes a single quote). Undefined when a quote is left open.

export function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (s: string): void => {
    word = (word ?? '') + s;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i += 1;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      add(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let part = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j += 1;
        part += line[j];
        j += 1;
      }
      if (j >= line.length) return undefined;
      add(part);
      i = j + 1;
    } else if (c === '\\' && i + 1 < line.length) {
      add(line[i + 1]!);
      i += 2;
    } else {
      add(c);
      i += 1;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
