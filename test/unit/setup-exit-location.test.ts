// The dashboard's exit location on the page's server: the form checked with the parameter's rules (bounded, fuzzed,
// refused in words next to the list), the panel from the Node's showCountries answer (a stopped Node said as content),
// the Node's "every country missing" answered as a kept choice, configurationChanged passed on to the page as a live
// event, and each Node's country read from the neighborhood graph.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CSRF_HEADER, ROUTES, type RouteName } from '../../src/setup/api.js';
import { PageError } from '../../src/setup/context.js';
import { eventText, pageEvent } from '../../src/setup/events.js';
import { exitLocationForm, exitLocationPanel } from '../../src/setup/exit-location-routes.js';
import { MAX_FORM_COUNTRIES } from '../../src/setup/forms.js';
import { parseGraph } from '../../src/setup/graph.js';
import { type Answers, type ConvOpcode, type Requests, UI_ERRORS, UiRequestError } from '../../src/ui/index.js';
import { parseEvent } from '../../web-setup/core/events.js';
import { ADMIN_PASSWORD, ScriptedBox, scriptedPage } from '../helpers/setup-page.js';

const FUZZ = { seed: 18, numRuns: 1000 };

const pageErrorOf = (f: () => unknown): PageError => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof PageError, String(e));
    return e;
  }
  assert.fail('no error');
};

test('the form: groups in priority order become the request; upper-cased; no groups clear the choice', () => {
  assert.deepEqual(exitLocationForm({ groups: [['cz', 'PL'], ['sk']], fallback: false }), {
    fallbackRouting: false, showCountries: false, exitLocations: [{ countryCodes: ['CZ', 'PL'], priority: 1 }, { countryCodes: ['SK'], priority: 2 }],
  });
  assert.deepEqual(exitLocationForm({ groups: [], fallback: false }), { fallbackRouting: true, exitLocations: [], showCountries: false });
});

test('the form: a wrong code, an empty group or a country twice is refused in the parameter\'s words, next to the list', () => {
  for (const [groups, words] of [
    [[['CZ', 'XP']], /^'XP' is not a valid ISO3166 country code/],
    [[['CZ'], []], /empty country/],
    [[['CZ'], ['SK', 'cz']], /lists CZ twice/],
  ] as const) {
    const e = pageErrorOf(() => exitLocationForm({ groups: groups as unknown as string[][], fallback: true }));
    assert.equal(e.status, 400);
    assert.equal(e.body.code, 'EXIT_LOCATION');
    assert.equal(e.body.field, 'countries');
    assert.match(e.body.message, words);
  }
  for (const bad of [{}, { groups: 'CZ', fallback: true }, { groups: [['CZ']], fallback: 'yes' }, { groups: [[1]], fallback: true }, { groups: [Array(MAX_FORM_COUNTRIES + 1).fill('CZ')], fallback: true }]) {
    assert.equal(pageErrorOf(() => exitLocationForm(bad)).body.code, 'FORM_INVALID', JSON.stringify(bad).slice(0, 80));
  }
});

