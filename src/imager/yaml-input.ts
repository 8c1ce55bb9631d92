// The YAML of cloud-init's files read into plain values, bounded: size checked first, no aliases (no expansion
// bombs), YAML 1.1 booleans as cloud-init's PyYAML reads them (yes/no), and every parser failure an ImagerError.

import { parseDocument } from 'yaml';
import { checkSize, ImagerError, malformed } from './errors.js';
import type { ImagerFile } from './settings.js';

export type YamlMap = Record<string, unknown>;

export function isMap(v: unknown): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The document's top-level mapping; an empty document is an empty mapping. */
export function loadYamlMap(file: ImagerFile, source: string): YamlMap {
  checkSize(file, source);
  const fix = 'Write the file again with Raspberry Pi Imager, or check its indentation (spaces, not tabs).';
  let value: unknown;
  try {
    const doc = parseDocument(source.replace(/^\uFEFF/, ''), { version: '1.1', merge: false, uniqueKeys: true, prettyErrors: false });
    const first = doc.errors[0];
    if (first) throw malformed(file, `it is not valid YAML (${first.code} at offset ${first.pos[0]}).`, fix);
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    if (e instanceof ImagerError) throw e;
    // The library's own errors (aliases, stack depth) name no secret but carry its wording: ours replaces it.
    throw malformed(file, 'it is not YAML this box reads (aliases, or nesting too deep).', fix);
  }
  if (value === null || value === undefined) return {};
  if (!isMap(value)) throw malformed(file, 'its top level is not a mapping of keys to values.', fix);
  return value;
}
