// Forms of the page: labelled fields with a hint and an error slot each, radio choices with a line of
// explanation, and one submit path that disables the button while the box works and puts every failure next to
// the field it names (the ApiError's field, or a [parameter, why] pair of a setup answer), else above the button.

import type { ApiError } from '../../src/setup/api.js';
import { ApiFailure } from '../core/failures.js';
import { countdown } from '../core/format.js';
import { type Child, fill, h } from './dom.js';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface FieldSpec {
  name: string;
  label: string;
  hint?: Child;
  type?: 'text' | 'password' | 'url' | 'number';
  value?: string;
  autocomplete?: string;
  inputmode?: 'text' | 'numeric' | 'url';
  /** A textarea of this many rows. */
  rows?: number;
  /** A select of [value, label] options. */
  options?: ReadonlyArray<readonly [string, string]>;
  placeholder?: string;
  /** Extra attributes, like maxlength or autocapitalize. */
  attrs?: Record<string, string | number | boolean>;
}

export interface Field { name: string; row: HTMLElement; control: Control; error: HTMLElement }

let ids = 0;

export function field(spec: FieldSpec): Field {
  const id = `f${++ids}-${spec.name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const attrs = { id, name: spec.name, autocomplete: spec.autocomplete ?? 'off', 'aria-describedby': `${hintId} ${errorId}`, placeholder: spec.placeholder, ...spec.attrs };
  let control: Control;
  if (spec.options) {
    control = h('select', { attrs }, ...spec.options.map(([v, label]) => h('option', { attrs: { value: v } }, label)));
  } else if (spec.rows) {
    control = h('textarea', { attrs: { ...attrs, rows: spec.rows, spellcheck: 'false' } });
  } else {
    control = h('input', { attrs: { ...attrs, type: spec.type ?? 'text', inputmode: spec.inputmode, spellcheck: 'false' } });
  }
  if (spec.value !== undefined) control.value = spec.value;
  const error = h('div', { class: 'error', attrs: { id: errorId, role: 'alert', hidden: true } });
  const row = h('div', { class: 'field' },
    h('label', { attrs: { for: id } }, spec.label),
    spec.hint ? h('div', { class: 'hint', attrs: { id: hintId } }, spec.hint) : null,
    control,
    error);
  return { name: spec.name, row, control, error };
}

/** Any thrown value as what is wrong and what to do: the server's words, the page's own check, or the error's message. */
export function problemOf(e: unknown): { message: string; fix?: string } {
  if (e instanceof ApiFailure) return e.error;
  if (e instanceof Error) return e;
  return { message: String(e) };
}

/** A block showing a problem, for places without a form. */
export function problemBlock(e: unknown): HTMLElement {
  const el = h('div', { class: 'error', attrs: { role: 'alert' } });
  showProblem(el, problemOf(e));
  return el;
}

/** Puts what is wrong and what to do into an error slot (or empties it). */
function showProblem(slot: HTMLElement, problem?: { message: string; fix?: string }): void {
  if (!problem) {
    fill(slot);
    slot.hidden = true;
    return;
  }
  fill(slot, h('strong', {}, problem.message), problem.fix ? h('span', { class: 'fix' }, problem.fix) : null);
  slot.hidden = false;
}

export interface Choice { value: string; title: string; explain: Child }

export interface Choices { name: string; el: HTMLFieldSetElement; value(): string; error: HTMLElement }

/** Radio buttons as big tappable cards, each with its explanation. */
export function choices(name: string, legend: string, options: readonly Choice[], value: string | undefined, onPick?: (v: string) => void): Choices {
  const error = h('div', { class: 'error', attrs: { role: 'alert', hidden: true } });
  const el = h('fieldset', { class: 'choices' }, h('legend', {}, legend),
    ...options.map((o) => h('label', { class: 'choice' },
      h('input', { attrs: { type: 'radio', name, value: o.value, checked: o.value === value }, on: { change: () => onPick?.(o.value) } }),
      h('span', { class: 'choice-text' }, h('strong', {}, o.title), h('span', {}, o.explain)))),
    error);
  const picked = (): string => el.querySelector<HTMLInputElement>('input:checked')?.value ?? '';
  return { name, el, value: picked, error };
}

/** Buttons that each run an action outside a form (Start, Stop, Log out), its failure shown under them. */
export function buttonRow(...items: Array<{ label: string; cls?: string; run: () => Promise<void> }>): { el: HTMLElement; buttons: HTMLButtonElement[] } {
  const status = h('div', { class: 'error', attrs: { role: 'alert', hidden: true } });
  const buttons = items.map((it) => {
    const b = h('button', { class: it.cls ?? 'secondary', attrs: { type: 'button' } }, it.label);
    b.addEventListener('click', () => {
      if (b.disabled) return;
      showProblem(status);
      b.disabled = true;
      it.run().catch((e: unknown) => showProblem(status, problemOf(e))).finally(() => { b.disabled = false; });
    });
    return b;
  });
  return { el: h('div', {}, h('div', { class: 'actions' }, ...buttons), status), buttons };
}

export type Submit = (form: Form) => Promise<void>;

export class Form {
  readonly el: HTMLFormElement;
  readonly button: HTMLButtonElement;
  /** Problems no field owns. */
  readonly status: HTMLElement;
  private readonly fields = new Map<string, { error: HTMLElement }>();
  private lockTimer: ReturnType<typeof setInterval> | undefined;
  private lockedUntil = 0;

  constructor(submitLabel: string, onSubmit: Submit, ...content: Child[]) {
    this.button = h('button', { class: 'primary', attrs: { type: 'submit' } }, submitLabel);
    this.status = h('div', { class: 'error', attrs: { role: 'alert', hidden: true } });
    this.el = h('form', { attrs: { novalidate: true } }, ...content, this.status, h('div', { class: 'actions' }, this.button));
    this.el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.run(onSubmit, this.button);
    });
  }

  /** Registers fields (or choice groups) so that errors naming them appear next to them. */
  add(...parts: Array<{ name: string; error: HTMLElement }>): void {
    for (const p of parts) this.fields.set(p.name, p);
  }

  clear(): void {
    for (const f of this.fields.values()) showProblem(f.error);
    showProblem(this.status);
  }

  /** One problem, next to its field when the form has it. */
  problem(p: { message: string; fix?: string }, fieldName?: string): void {
    const slot = (fieldName !== undefined && this.fields.get(fieldName)?.error) || this.status;
    showProblem(slot, p);
    if (slot !== this.status) slot.parentElement?.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }

  /** The server's error: with how many tries are left, or a countdown until the lockout ends. */
  apiError(e: ApiError): void {
    if (e.lockedForS) return this.lock(e.lockedForS, e.message);
    const tries = e.triesLeft === undefined ? '' : ` ${e.triesLeft === 1 ? '1 try' : `${e.triesLeft} tries`} left before a lockout.`;
    this.problem({ message: e.message + tries, ...(e.fix ? { fix: e.fix } : {}) }, e.field);
  }

  /** A setup answer's [parameter, why] pairs of this form's fields; true when there were any. */
  setupErrors(errors: ReadonlyArray<readonly [string, string]>): boolean {
    const mine = errors.filter(([p]) => this.fields.has(p));
    for (const [p, why] of mine) this.problem({ message: why }, p);
    return mine.length > 0;
  }

  /** Disables the form for `seconds`, counting down above the button. */
  lock(seconds: number, why = 'Too many wrong tries.'): void {
    clearInterval(this.lockTimer);
    this.lockedUntil = Date.now() + seconds * 1000;
    // The first tick may run before the form is on the page; later ones stop once it has left it.
    let first = true;
    const tick = (): void => {
      const left = (this.lockedUntil - Date.now()) / 1000;
      if (left <= 0 || (!first && !this.el.isConnected)) {
        clearInterval(this.lockTimer);
        this.button.disabled = false;
        showProblem(this.status);
        return;
      }
      first = false;
      this.button.disabled = true;
      showProblem(this.status, { message: `${why} You can try again in ${countdown(left)}.`, fix: 'The wait protects the box from someone guessing; it is the same on every device.' });
    };
    tick();
    this.lockTimer = setInterval(tick, 1000);
  }

  /** Runs an action of the form (its submit, or another button's), showing its failures like the submit's. */
  async run(action: Submit, button: HTMLButtonElement): Promise<void> {
    if (button.disabled) return;
    this.clear();
    button.disabled = true;
    this.el.classList.add('busy');
    try {
      await action(this);
    } catch (e) {
      if (e instanceof ApiFailure) this.apiError(e.error);
      else this.problem(problemOf(e), e instanceof Invalid ? e.field : undefined);
    } finally {
      this.el.classList.remove('busy');
      button.disabled = button === this.button && Date.now() < this.lockedUntil;
    }
  }
}

/** Thrown by a form's own checks (passwords that differ): shown like the server's errors. */
export class Invalid extends Error {
  constructor(readonly field: string | undefined, message: string, readonly fix?: string) {
    super(message);
  }
}
