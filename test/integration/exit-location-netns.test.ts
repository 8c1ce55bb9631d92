// Exit location with real parts: 8 Node processes in network namespaces, seven standard Nodes each with a
// public-looking address from a different country of the IP-to-country table (inside the namespaces only), and a
// consume-only Node curl uses. The web server's host sees which exit each download left from.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countryOf } from '../../src/geo/index.js';
import { type LabNode, type MeshLab, startMeshLab } from '../helpers/mesh-lab.js';
import { netnsAvailable } from '../helpers/netns.js';
import { Sandbox, hasStackTrace, waitFor } from '../helpers/processes.js';

const NODES = 8;
const ROUTING = NODES - 1;
const sandbox = new Sandbox();
const available = await netnsAvailable();
let lab: MeshLab | undefined;

/** Reserved and private first octets, never taken as public-looking. */
const RESERVED = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);

/** One public-looking address for each of `n` different countries the table knows, found by walking the /8s. */
function addressesOfDistinctCountries(n: number): Array<{ address: string; country: string }> {
  const found: Array<{ address: string; country: string }> = [];
  for (let a = 1; a < 224 && found.length < n; a++) {
    if (RESERVED.has(a)) continue;
    for (const b of [16, 80, 144, 208]) {
      const address = `${a}.${b}.10.20`;
      const country = countryOf(address);
      if (country !== 'ZZ' && !found.some((f) => f.country === country)) {
        found.push({ address, country });
        break;
      }
    }
  }
  if (found.length < n) throw new Error(`the table gave only ${found.length} countries`);
  return found;
}

const PUBLIC = addressesOfDistinctCountries(ROUTING);
/** A country no lab Node is in. */
const ABSENT = ['NZ', 'IS', 'UY', 'KE', 'MN'].find((c) => !PUBLIC.some((p) => p.country === c)) as string;

