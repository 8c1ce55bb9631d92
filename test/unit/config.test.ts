import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PARAMS, SETUP_PARAMS, envName, findParam } from '../../src/config/params.js';
import { type Environment, type Layer, resolve } from '../../src/config/resolve.js';
import { parseConfigText, parseParamArgs, readEnv } from '../../src/config/sources.js';
import { MasqError } from '../../src/system/errors.js';

const env: Environment = { role: 'daemon', home: '/home/u', systemResolvers: ['9.9.9.9'], stored: {} };

test('defaults: MASQ chain, mode, log level, thresholds; data directory under XDG with the chain', () => {
  const r = resolve([], env);
  const v = (n: string) => r.values.get(n);
  assert.equal(v('chain')?.value, 'base-mainnet');
  assert.equal(v('chain')?.status, 'Default');
  assert.equal(v('neighborhood-mode')?.value, 'standard');
  assert.equal(v('log-level')?.value, 'warn');
  assert.equal(v('min-hops')?.value, '3');
  assert.equal(v('payment-thresholds')?.value, '1000000000|1200|1200|500000000|21600|500000000');
  assert.equal(v('rate-pack')?.value, '53844|53844|107688|107688');
  assert.equal(v('scan-intervals')?.value, '600|600|600');
  assert.equal(v('data-directory')?.value, '/home/u/.local/share/MASQ/base-mainnet');
  assert.equal(v('dns-servers')?.value, '9.9.9.9');
  assert.equal(v('db-password')?.status, 'Required');
  assert.equal(v('blockchain-service-url')?.status, 'Required');
  assert.equal(v('earning-wallet')?.status, 'Blank');
});

test('zero-hop needs neither blockchain-service-url nor db-password', () => {
  const r = resolve([{ source: 'env', status: 'Configured', values: { 'neighborhood-mode': 'zero-hop' } }], env);
  assert.equal(r.values.get('blockchain-service-url')?.status, 'Blank');
  assert.equal(r.values.get('db-password')?.status, 'Blank');
  assert.equal(r.values.get('neighborhood-mode')?.status, 'Configured');
  assert.deepEqual(r.errors, []);
});

test('priority: the first layer wins, and its status shows', () => {
  const layers: Layer[] = [
    { source: 'setup', status: 'Set' as const, values: { 'log-level': 'debug' } },
    { source: 'env', status: 'Configured' as const, values: { 'log-level': 'info', 'min-hops': '2' } },
    { source: 'file', status: 'Configured' as const, values: { 'log-level': 'error', 'min-hops': '5', 'gas-price': '7' } },
  ];
  const r = resolve(layers, env);
  assert.deepEqual(r.values.get('log-level'), { name: 'log-level', value: 'debug', status: 'Set' });
  assert.deepEqual(r.values.get('min-hops'), { name: 'min-hops', value: '2', status: 'Configured' });
  assert.deepEqual(r.values.get('gas-price'), { name: 'gas-price', value: '7', status: 'Configured' });
});

test('an invalid value is reported with its source and the next layer is used', () => {
  const r = resolve([
    { source: 'setup', status: 'Set', values: { 'min-hops': '9' } },
    { source: 'environment', status: 'Configured', values: { 'min-hops': '4' } },
  ], env);
  assert.equal(r.values.get('min-hops')?.value, '4');
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]?.[1] ?? '', /between 1 and 6.*from setup/);
});

test('the data directory gets the chain appended; the chain changes the default', () => {
  const r = resolve([{ source: 'ui', status: 'Set', values: { chain: 'polygon-amoy', 'data-directory': '/srv/masq' } }], env);
  assert.equal(r.values.get('data-directory')?.value, '/srv/masq/polygon-amoy');
  const d = resolve([{ source: 'ui', status: 'Set', values: { chain: 'dev' } }], env);
  assert.equal(d.values.get('data-directory')?.value, '/home/u/.local/share/MASQ/dev');
});

test('mode rules: zero-hop forbids --ip; consume-only forbids dns-servers and requires neighbors', () => {
  const z = resolve([{ source: 'ui', status: 'Set', values: { 'neighborhood-mode': 'zero-hop', ip: '1.2.3.4' } }], env);
  assert.ok(z.errors.some(([p, why]) => p === 'ip' && /zero-hop/.test(why)));
  const c = resolve([{ source: 'ui', status: 'Set', values: { 'neighborhood-mode': 'consume-only', 'dns-servers': '1.1.1.1' } }], env);
  assert.ok(c.errors.some(([p]) => p === 'dns-servers'));
  assert.equal(c.values.get('neighbors')?.status, 'Required');
});

