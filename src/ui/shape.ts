// Shapes of UI payloads: a small schema that is checked at run time and also read as a TypeScript type, so the
// catalogue's tables and the types the programs compile against are one source and cannot drift apart.

export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';
export interface ListOf<F extends Field = Field> { readonly $: 'list'; readonly item: F }
export interface OneOf<L extends string = string> { readonly $: 'oneOf'; readonly values: readonly L[] }
export interface AnyOf<F extends Field = Field> { readonly $: 'anyOf'; readonly options: readonly F[] }
export type Field = FieldType | ListOf | OneOf | AnyOf | Shape;
/** Field name → field; a trailing '?' on the name marks an optional field (null counts as absent). Other fields may be present. */
export interface Shape { readonly [name: string]: Field }

/** What a whole payload must fit: a shape, or one of several. */
export type Body = Shape | AnyOf<Shape>;

/** A JSON array whose every item fits `item`. */
export const list = <const F extends Field>(item: F): ListOf<F> => ({ $: 'list', item });
/** One of these strings. */
export const oneOf = <const L extends string>(...values: L[]): OneOf<L> => ({ $: 'oneOf', values });
/** Whatever fits one of the options (the first that fits). */
export const anyOf = <const F extends readonly Field[]>(...options: F): AnyOf<F[number]> => ({ $: 'anyOf', options });

type Flat<T> = { -readonly [K in keyof T]: T[K] };

/** The TypeScript type of what fits a field. */
export type TypeOf<F> =
  F extends 'string' ? string
  : F extends 'number' ? number
  : F extends 'boolean' ? boolean
  : F extends 'object' ? Record<string, unknown>
  : F extends 'array' ? unknown[]
  : F extends ListOf<infer I> ? Array<TypeOf<I>>
  : F extends OneOf<infer L> ? L
  : F extends AnyOf<infer O> ? TypeOf<O>
  : F extends Shape ? PayloadOf<F>
  : never;

/** The TypeScript type of a payload that fits a shape. */
export type PayloadOf<S extends Shape> = Flat<
  { [K in keyof S as K extends `${string}?` ? never : K]: TypeOf<S[K]> }
  & { [K in keyof S as K extends `${infer N}?` ? N : never]?: TypeOf<S[K]> | null }
>;

function typeOf(v: unknown): FieldType | 'other' {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'other';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : 'other';
}

function describe(f: Field): string {
  if (typeof f === 'string') return f;
  if (f.$ === 'list') return 'array';
  if (f.$ === 'oneOf') return `one of ${(f.values as readonly string[]).join(', ')}`;
  if (f.$ === 'anyOf') return (f.options as readonly Field[]).map(describe).join(' or ');
  return 'object';
}

const isList = (f: Field): f is ListOf => typeof f === 'object' && f.$ === 'list';
const isOneOf = (f: Field): f is OneOf => typeof f === 'object' && f.$ === 'oneOf';
const isAnyOf = (f: Field): f is AnyOf => typeof f === 'object' && f.$ === 'anyOf';

/** Null when the value fits, else the reason it does not (naming the field by its path). */
export function checkField(f: Field, v: unknown, path: string): string | null {
  const wrong = `Field '${path}' must be of type ${describe(f)}`;
  if (typeof f === 'string') return typeOf(v) === f ? null : wrong;
  if (isList(f)) {
    if (!Array.isArray(v)) return wrong;
    for (let i = 0; i < v.length; i++) {
      const why = checkField(f.item, v[i], `${path}[${i}]`);
      if (why !== null) return why;
    }
    return null;
  }
  if (isOneOf(f)) return typeof v === 'string' && (f.values as readonly string[]).includes(v) ? null : wrong;
  if (isAnyOf(f)) return (f.options as readonly Field[]).some((o) => checkField(o, v, path) === null) ? null : wrong;
  if (typeOf(v) !== 'object') return wrong;
  return checkShape(f, v as Record<string, unknown>, `${path}.`);
}

/** Null when the payload fits the shape, else the reason it does not. */
export function checkShape(shape: Shape, payload: Record<string, unknown>, prefix = ''): string | null {
  for (const [key, f] of Object.entries(shape)) {
    const optional = key.endsWith('?');
    const field = optional ? key.slice(0, -1) : key;
    const v = payload[field];
    if (v === undefined || v === null) {
      if (!optional) return `Required field '${prefix}${field}' is missing`;
      continue;
    }
    const why = checkField(f, v, `${prefix}${field}`);
    if (why !== null) return why;
  }
  return null;
}

/** Null when the payload fits the body, else the reason (every form's, when it fits none). */
export function checkBody(body: Body, payload: Record<string, unknown>): string | null {
  if (!isAnyOf(body)) return checkShape(body as Shape, payload);
  const reasons: string[] = [];
  for (const form of body.options) {
    const why = checkShape(form, payload);
    if (why === null) return null;
    reasons.push(why);
  }
  return reasons.join('; or ');
}
