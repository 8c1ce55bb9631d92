// The join itself: what will happen, said before anything is sent (the box has one radio, so its hotspot goes while
// it tries), then "Trying <ssid>…" while the page asks the box every 2 s how it went. While the hotspot is down those
// asks fail: that is expected, and the page keeps asking quietly for up to 3 minutes.

import type { JoinResult, WifiJoinBody, WifiStatus } from '../../src/setup/api.js';
import { type Call, type Fetch, makeCall } from '../core/client.js';
import { attemptOutcome, JOIN_POLL, joinExplanation, outcomeWords } from '../core/wifi.js';
import { h } from '../ui/dom.js';
import { Form } from '../ui/form.js';
import type { App } from './app.js';

export interface JoinMoves {
  /** Back to the form, the network kept. */
  back(): void;
  /** The box took the request and tries: `started` is its status then. */
  trying(started: WifiStatus): void;
}

/** The explanation, then the request: Join sends it, Back returns to the form. */
export function explainJoin(app: App, status: WifiStatus, req: WifiJoinBody, moves: JoinMoves): HTMLElement {
  const form = new Form(`Join ${req.ssid}`, async () => moves.trying(await app.call('wifiJoin', req)),
    h('div', { class: 'warning explain' }, h('strong', {}, 'Before the box tries it:'), ...joinExplanation(req.ssid, status).map((t) => h('p', {}, t))));
  form.el.querySelector('.actions')?.prepend(h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: moves.back } }, 'Back'));
  return form.el;
}

export function tryingBlock(ssid: string | undefined, status: WifiStatus): HTMLElement {
  return h('div', { class: 'result trying', attrs: { role: 'status' } },
    h('strong', {}, ssid === undefined ? 'The box is trying a network…' : `Trying ${ssid}…`),
    h('p', {}, `This takes up to a minute. If your phone left ${status.hotspot.ssid}, it may join it again by itself once it is back; this page keeps asking the box for 3 minutes.`));
}

/** An attempt's outcome in words; a joined network with the way to the box there. */
export function outcomeBlock(r: JoinResult): HTMLElement {
  const joined = r.outcome === 'joined';
  const url = `http://${r.name}/`;
  return h('div', { class: joined ? 'result ok' : 'result bad', attrs: { role: 'status' } },
    h('strong', {}, outcomeWords(r)),
    joined ? h('p', {}, `On a phone or computer on ${r.ssid}, this page is at `, h('a', { attrs: { href: url } }, url), '.') : null);
}

/** fetch given up after `ms`: a request sent into a hotspot that went away would otherwise hang for minutes. */
const timedFetch = (ms: number): Fetch => async (url, init) => {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    const res = await fetch(url, { ...init, signal: abort.signal });
    return { status: res.status, text: async () => (await res.text().finally(() => clearTimeout(timer))) };
  } catch (e) {
    clearTimeout(timer);
    throw e;
  }
};

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Asks the box how the attempt at `ssid` went (any network when undefined) until it says, `alive()` turns false, or
 * 3 minutes pass (undefined). `before` is the lastJoin time the box had before the attempt.
 */
export async function watchAttempt(ssid: string | undefined, before: number | undefined, alive: () => boolean): Promise<{ result: JoinResult; status: WifiStatus } | undefined> {
  // The session lost while the hotspot is down is not news: the next answer that arrives tells.
  const poll: Call = makeCall(timedFetch(JOIN_POLL.requestMs), () => undefined);
  const start = performance.now();
  while (alive() && performance.now() - start < JOIN_POLL.forMs) {
    await pause(JOIN_POLL.everyMs);
    try {
      const status = await poll('wifiStatus');
      const result = attemptOutcome(status, ssid, before);
      if (result) return { result, status };
    } catch {
      // The hotspot is down while the box tries: no answer is what is expected.
    }
  }
  return undefined;
}
