// What every view gets: the typed caller, the box's state as last read, and the way to move on (re-read the
// phase) or to replace the screen. A screen may leave something running (the dashboard's poller, the live event
// stream); `show` takes the function that stops it and calls it when the next screen comes.

import type { StateAnswer } from '../../src/setup/api.js';
import type { Call } from '../core/client.js';
import { type Child, h } from '../ui/dom.js';

export interface App {
  call: Call;
  state: StateAnswer;
  /** Re-reads GET /api/state and shows the view of its phase. */
  reload(): Promise<void>;
  show(screen: HTMLElement, onLeave?: () => void): void;
}

/** A phase's view: it shows its first screen with app.show. */
export type View = (app: App) => void | Promise<void>;

/** A one-column screen: a title, a line saying what this is for, then its content. */
export function screen(title: Child | Child[], intro: Child, ...content: Child[]): HTMLElement {
  return h('section', { class: 'screen' }, h('h1', {}, ...[title].flat()), intro ? h('p', { class: 'intro' }, intro) : null, ...content);
}
