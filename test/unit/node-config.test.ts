// The Node's typed configuration: resolved once from the table, parsed into fields, names checked by the compiler.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, forParam } from '../../src/config/config-error.js';
import { nodeConfig } from '../../src/config/node-config.js';
import { PARAMS, type ParamName, ParamProblem, storeRowOf } from '../../src/config/params.js';
import { type Environment, resolve } from '../../src/config/resolve.js';
import { MasqError } from '../../src/system/errors.js';

const env: Environment = { role: 'node', home: '/home/u', systemResolvers: [], stored: {} };
const given = (values: Record<string, string>) => nodeConfig(resolve([{ source: 'command line', status: 'Set', values }], env, PARAMS));

test('defaults arrive typed: numbers, booleans, lists, the chain record and the parsed packs', () => {
  const c = given({});
  assert.equal(c.mode, 'standard');
  assert.equal(c.chain.name, 'base-mainnet');
  assert.equal(typeof c.chain.chainId, 'number');
  assert.equal(c.minHops, 3);
  assert.equal(c.proxyPort, 5380);
  assert.equal(c.uiPort, 5333);
  assert.equal(c.scans, true);
  assert.equal(c.exitPrivateDestinations, false);
  assert.deepEqual(c.dnsServers, ['1.1.1.1']);
  assert.deepEqual(c.neighbors, []);
  assert.deepEqual(c.scanIntervalsSec, [600, 600, 600]);
  assert.deepEqual(c.ratePack, { routingByteRate: 53844n, routingServiceRate: 53844n, exitByteRate: 107688n, exitServiceRate: 107688n });
  assert.equal(c.paymentThresholds.debtThresholdGwei, 1_000_000_000n);
  assert.deepEqual(c.gasPrice, { gwei: 1, configured: false }, 'a defaulted gas price says so');
  assert.equal(c.clandestinePort, undefined, 'no store yet: the store chooses the port');
  assert.equal(c.ip, undefined);
  assert.deepEqual(c.givenRows, {}, 'defaults are not persisted');
});

test('given values are parsed, secrets listed for the logger and stored parameters kept as rows', () => {
  const c = given({
    'gas-price': '7', 'scans': 'OFF', 'min-hops': '2', 'dns-servers': '8.8.8.8, 9.9.9.9', 'scan-intervals': '5|6|7',
    'rate-pack': '1|2|3|4', 'clandestine-port': '4000', 'db-password': 'secret!', 'exit-private-destinations': 'on',
  });
  assert.deepEqual(c.gasPrice, { gwei: 7, configured: true });
  assert.equal(c.scans, false);
  assert.equal(c.minHops, 2);
  assert.equal(c.clandestinePort, 4000);
  assert.equal(c.exitPrivateDestinations, true);
  assert.deepEqual(c.dnsServers, ['8.8.8.8', '9.9.9.9']);
  assert.deepEqual(c.scanIntervalsSec, [5, 6, 7]);
  assert.deepEqual(c.ratePack, { routingByteRate: 1n, routingServiceRate: 2n, exitByteRate: 3n, exitServiceRate: 4n });
  assert.deepEqual(c.secrets, ['secret!']);
  assert.deepEqual(c.givenRows, { gas_price: '7', min_hops: '2', clandestine_port: '4000', rate_pack: '1|2|3|4', scan_intervals: '5|6|7' });
});

test('parameter names are checked by the compiler', () => {
  const name: ParamName = 'min-hops';
  // @ts-expect-error a name the table does not have does not compile
  const wrong: ParamName = 'mni-hops';
  const c = given({});
  // @ts-expect-error neither does a misspelt field
  assert.equal(c.minHopz, undefined);
  assert.equal(storeRowOf('clandestine-port'), 'clandestine_port');
  // @ts-expect-error data-directory is not kept in the store
  storeRowOf('data-directory');
  assert.ok(name && wrong);
});

test('a parameter problem and a failed step are typed configuration errors naming their parameter', async () => {
  const p = new ParamProblem('must be 1 to 6');
  assert.ok(p instanceof MasqError);
  assert.equal(p.code, 'CONFIG_INVALID');
  assert.equal(p.message, 'must be 1 to 6');
  const failed = forParam('proxy-port', () => Promise.reject(new MasqError('PORT_IN_USE', 'Port 1 is taken.', 'Choose another.')));
  await assert.rejects(failed, (e: unknown) => e instanceof ConfigError && e.param === 'proxy-port' && e.reason === 'Port 1 is taken. Choose another.');
  const inner = forParam('ui-port', () => forParam('db-password', () => { throw new Error('wrong'); }));
  await assert.rejects(inner, (e: unknown) => e instanceof ConfigError && e.param === 'db-password', 'the innermost step names the parameter');
  assert.equal(await forParam('ui-port', () => 5), 5);
});
