// One dashboard card: a title, a line saying what it shows, a body redrawn from the card's own GET route at each
// refresh (only when the answer changed, so text being selected or an SVG does not flicker), and optional
// controls built once (buttons, forms) that a redraw never wipes. A failed refresh keeps the last content, marked
// with what went wrong.

import type { CallName, AnswerOf } from '../core/routes.js';
import { clock } from '../core/format.js';
import { type Child, fill, h } from '../ui/dom.js';
import { problemBlock } from '../ui/form.js';
import type { App } from '../views/app.js';

export type PanelRoute = Extract<CallName, `panel${string}`>;

export interface PanelContext {
  app: App;
  /** Refreshes every card now (after an action that changes several, like stopping the Node). */
  refreshAll(): void;
}

export interface Controls<T> { el: HTMLElement; update?(data: T): void }

export interface PanelSpec<N extends PanelRoute> {
  title: string;
  about: string;
  route: N;
  /** Cards that hold a lot span the whole width on large screens (wide) or two of three columns (double). */
  width?: 'wide' | 'double';
  body(data: AnswerOf<N>): Child[];
  controls?(ctx: PanelContext): Controls<AnswerOf<N>>;
}

export interface Mounted { el: HTMLElement; refresh(): Promise<void> }

export function mountPanel<N extends PanelRoute>(spec: PanelSpec<N>, ctx: PanelContext): Mounted {
  const body = h('div', { class: 'panel-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const problem = h('div');
  const updated = h('p', { class: 'updated' });
  const controls = spec.controls?.(ctx);
  const el = card(spec.title, spec.about, problem, body, controls?.el, updated);
  if (spec.width) el.classList.add(spec.width);
  el.setAttribute('data-panel', spec.route);
  let last: string | undefined;
  const refresh = async (): Promise<void> => {
    try {
      const data = await ctx.app.call(spec.route);
      fill(problem);
      const text = JSON.stringify(data);
      if (text !== last) {
        last = text;
        fill(body, ...spec.body(data));
        controls?.update?.(data);
      }
      fill(updated, `Updated ${clock(Date.now())}`);
    } catch (e) {
      fill(problem, problemBlock(e));
      throw e;
    }
  };
  return { el, refresh };
}

/** A card of the dashboard, named for screen readers by its title. */
export function card(title: string, about: string, ...content: Child[]): HTMLElement {
  return h('section', { class: 'panel', attrs: { 'aria-label': title } }, h('h2', {}, title), h('p', { class: 'about' }, about), ...content);
}

/** A definition list of facts, leaving out the unknown ones. */
export function facts(rows: ReadonlyArray<readonly [string, Child]>): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.filter(([, v]) => v !== undefined && v !== null).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
