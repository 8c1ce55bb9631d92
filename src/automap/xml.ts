// A small strict XML scanner for what routers send (device descriptions and SOAP answers): elements, attributes
// (checked, then dropped), text, CDATA, comments and processing instructions. No DTD: a DOCTYPE is refused, so only
// the five predefined entities and numeric character references exist. Depth, element count, input size and name
// length are bounded; anything unexpected throws a malformed AutomapError.

import { malformed } from './errors.js';

export interface XmlElement {
  /** The local name, without a namespace prefix ("Envelope" for "s:Envelope"). */
  name: string;
  children: XmlElement[];
  /** The element's own character data (not its children's), entities decoded. */
  text: string;
}

export const XML_LIMITS = { maxChars: 64 * 1024, maxDepth: 16, maxElements: 2000 } as const;

const NAME = /[A-Za-z_][A-Za-z0-9_.-]{0,127}(?::[A-Za-z_][A-Za-z0-9_.-]{0,127})?/y;
const SPACE = /[ \t\r\n]*/y;
const ATTRIBUTE = /[ \t\r\n]+[A-Za-z_][A-Za-z0-9_.:-]{0,127}[ \t\r\n]*=[ \t\r\n]*(?:"([^"<]*)"|'([^'<]*)')/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const REFERENCE = /&(?:(lt|gt|amp|apos|quot)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/y;

const NO_DTD = 'a DOCTYPE or declaration (no DTD is accepted)';

function fail(detail: string): never {
  throw malformed('XML', detail);
}

/** Decodes the references of character data or an attribute value; a bare or unknown `&` is refused. */
function decodeText(raw: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const amp = raw.indexOf('&', at);
    if (amp < 0) return out + raw.slice(at);
    out += raw.slice(at, amp);
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(raw);
    if (!m) fail('an unknown entity or a bare &');
    if (m[1]) out += PREDEFINED[m[1]];
    else {
      const code = m[2] ? parseInt(m[2], 10) : parseInt(m[3] as string, 16);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail(`character reference ${code}`);
      out += String.fromCodePoint(code);
    }
    at = REFERENCE.lastIndex;
  }
}

class Scanner {
  private at = 0;
  private elements = 0;

  constructor(private readonly s: string) {}

  document(): XmlElement {
    if (this.s.charCodeAt(0) === 0xfeff) this.at = 1;
    this.misc();
    if (this.s.startsWith('<!', this.at)) fail(NO_DTD);
    if (!this.s.startsWith('<', this.at)) fail('no root element');
    const root = this.element(1);
    this.misc();
    if (this.at !== this.s.length) fail('content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions, as allowed around the root element. */
  private misc(): void {
    for (;;) {
      this.space();
      if (this.s.startsWith('<!--', this.at)) this.skipPast('-->', 'comment');
      else if (this.s.startsWith('<?', this.at)) this.skipPast('?>', 'processing instruction');
      else return;
    }
  }

  private space(): void {
    SPACE.lastIndex = this.at;
    SPACE.exec(this.s);
    this.at = SPACE.lastIndex;
  }

  private skipPast(end: string, what: string): string {
    const close = this.s.indexOf(end, this.at);
    if (close < 0) fail(`unterminated ${what}`);
    const inner = this.s.slice(this.at, close);
    this.at = close + end.length;
    return inner;
  }

  private name(): string {
    NAME.lastIndex = this.at;
    const m = NAME.exec(this.s);
    if (!m) fail(`a name expected at ${this.at}`);
    this.at = NAME.lastIndex;
    return m[0];
  }

  private element(depth: number): XmlElement {
    if (depth > XML_LIMITS.maxDepth) fail(`nesting deeper than ${XML_LIMITS.maxDepth}`);
    if (++this.elements > XML_LIMITS.maxElements) fail(`more than ${XML_LIMITS.maxElements} elements`);
    this.at++; // '<'
    const qname = this.name();
    for (;;) {
      ATTRIBUTE.lastIndex = this.at;
      const m = ATTRIBUTE.exec(this.s);
      if (!m) break;
      decodeText(m[1] ?? m[2] ?? '');
      this.at = ATTRIBUTE.lastIndex;
    }
    this.space();
    const el: XmlElement = { name: qname.slice(qname.indexOf(':') + 1), children: [], text: '' };
    if (this.s.startsWith('/>', this.at)) {
      this.at += 2;
      return el;
    }
    if (this.s[this.at] !== '>') fail(`a malformed start tag <${qname}>`);
    this.at++;
    this.content(el, qname, depth);
    return el;
  }

  private content(el: XmlElement, qname: string, depth: number): void {
    for (;;) {
      const lt = this.s.indexOf('<', this.at);
      if (lt < 0) fail(`<${qname}> is not closed`);
      const raw = this.s.slice(this.at, lt);
      if (raw.includes(']]>')) fail('"]]>" in text');
      el.text += decodeText(raw);
      this.at = lt;
      if (this.s.startsWith('</', lt)) {
        this.at += 2;
        const closing = this.name();
        this.space();
        if (closing !== qname || this.s[this.at] !== '>') fail(`</${closing}> does not close <${qname}>`);
        this.at++;
        return;
      }
      if (this.s.startsWith('<!--', lt)) this.skipPast('-->', 'comment');
      else if (this.s.startsWith('<![CDATA[', lt)) {
        this.at += 9;
        el.text += this.skipPast(']]>', 'CDATA section');
      } else if (this.s.startsWith('<?', lt)) this.skipPast('?>', 'processing instruction');
      else if (this.s.startsWith('<!', lt)) fail(NO_DTD);
      else el.children.push(this.element(depth + 1));
    }
  }
}

/** Parses a whole document into its root element; throws a malformed AutomapError for anything else. */
export function parseXml(text: string): XmlElement {
  if (text.length > XML_LIMITS.maxChars) fail(`${text.length} characters exceed ${XML_LIMITS.maxChars}`);
  return new Scanner(text).document();
}

/** Every descendant with this local name, depth first. */
export function findAll(el: XmlElement, name: string, into: XmlElement[] = []): XmlElement[] {
  for (const child of el.children) {
    if (child.name === name) into.push(child);
    findAll(child, name, into);
  }
  return into;
}

/** The trimmed text of a direct child, or undefined when there is no such child. */
export function childText(el: XmlElement, name: string): string | undefined {
  return el.children.find((c) => c.name === name)?.text.trim();
}

/** Text with the five special characters escaped, for building documents. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&${Object.keys(PREDEFINED).find((k) => PREDEFINED[k] === c) as string};`);
}
