// Step 1: connect the box to the owner's network, before the steps that need the internet. What it shows follows
// masq-wifi's status: online (go on, or choose another network), on its hotspot (the networks in range and the
// form), trying one (wait for the outcome), and an outcome in words. Where masq-wifi does not manage the network
// (a desktop, a server) the step is skipped and says why above the next one.

import { PORTAL_URL } from '../../src/portal/hotspot-net.js';
import type { JoinResult, WifiStatus } from '../../src/setup/api.js';
import { ApiFailure } from '../core/failures.js';
import { type Child, fill, h } from '../ui/dom.js';
import { Invalid, problemBlock } from '../ui/form.js';
import { chooseNetwork, type Keep } from './wifi-choose.js';
import { explainJoin, outcomeBlock, tryingBlock, watchAttempt } from './wifi-join.js';
import type { Step, Wizard } from './wizard-step.js';

interface Ctx { w: Wizard; root: HTMLElement; status: WifiStatus }

/** The time of the last join this browser announced: "Joined …" shows once, then the plain online state. */
const ANNOUNCED = 'masq-wifi-announced';

function announcedOnce(r: JoinResult): boolean {
  try {
    if (localStorage.getItem(ANNOUNCED) === String(r.at)) return false;
    localStorage.setItem(ANNOUNCED, String(r.at));
  } catch {
    // Storage refused (a private window): announcing again is harmless.
  }
  return true;
}

const button = (label: string, cls: string, click: () => void): HTMLButtonElement => h('button', { class: cls, attrs: { type: 'button' }, on: { click } }, label);

function help(): HTMLElement {
  return h('details', { class: 'aside' }, h('summary', {}, 'The page did not pop up, or the browser shows a warning?'),
    h('p', {}, 'On the box\'s hotspot most phones open this page by themselves. If yours did not, open ', h('code', {}, PORTAL_URL), ' in the browser, typed with http://.'),
    h('p', {}, 'HTTPS sites cannot show this page on the hotspot: the box has no certificate a phone would accept, so an https:// address shows a warning or nothing.'));
}

/** The step's content: on the hotspot, with the help for it. */
function show(c: Ctx, ...content: Child[]): void {
  fill(c.root, ...content, c.status.mode === 'online' ? null : help());
}

const onward = (c: Ctx, ...more: HTMLButtonElement[]): HTMLElement => h('div', { class: 'actions' }, ...more, button('Continue', 'primary', () => c.w.next()));

function choose(c: Ctx, keep: Keep, outcome?: JoinResult): void {
  show(c, outcome ? outcomeBlock(outcome) : null,
    h('p', { class: 'intro' }, 'Choose the Wi-Fi network the box should use: the next steps need the internet.'),
    chooseNetwork(c.w.app, c.status, keep, (req) => {
      const again: Keep = { ssid: req.ssid, country: req.country, ...(req.hidden ? { hidden: true } : {}) };
      show(c, explainJoin(c.w.app, c.status, req, {
        back: () => choose(c, again),
        trying: (started) => void trying(c, again, started.lastJoin?.at),
      }));
    }));
}

async function trying(c: Ctx, keep: Keep, before: number | undefined): Promise<void> {
  show(c, tryingBlock(keep.ssid, c.status));
  const got = await watchAttempt(keep.ssid, before, () => c.root.isConnected);
  if (!c.root.isConnected) return;
  if (!got) {
    const where = keep.ssid === undefined ? '' : ` If it joined ${keep.ssid}, connect to ${keep.ssid} and open http://${c.status.name}/.`;
    show(c, problemBlock(new Invalid(undefined, 'The box has not answered for 3 minutes.', `If ${c.status.hotspot.ssid} is back, connect to it and press Check again.${where}`)),
      h('div', { class: 'actions' }, button('Check again', 'primary', () => void read(c))));
    return;
  }
  c.status = got.status;
  if (got.result.outcome === 'joined') {
    announcedOnce(got.result);
    show(c, outcomeBlock(got.result), onward(c));
  } else {
    // The form is back with the network kept and the password empty.
    choose(c, { ...keep, ssid: got.result.ssid }, got.result);
  }
}

function online(c: Ctx): void {
  const s = c.status;
  const r = s.lastJoin;
  const fresh = r?.outcome === 'joined' && r.ssid === s.ssid && announcedOnce(r);
  const where = `${s.ssid ? ` on ${s.ssid}` : ''}${s.addresses.length > 0 ? ` (address${s.addresses.length > 1 ? 'es' : ''} ${s.addresses.join(', ')})` : ''}`;
  show(c, fresh && r ? outcomeBlock(r) : h('div', { class: 'result ok', attrs: { role: 'status' } }, h('strong', {}, `The box is online${where}.`)),
    onward(c, ...(s.radio ? [button('Use another Wi-Fi network', 'link', () => choose(c, {}))] : [])));
}

async function read(c: Ctx): Promise<void> {
  try {
    c.status = await c.w.app.call('wifiStatus');
  } catch (e) {
    if (e instanceof ApiFailure && e.error.code === 'WIFI_UNAVAILABLE') {
      c.w.notice = e.error.message;
      c.w.skip();
      return;
    }
    fill(c.root, problemBlock(e), h('div', { class: 'actions' }, button('Skip this step', 'secondary', () => c.w.next()), button('Try again', 'primary', () => void read(c))));
    return;
  }
  const s = c.status;
  const failed = s.lastJoin && s.lastJoin.outcome !== 'joined' ? s.lastJoin : undefined;
  if (s.mode === 'joining') await trying(c, {}, s.lastJoin?.at);
  else if (s.mode === 'online') online(c);
  else if (!s.radio) {
    show(c, h('div', { class: 'result bad', attrs: { role: 'status' } }, h('strong', {}, 'This box has no Wi-Fi: connect it to your router with a network cable.')),
      onward(c, button('Check again', 'secondary', () => void read(c))));
  } else choose(c, failed ? { ssid: failed.ssid } : {}, failed);
}

function render(w: Wizard): HTMLElement {
  const root = h('div', { class: 'wifi' }, h('p', { class: 'muted' }, 'Asking the box about its network…'));
  void read({ w, root, status: { mode: 'waiting', hotspot: { ssid: '', address: '' }, addresses: [], country: '', name: '', radio: true } });
  return root;
}

export const wifiStep: Step = { title: 'Connect the box to your network', render };
