// Building the page without HTML strings: every element comes from createElement and every text from a text
// node, so a neighbor's label, a log line or a parameter value holding markup shows as the characters it is.
// Attributes are set one by one; event handlers and style attributes are refused (the CSP forbids them anyway).

export type Child = Node | string | number | null | undefined | false;
export interface Props {
  class?: string;
  /** Attributes by name: `for`, `type`, `aria-*` and the like. */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
}

function setAttrs(el: Element, attrs: Props['attrs']): void {
  for (const [name, v] of Object.entries(attrs ?? {})) {
    if (/^on/i.test(name) || name.toLowerCase() === 'style') throw new Error(`refusing attribute ${name}`);
    if (v === undefined || v === false) continue;
    el.setAttribute(name, v === true ? '' : String(v));
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  setAttrs(el, props.attrs);
  for (const [type, f] of Object.entries(props.on ?? {})) el.addEventListener(type, f as EventListener);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Props['attrs'] = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}
