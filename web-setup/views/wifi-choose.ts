// The Wi-Fi step's form: the networks in range, strongest first (name, signal bars, lock and protection), "Other
// network…" for one that hides its name, the password (only where one is asked, with a show/hide toggle), and the
// country the radio must obey. Checked here with the server's own rules (src/setup/forms.ts) before anything is sent.

import type { WifiJoinBody, WifiNetwork, WifiStatus } from '../../src/setup/api.js';
import { joinProblem } from '../../src/setup/forms.js';
import { countryChoices, countryOfLanguage, isCountry, regionNames } from '../core/countries.js';
import { securityLabel, signalBars, signalWords, unsupported } from '../core/wifi.js';
import { fill, h, s } from '../ui/dom.js';
import { field, Form, Invalid } from '../ui/form.js';
import type { App } from './app.js';

/** What the form starts with: the network and country of the last attempt (its password never kept). */
export interface Keep { ssid?: string; hidden?: boolean; country?: string }

const OTHER = '\u0000other';

function bars(dbm: number): SVGSVGElement {
  const n = signalBars(dbm);
  return s('svg', { class: 'bars', viewBox: '0 0 20 16', 'aria-hidden': 'true' },
    ...[0, 1, 2, 3].map((i) => s('rect', { x: i * 5, y: 12 - i * 4, width: 4, height: 4 + i * 4, rx: 1, class: i < n ? 'on' : 'off' })));
}

const lock = (): SVGSVGElement => s('svg', { class: 'lock', viewBox: '0 0 12 14', 'aria-hidden': 'true' },
  s('rect', { x: 1, y: 6, width: 10, height: 8, rx: 1.5 }), s('path', { d: 'M3.5 6V4a2.5 2.5 0 0 1 5 0v2', fill: 'none', 'stroke-width': 1.6 }));

function networkChoice(n: WifiNetwork, picked: boolean, onPick: () => void): HTMLLabelElement {
  const secured = n.security !== 'open';
  return h('label', { class: 'choice network' },
    h('input', { attrs: { type: 'radio', name: 'network', value: n.ssid, checked: picked }, on: { change: onPick } }),
    h('span', { class: 'net-name' }, n.ssid),
    h('span', { class: 'net-facts' },
      h('span', { class: 'signal', attrs: { title: signalWords(n.signalDbm) } }, bars(n.signalDbm), h('span', { class: 'offscreen' }, signalWords(n.signalDbm))),
      h('span', { class: secured ? 'security secured' : 'security' }, secured ? lock() : null, securityLabel(n.security))));
}

/** The form; `onJoin` gets a checked request. */
export function chooseNetwork(app: App, status: WifiStatus, keep: Keep, onJoin: (req: WifiJoinBody) => void): HTMLElement {
  let networks: WifiNetwork[] = [];
  const list = h('div', { class: 'networks' });
  const listError = h('div', { class: 'error', attrs: { role: 'alert', hidden: true } });
  const group = h('fieldset', { class: 'choices' }, h('legend', {}, 'Networks in range'), list, listError);
  const ssid = field({ name: 'ssid', label: 'Network name', value: keep.hidden ? keep.ssid : '', hint: 'Exactly as the router shows it: capitals count.', attrs: { autocapitalize: 'off' } });
  const password = field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'off', hint: 'Often on a sticker on the router.' });
  const toggle = h('button', { class: 'secondary reveal', attrs: { type: 'button', 'aria-pressed': 'false' } }, 'Show');
  toggle.addEventListener('click', () => {
    const shown = password.control.getAttribute('type') === 'text';
    password.control.setAttribute('type', shown ? 'password' : 'text');
    toggle.setAttribute('aria-pressed', String(!shown));
    fill(toggle, shown ? 'Show' : 'Hide');
  });
  password.control.after(toggle);
  const preset = [keep.country, status.country].find((c) => c !== undefined && isCountry(c)) ?? countryOfLanguage(navigator.language) ?? '';
  const country = field({
    name: 'country', label: 'Country', value: preset, options: [['', 'Choose the country…'], ...countryChoices(regionNames())],
    hint: 'The radio may use only the channels allowed where it is.',
  });
  const scan = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Scan again');

  const picked = (): string | undefined => list.querySelector<HTMLInputElement>('input[name="network"]:checked')?.value;
  const chosen = (): WifiNetwork | undefined => networks.find((n) => n.ssid === picked());
  /** The SSID box for "Other network…", the password for a network that asks one (or may: a hidden one). */
  const update = (): void => {
    const other = picked() === OTHER;
    ssid.row.hidden = !other;
    password.row.hidden = !other && (chosen()?.security ?? 'open') === 'open';
    if (other) password.control.setAttribute('placeholder', 'Empty for an open network');
    else password.control.removeAttribute('placeholder');
  };
  const show = (want: Keep): void => {
    const known = !want.hidden && networks.some((n) => n.ssid === want.ssid);
    fill(list, ...(networks.length === 0 ? [h('p', { class: 'muted' }, 'No network with a name is in range.')] : []),
      ...networks.map((n) => networkChoice(n, known && n.ssid === want.ssid, update)),
      h('label', { class: 'choice network other' },
        h('input', { attrs: { type: 'radio', name: 'network', value: OTHER, checked: !known && want.ssid !== undefined }, on: { change: update } }),
        h('span', { class: 'net-name' }, 'Other network…'), h('span', { class: 'net-facts muted' }, 'one that hides its name')));
    if (!known && want.ssid !== undefined) ssid.control.value = want.ssid;
    update();
  };
  const load = async (): Promise<void> => {
    const now = picked();
    const was: Keep = now === OTHER ? { ssid: ssid.control.value, hidden: true } : now !== undefined ? { ssid: now } : keep;
    fill(list, h('p', { class: 'muted' }, 'Looking for networks…'));
    try {
      networks = (await app.call('wifiNetworks')).networks;
    } finally {
      // A failed scan keeps what was found before; its problem shows under the list.
      show(was);
    }
  };

  const form = new Form('Join', async () => {
    const other = picked() === OTHER;
    const net = chosen();
    if (!other && !net) throw new Invalid('network', 'Choose a network, or "Other network…" for one that hides its name.');
    const problem = net && unsupported(net.security);
    if (problem) throw new Invalid('network', problem.message, problem.fix);
    const pw = password.row.hidden ? '' : password.control.value;
    if (net && net.security !== 'open' && pw === '') throw new Invalid('password', `Give the password of ${net.ssid}.`, 'Often on a sticker on the router.');
    const req: WifiJoinBody = { ssid: other ? ssid.control.value : (net?.ssid ?? ''), country: country.control.value, ...(pw ? { password: pw } : {}), ...(other ? { hidden: true } : {}) };
    const p = joinProblem(req);
    if (p) throw new Invalid(p.field === 'ssid' && !other ? 'network' : p.field, p.message, p.fix);
    onJoin(req);
  }, group, h('div', { class: 'inline-action' }, scan), ssid.row, password.row, country.row);
  form.add({ name: 'network', error: listError }, ssid, password, country);
  scan.addEventListener('click', () => void form.run(load, scan));
  void form.run(load, scan);
  return form.el;
}