test('validation rules from the reference', () => {
  const bad: Array<[string, string]> = [
    ['clandestine-port', '80'], ['clandestine-port', '65536'], ['consuming-private-key', 'abc'],
    ['earning-wallet', '0x123'], ['gas-price', '0'], ['ip', '1.2.3'], ['log-level', 'loud'],
    ['min-hops', '0'], ['min-hops', '7'], ['neighborhood-mode', 'solo'],
    ['payment-thresholds', '1|2|3'], ['payment-thresholds', '100|1200|1200|500|21600|5'],
    ['rate-pack', '1|2|3|x'], ['scan-intervals', '0|600|600'], ['dns-servers', '1.1.1.1,nope'],
    ['neighbors', 'masq://base-mainnet:short@1.2.3.4:5'], ['blockchain-service-url', 'ftp://x'], ['chain', 'eth-ropsten'],
  ];
  for (const [name, value] of bad) {
    assert.throws(() => findParam(name)?.check(value, 'base-mainnet'), `${name}=${value} should be refused`);
  }
  const key = 'A'.repeat(43);
  assert.equal(findParam('neighbors')?.check(`masq://base-mainnet:${key}@1.2.3.4:5678`, 'base-mainnet'), `masq://base-mainnet:${key}@1.2.3.4:5678`);
  assert.throws(() => findParam('neighbors')?.check(`masq://polygon-mainnet:${key}@1.2.3.4:5678`, 'base-mainnet'), /for chain polygon-mainnet/);
  assert.equal(findParam('log-level')?.check('DEBUG', 'dev'), 'debug');
});

test('every parameter has help, a value name and an environment name', () => {
  for (const p of PARAMS) {
    assert.ok(p.help.length > 10, p.name);
    assert.ok(p.valueName.length > 0, p.name);
    assert.match(envName(p.name), /^MASQ_[A-Z_]+$/);
  }
  assert.equal(envName('clandestine-port'), 'MASQ_CLANDESTINE_PORT');
  assert.ok(SETUP_PARAMS.every((p) => !p.nodeOnly));
});

test('environment: MASQ_* names map to parameters; unknown ones are reported', () => {
  const r = readEnv({ MASQ_LOG_LEVEL: 'info', MASQ_NOPE: 'x', PATH: '/bin' });
  assert.deepEqual(r.values, { 'log-level': 'info' });
  assert.deepEqual(r.unknown, ['MASQ_NOPE']);
});

test('config.toml: flat scalars become strings; tables, arrays, unknown names and config-file are refused', () => {
  assert.deepEqual(parseConfigText('clandestine-port = 1234\nlog-level = "info"\nscans = true\n', 'f'), { 'clandestine-port': '1234', 'log-level': 'info', scans: 'true' });
  for (const text of ['[table]\nx = 1', 'neighbors = ["a"]', 'bogus = 1', 'config-file = "x"', 'log-level = ', 'when = 1979-05-27T07:32:00Z']) {
    assert.throws(() => parseConfigText(text, 'config.toml'), (e: unknown) => e instanceof MasqError && e.code === 'CONFIG_FILE' && e.message.includes('config.toml'), text);
  }
});

test('command-line parameters: --name value, --name=value; unknown and missing values are usage errors', () => {
  assert.deepEqual(parseParamArgs(['--log-level', 'info', '--min-hops=2']).values, { 'log-level': 'info', 'min-hops': '2' });
  assert.throws(() => parseParamArgs(['--log-level']), /needs a value/);
  assert.throws(() => parseParamArgs(['--frobnicate', '1']), /Unknown parameter '--frobnicate'/);
  assert.deepEqual(parseParamArgs(['--log-level', '--ip', '1.2.3.4'], true), { values: { ip: '1.2.3.4' }, cleared: ['log-level'] });
});

test('fuzz: the config parser only ever throws MasqError', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => {
    try {
      const out = parseConfigText(text, 'fuzz.toml');
      for (const v of Object.values(out)) assert.equal(typeof v, 'string');
    } catch (e) {
      assert.ok(e instanceof MasqError, String(e));
    }
  }), { numRuns: 3000, seed: 7 });
});

test('fuzz: every parameter check either returns a string or throws a ParamProblem', () => {
  fc.assert(fc.property(fc.constantFrom(...PARAMS), fc.string({ maxLength: 200 }), (p, v) => {
    try {
      assert.equal(typeof p.check(v, 'base-mainnet'), 'string');
    } catch (e) {
      assert.equal((e as Error).constructor.name, 'ParamProblem', `${p.name}: ${String(e)}`);
    }
  }), { numRuns: 5000, seed: 11 });
});

test('docs/CONFIGURATION.md and docs/CLI.md are generated from the tables and up to date', async () => {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-docs.ts', '--check'], { stdio: 'pipe' });
});

test('fuzz: command-line parameter parsing only ever throws MasqError', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...PARAMS.map((p) => `--${p.name}`))), { maxLength: 12 }), fc.boolean(), (argv, bare) => {
    try {
      parseParamArgs(argv, bare);
    } catch (e) {
      assert.ok(e instanceof MasqError, String(e));
    }
  }), { numRuns: 3000, seed: 13 });
});