describe('exit location in a mesh of Node processes', () => {
  before(async () => {
    assert.ok(available, 'needs root and ip netns');
    lab = await startMeshLab(sandbox, NODES, {
      prefix: 'mqexit',
      modes: { [NODES - 1]: 'consume-only' },
      publicAddresses: Object.fromEntries(PUBLIC.map((p, i) => [i, p.address])),
    });
  });
  after(async () => {
    await lab?.lan.cleanup();
    await sandbox.cleanup();
  });
  const l = (): MeshLab => lab as MeshLab;
  const me = (): LabNode => l().nodes[NODES - 1] as LabNode;
  /** The country of the Node whose LAN address the web server saw. */
  const countryAt = (lanAddress: string): string => {
    const i = l().nodes.findIndex((n) => n.host.address === lanAddress);
    return PUBLIC[i]?.country ?? `not a routing Node (${lanAddress})`;
  };
  /** Fetches `count` small pages; the countries of the exits the web server saw them come from. */
  const fetchExits = async (count: number): Promise<string[]> => {
    const seen = l().web.peers().length;
    for (let i = 0; i < count; i++) {
      const r = await me().curl(`/page-${i}`);
      assert.equal(r.code, 0, `curl: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`you asked for /page-${i}`), `a page came back: ${r.stdout.slice(0, 400)}`);
    }
    return l().web.peers().slice(seen).map(countryAt);
  };
  const exitLocation = (...args: string[]): ReturnType<LabNode['masq']> => me().masq('exit-location', ...args);

  test('every Node declares the country of its public address, and the graph shows it', async () => {
    await l().routeFound(me(), 40_000);
    const graph = (await me().masq('neighborhood-graph')).stdout;
    // Records declare their Node's country; the addresses we know (our neighbors') agree with the table.
    const declared = [...graph.matchAll(/\\n([A-Z]{2})" country="([A-Z]{2})"(?! style)/g)].map((m) => m[2] as string);
    assert.ok(declared.length >= 3, `routing Nodes with countries in the graph:\n${graph}`);
    for (const c of declared) assert.ok(PUBLIC.some((p) => p.country === c), `${c} is a lab Node's country:\n${graph}`);
    for (const [, ip, label, attr] of graph.matchAll(/label="[^"]*\\n(\d+\.\d+\.\d+\.\d+):\d+\\n([A-Z]{2})" country="([A-Z]{2})"/g)) {
      assert.equal(label, attr);
      assert.equal(attr, PUBLIC.find((p) => p.address === ip)?.country, `${ip} is in ${countryOf(ip as string)}`);
    }
    assert.match(graph, /\\nZZ" country="ZZ" style=filled/, 'the consume-only originator has no public address: ZZ');
  });

  test('show-countries lists the countries that have exits, with how many each', async () => {
    const r = await exitLocation('--show-countries');
    assert.equal(r.code, 0, r.stderr);
    const listed = /Countries available for exit-location: \[(.*)\]/.exec(r.stdout)?.[1]?.match(/[A-Z]{2}/g) ?? [];
    assert.ok(listed.length >= 1, r.stdout);
    for (const c of listed) assert.ok(PUBLIC.some((p) => p.country === c), `${c} is a lab Node's country`);
    assert.ok(!hasStackTrace(r.stdout + r.stderr));
  });

  test('set to one country, every download exits there; the setting survives a restart', async (t) => {
    const before = await fetchExits(2);
    const offered = /Countries available for exit-location: \[(.*)\]/.exec((await exitLocation('--show-countries')).stdout)?.[1]?.match(/[A-Z]{2}/g) ?? [];
    // A country other than the cheapest route's, when there is one, so the change is seen.
    const wanted = offered.find((c) => !before.includes(c)) ?? (offered[0] as string);
    t.diagnostic(`unset, downloads left from ${before.join(', ')}; exits are in ${offered.join(', ')}; asking for ${wanted}`);
    const set = await exitLocation('--country-codes', wanted);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /Fallback Routing NOT set\./);
    assert.match(set.stdout, new RegExp(`Exit location set: Country Codes: \\["${wanted}"\\] - Priority: 1`));
    assert.deepEqual(new Set(await fetchExits(4)), new Set([wanted]), `every download left from ${wanted}`);
    assert.match(me().process.output(), new RegExp(`Your traffic now exits in ${wanted} through Node`));
    assert.match((await me().masq('configuration')).stdout, new RegExp(`${wanted}`));
    await me().stop();
    await me().restart();
    await l().routeFound(me(), 40_000);
    assert.match((await me().masq('configuration')).stdout, new RegExp(`${wanted}`), 'the setting is stored');
    // The restarted Node may have other neighbors, and its database fills again from Gossip: an exit in the country
    // may be one of its neighbors now (a 3-hop route cannot end there), or not known yet and known a moment later.
    // Whether a route exists can change between asking and downloading, so each download is judged by itself:
    // either way the setting rules, and a download leaves from there or not at all.
    const seen = l().web.peers().length;
    for (const path of ['/after-1', '/after-2']) {
      const page = (await me().curl(path)).stdout;
      if (!page.includes(`you asked for ${path}`)) assert.match(page, new RegExp(`No exit in ${wanted} is reachable`), 'honoured after the restart');
    }
    const elsewhere = l().web.peers().slice(seen).map(countryAt).filter((c) => c !== wanted);
    assert.deepEqual(elsewhere, [], `after the restart downloads left from ${wanted} only`);
  });

  test('a country without exits: Routing Problem naming it; with fallback routing another exit serves', async () => {
    const none = await exitLocation('--country-codes', ABSENT);
    assert.notEqual(none.code, 0);
    assert.match(none.stdout, new RegExp(`All requested countries are missing in Database: ${ABSENT}`));
    const page = await me().curl('/nowhere');
    assert.match(page.stdout, /Routing Problem/);
    assert.match(page.stdout, new RegExp(`No exit in ${ABSENT} is reachable`));
    await exitLocation('--country-codes', ABSENT, '--fallback-routing');
    const exits = await fetchExits(2);
    assert.equal(exits.length, 2);
    for (const c of exits) assert.ok(PUBLIC.some((p) => p.country === c), `fallback used a lab exit (${c})`);
  });

  test('clearing it lets any exit serve again', async () => {
    const cleared = await exitLocation();
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stdout, /Fallback Routing is set\.\s+Exit location is Unset\./);
    // With nothing preferred every round trip is drawn among the near-cheapest (equal rate packs here: all of
    // them; docs/MESH.md 'Routes'), so exits vary from stream to stream; each is a lab Node's.
    const exits = await fetchExits(4);
    assert.equal(exits.length, 4);
    for (const c of exits) assert.ok(PUBLIC.some((p) => p.country === c), `a lab exit (${c})`);
    await waitFor('the unset location in the configuration', async () => !/Exit location: +[A-Z]{2}/.test((await me().masq('configuration')).stdout), 5000);
  });
});