test('fuzz: any body is a request of real, distinct, upper-case codes or a refusal in words, never anything else', () => {
  const code = fc.oneof(fc.constantFrom('CZ', 'pl', 'SK', 'at', 'ZZ', 'XP', '', ' DE '), fc.string({ maxLength: 6 }));
  const body = fc.oneof(
    fc.record({ groups: fc.array(fc.array(code, { maxLength: 4 }), { maxLength: 5 }), fallback: fc.boolean() }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
  );
  fc.assert(fc.property(body, (b) => {
    let r;
    try {
      r = exitLocationForm(b as Record<string, unknown>);
    } catch (e) {
      assert.ok(e instanceof PageError && e.status === 400 && e.body.message.length < 2000, String(e));
      return;
    }
    const codes = r.exitLocations.flatMap((g) => g.countryCodes);
    assert.ok(codes.every((c) => /^[A-Z]{2}$/.test(c) && c !== 'ZZ'), codes.join());
    assert.equal(new Set(codes).size, codes.length);
    assert.deepEqual(r.exitLocations.map((g) => g.priority), r.exitLocations.map((_, i) => i + 1));
  }), FUZZ);
});

test('the panel: the choice by priority, the real countries with exits (most first, as the Node counts them), bounded', () => {
  const p = exitLocationPanel({
    fallbackRouting: false, missingCountries: ['AT'],
    exitCountrySelection: [{ countryCodes: ['AT'], priority: 2 }, { countryCodes: ['CZ', 'PL'], priority: 1 }],
    exitCountries: ['CZ', 'PL', 'ZZ'], exitCountryCounts: [{ country: 'CZ', exits: 3 }, { country: 'ZZ', exits: 2 }, { country: 'PL', exits: 1 }, { country: '<b>', exits: 1 }],
  });
  assert.deepEqual(p, { running: true, groups: [['CZ', 'PL'], ['AT']], fallback: false, missing: ['AT'], countries: [{ code: 'CZ', exits: 3 }, { code: 'PL', exits: 1 }] });
  const many = exitLocationPanel({ fallbackRouting: true, exitCountrySelection: [], missingCountries: [], exitCountryCounts: Array(400).fill({ country: 'CZ', exits: 1 }) });
  assert.ok(many.running && many.countries.length === MAX_FORM_COUNTRIES);
});

/** A box whose Node keeps an exit location and knows exits in CZ (3) and PL (1); it refuses as the real one does. */
class ExitBox extends ScriptedBox {
  setting: Requests['exitLocation'] = { fallbackRouting: true, exitLocations: [], showCountries: false };
  readonly asks: Array<Requests['exitLocation']> = [];
  static readonly EXITS = new Set(['CZ', 'PL']);

  override async node<Op extends ConvOpcode>(op: Op, p: Requests[Op]): Promise<Answers[Op]> {
    if (op !== 'exitLocation') return super.node(op, p);
    if (!this.running) throw new UiRequestError(op, { code: UI_ERRORS.NODE_NOT_RUNNING_ERROR, message: `Cannot handle ${op} request: Node is not running` });
    const req = p as Requests['exitLocation'];
    this.asks.push(req);
    if (!req.showCountries) this.setting = req;
    const chosen = this.setting.exitLocations.flatMap((g) => g.countryCodes);
    const missing = chosen.filter((c) => !ExitBox.EXITS.has(c));
    if (!req.showCountries && chosen.length > 0 && missing.length === chosen.length) {
      throw new UiRequestError(op, { code: UI_ERRORS.EXIT_COUNTRY_MISSING_COUNTRIES_ERROR, message: missing.join(', ') });
    }
    const answer: Answers['exitLocation'] = { fallbackRouting: this.setting.fallbackRouting, exitCountrySelection: this.setting.exitLocations, missingCountries: missing };
    return (req.showCountries ? { ...answer, exitCountries: ['CZ', 'PL'], exitCountryCounts: [{ country: 'CZ', exits: 3 }, { country: 'PL', exits: 1 }] } : answer) as Answers[Op];
  }
}

const HOST = { host: '127.0.0.1:8080' };
const POST = { ...HOST, [CSRF_HEADER]: '1', 'content-type': 'application/json' };

async function withPage(f: (call: (name: RouteName, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>, box: ExitBox) => Promise<void>): Promise<void> {
  const p = scriptedPage(new ExitBox());
  const box = p.box as ExitBox;
  try {
    box.claimed = true;
    const login = await p.page.app.inject({ method: 'POST', url: ROUTES.login.path, headers: POST, payload: JSON.stringify({ password: ADMIN_PASSWORD }) });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    await f(async (name, body = {}) => {
      const r = ROUTES[name];
      const res = await p.page.app.inject({ method: r.method, url: r.path, headers: { ...(r.method === 'POST' ? POST : HOST), cookie }, ...(r.method === 'POST' ? { payload: JSON.stringify(body) } : {}) });
      return { status: res.statusCode, json: res.json() as Record<string, unknown> };
    }, box);
  } finally {
    await p.close();
  }
}

test('the panel says a stopped Node as its content; running, it asks the Node with showCountries, which changes nothing', async () => {
  await withPage(async (call, box) => {
    assert.deepEqual(await call('panelExitLocation'), { status: 200, json: { running: false } });
    box.running = true;
    const r = await call('panelExitLocation');
    assert.deepEqual(r, { status: 200, json: { running: true, groups: [], fallback: true, missing: [], countries: [{ code: 'CZ', exits: 3 }, { code: 'PL', exits: 1 }] } });
    assert.deepEqual(box.asks, [{ fallbackRouting: true, exitLocations: [], showCountries: true }]);
  });
});

test('saving: the checked request reaches the Node; countries without exits are answered; all of them missing is a kept choice', async () => {
  await withPage(async (call, box) => {
    box.running = true;
    let r = await call('setExitLocation', { groups: [['cz'], ['SK']], fallback: false });
    assert.deepEqual(r, { status: 200, json: { missing: ['SK'] } });
    assert.deepEqual(box.setting, { fallbackRouting: false, exitLocations: [{ countryCodes: ['CZ'], priority: 1 }, { countryCodes: ['SK'], priority: 2 }], showCountries: false });
    r = await call('setExitLocation', { groups: [['SK', 'AT']], fallback: true });
    assert.deepEqual(r, { status: 200, json: { missing: ['SK', 'AT'] } }, 'the Node refused with EXIT_COUNTRY_MISSING_COUNTRIES_ERROR, yet kept it');
    assert.deepEqual((await call('panelExitLocation')).json.groups, [['SK', 'AT']]);
    r = await call('setExitLocation', { groups: [], fallback: false });
    assert.deepEqual(r, { status: 200, json: { missing: [] } });
    assert.deepEqual(box.setting.exitLocations, []);
  });
});

test('saving: wrong forms stop at the page in words; a stopped Node is said so', async () => {
  await withPage(async (call, box) => {
    const wrong = await call('setExitLocation', { groups: [['XP']], fallback: true });
    assert.equal(wrong.status, 400);
    assert.deepEqual([(wrong.json.error as { code: string }).code, (wrong.json.error as { field: string }).field], ['EXIT_LOCATION', 'countries']);
    for (const body of [{ groups: [['CZ']] }, { groups: [['CZ']], fallback: true, more: 1 }, { groups: [['CZ'.repeat(5)]], fallback: true }, { groups: [Array(MAX_FORM_COUNTRIES + 1).fill('CZ')], fallback: true }]) {
      const res = await call('setExitLocation', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal((res.json.error as { code: string }).code, 'FORM_INVALID');
    }
    assert.equal((await call('setExitLocation', { groups: [Array(1000).fill('CZ')], fallback: true })).status, 413, 'bounded before parsing');
    assert.deepEqual(box.asks, [], 'none reached the Node');
    const stopped = await call('setExitLocation', { groups: [['CZ']], fallback: true });
    assert.deepEqual([stopped.status, (stopped.json.error as { code: string }).code], [409, 'NODE_NOT_RUNNING']);
  });
});

test('configurationChanged reaches the page as a live event the dashboard reads', () => {
  const e = pageEvent({ opcode: 'configurationChanged', payload: {} }, 0);
  assert.deepEqual(e, { type: 'configuration' });
  assert.equal(eventText(e as never), 'event: configuration\ndata: {"type":"configuration"}\n\n');
  assert.deepEqual(parseEvent('configuration', '{"type":"configuration"}'), { type: 'configuration' });
  assert.equal(parseEvent('configuration', 'not json'), undefined);
});

test('the neighborhood graph: each Node\'s country from its country attribute, an unknown one (ZZ) left out; bounded on any input', () => {
  const g = parseGraph([
    'digraph db {',
    '  "AbCdEfGh" [label="AbCdEfGh\\nv3\\n1.2.3.4:5555\\nCZ" country="CZ" style=filled];',
    '  "IjKlMnOp" [label="IjKlMnOp\\nv3\\nZZ" country="ZZ" shape=box];',
    '  "QrStUvWx" [label="QrStUvWx\\nv3" country="pl"];',
    '  "AbCdEfGh" -> "IjKlMnOp";',
    '}',
  ].join('\n'));
  assert.deepEqual(g.nodes, [
    { id: 'AbCdEfGh', label: ['AbCdEfGh', 'v3', '1.2.3.4:5555'], self: true, routes: true, country: 'CZ' },
    { id: 'IjKlMnOp', label: ['IjKlMnOp', 'v3'], self: false, routes: false },
    { id: 'QrStUvWx', label: ['QrStUvWx', 'v3'], self: false, routes: true },
  ]);
  const attr = fc.oneof(fc.constantFrom('country="CZ"', 'country="ZZ"', 'country="C"', 'xcountry="DE"', 'style=filled'), fc.string({ maxLength: 20 }));
  fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.array(attr, { maxLength: 4 }), (label, attrs) => {
    for (const n of parseGraph(`digraph db {\n  "n1" [label="${label}" ${attrs.join(' ')}];\n}`).nodes) {
      assert.ok(n.country === undefined || (/^[A-Z]{2}$/.test(n.country) && n.country !== 'ZZ'), n.country);
    }
  }), FUZZ);
});
