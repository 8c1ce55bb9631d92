// masq exit-location: its arguments checked and turned into MASQ's exitLocation request before anything is sent,
// every way the Node can answer printed in MASQ's words and streams, and the setting in masq configuration.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CommandIo } from '../../src/cli/command.js';
import { commandHelp, findCommand, runCommand } from '../../src/cli/commands.js';
import { exitLocationRequest } from '../../src/cli/exit-location.js';
import { debugList } from '../../src/config/index.js';
import { UsageError } from '../../src/cli/flags.js';
import { broadcast, configurationDump } from '../../src/cli/format.js';
import { type Answers, UI_ERRORS, type UiClient, UiRequestError } from '../../src/ui/index.js';

/** A Node that answers exitLocation with `answer` (or throws it), recording each request and what masq printed. */
function node(answer: Answers['exitLocation'] | Error) {
  const sent: Array<[string, unknown]> = [];
  const out: string[] = [];
  const err: string[] = [];
  const client = {
    request: async (op: string, payload: unknown) => {
      sent.push([op, payload]);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as UiClient;
  const io: CommandIo = { client: async () => client, out: (t) => out.push(t), err: (t) => err.push(t), nodeAnswers: async () => false };
  return { io, sent, out, err };
}

const usage = (args: string[], re: RegExp): void => {
  assert.throws(() => exitLocationRequest(args), (e: unknown) => e instanceof UsageError && re.test(e.message), args.join(' '));
};

describe('masq exit-location: arguments', () => {
  it('without arguments, or with --fallback-routing alone, clears the setting', () => {
    const cleared = { fallbackRouting: true, exitLocations: [], showCountries: false };
    assert.deepEqual(exitLocationRequest([]), cleared);
    assert.deepEqual(exitLocationRequest(['--fallback-routing']), cleared);
  });

  it('country codes: a pipe starts the next priority, a comma keeps the same; lower case is upper-cased', () => {
    assert.deepEqual(exitLocationRequest(['--country-codes', 'cz,Pl|SK']), {
      fallbackRouting: false, showCountries: false,
      exitLocations: [{ countryCodes: ['CZ', 'PL'], priority: 1 }, { countryCodes: ['SK'], priority: 2 }],
    });
    assert.deepEqual(exitLocationRequest(['--fallback-routing', '--country-codes', 'AT']), {
      fallbackRouting: true, showCountries: false, exitLocations: [{ countryCodes: ['AT'], priority: 1 }],
    });
  });

  it('--show-countries alone asks for the countries and changes nothing', () => {
    assert.deepEqual(exitLocationRequest(['--show-countries']), { fallbackRouting: true, exitLocations: [], showCountries: true });
    usage(['--show-countries', '--fallback-routing'], /--show-countries only lists the countries; give it alone/);
    usage(['--country-codes', 'CZ', '--show-countries'], /give it alone/);
  });

  it('refuses invalid codes in MASQ\'s words, empty groups and a country listed twice, naming the fix', () => {
    usage(['--country-codes', 'AD|AO,RR,XP'], /^--country-codes: 'RR' is not a valid ISO3166 country code, 'XP' is not a valid ISO3166 country code/);
    usage(['--country-codes', 'CZ||SK'], /empty country/);
    usage(['--country-codes', 'CZ,'], /empty country/);
    usage(['--country-codes', ''], /empty country/);
    usage(['--country-codes', 'CZ|SK,cz'], /lists CZ twice\. Give each country once/);
    usage(['--country-codes', `${'CZ,'.repeat(600)}SK`], /longer than/);
  });

  it('refuses what is not its syntax', () => {
    usage(['--country-codes'], /--country-codes needs a value/);
    usage(['--country-codes', '--fallback-routing'], /needs a value/);
    usage(['--fallback-routing', 'yes'], /Unexpected argument 'yes'/);
    usage(['--fallback-routing', '--fallback-routing'], /given twice/);
    usage(['--country', 'CZ'], /Unexpected argument '--country'/);
    usage(Array(40).fill('--show-countries'), /Too many arguments/);
  });

  it('fuzz: any words are a request of checked countries or a usage error, never anything else', () => {
    const word = fc.oneof(fc.constantFrom('--country-codes', '--fallback-routing', '--show-countries', 'CZ,PL|SK', 'cz|at', 'ZZ', '|', ','), fc.string({ maxLength: 30 }));
    fc.assert(fc.property(fc.array(word, { maxLength: 8 }), (args) => {
      let r;
      try {
        r = exitLocationRequest(args);
      } catch (e) {
        assert.ok(e instanceof UsageError, String(e));
        assert.ok(e.message.length < 2000);
        return;
      }
      const codes = r.exitLocations.flatMap((g) => g.countryCodes);
      assert.ok(codes.every((c) => /^[A-Z]{2}$/.test(c)));
      assert.equal(new Set(codes).size, codes.length);
      assert.deepEqual(r.exitLocations.map((g) => g.priority), r.exitLocations.map((_, i) => i + 1));
      assert.ok(!r.showCountries || r.exitLocations.length === 0);
    }), { seed: 31, numRuns: 2000 });
  });

  it('bad arguments send nothing; masq prints the problem and the usage, and exits 1', async () => {
    const f = node(new Error('must not be asked'));
    assert.equal(await runCommand('exit-location', ['--country-codes', 'XP'], f.io), 1);
    assert.deepEqual(f.sent, []);
    assert.match(f.err.join('\n'), /'XP' is not a valid ISO3166 country code[^]*Usage: masq exit-location/);
    assert.doesNotMatch(f.err.join('\n'), /\n\s+at /, 'no stack trace');
  });
});

const SET = { fallbackRouting: false, exitCountrySelection: [{ countryCodes: ['CZ', 'SK'], priority: 1 }, { countryCodes: ['AT'], priority: 2 }], missingCountries: [] };

describe('masq exit-location: what it prints', () => {
  it('the countries with exits, as MASQ lists them, then how many exits each has', async () => {
    const f = node({
      fallbackRouting: true, exitCountrySelection: [], missingCountries: [], exitCountries: ['CZ', 'PL', 'ZZ'],
      exitCountryCounts: [{ country: 'PL', exits: 3 }, { country: 'ZZ', exits: 2 }, { country: 'CZ', exits: 1 }],
    });
    assert.equal(await runCommand('exit-location', ['--show-countries'], f.io), 0);
    assert.deepEqual(f.sent, [['exitLocation', { fallbackRouting: true, exitLocations: [], showCountries: true }]]);
    assert.deepEqual(f.out, ['Countries available for exit-location: ["CZ", "PL", "ZZ"]', '  PL  3 exits', '  ZZ  2 exits (country unknown)', '  CZ  1 exit', 'Exit location is Unset.']);
    assert.deepEqual(f.err, []);
  });

  it('no country with exits: said on stderr', async () => {
    const f = node({ fallbackRouting: true, exitCountrySelection: [], missingCountries: [], exitCountries: [], exitCountryCounts: [] });
    assert.equal(await runCommand('exit-location', ['--show-countries'], f.io), 0);
    assert.deepEqual(f.err, ['No countries available for exit-location!']);
    assert.deepEqual(f.out, ['Exit location is Unset.']);
  });

  it('the countries shown beside a setting, some of them without exits', async () => {
    const f = node({ ...SET, missingCountries: ['AT'], exitCountries: ['CZ'], exitCountryCounts: [{ country: 'CZ', exits: 2 }] });
    assert.equal(await runCommand('exit-location', ['--show-countries'], f.io), 0);
    assert.deepEqual(f.out, [
      'Countries available for exit-location: ["CZ"]', '  CZ  2 exits',
      'Following countries are missing in Database: ["AT"]',
      'Exit location set: Country Codes: ["CZ", "SK"] - Priority: 1; Country Codes: ["AT"] - Priority: 2',
    ]);
    assert.deepEqual(f.err, ['["AT"] (Code 8000_0000_0000_0008)']);
  });

  it('a setting made: fallback routing and the groups by priority', async () => {
    const f = node(SET);
    assert.equal(await runCommand('exit-location', ['--country-codes', 'cz,sk|at'], f.io), 0);
    assert.deepEqual(f.sent, [['exitLocation', { fallbackRouting: false, exitLocations: SET.exitCountrySelection, showCountries: false }]]);
    assert.deepEqual(f.out, ['Fallback Routing NOT set.', 'Exit location set: Country Codes: ["CZ", "SK"] - Priority: 1; Country Codes: ["AT"] - Priority: 2']);
    assert.deepEqual(f.err, []);
  });

  it('a setting made with some countries missing: the setting stands, the missing ones are said on both streams', async () => {
    const f = node({ ...SET, fallbackRouting: true, missingCountries: ['SK'] });
    assert.equal(await runCommand('exit-location', ['--country-codes', 'CZ,SK|AT', '--fallback-routing'], f.io), 0);
    assert.deepEqual(f.out, [
      'Fallback Routing is set.',
      'Following countries are missing in Database: ["SK"]',
      'Exit location set: Country Codes: ["CZ", "SK"] - Priority: 1; Country Codes: ["AT"] - Priority: 2',
    ]);
    assert.deepEqual(f.err, ['["SK"] (Code 8000_0000_0000_0008)']);
  });

  it('cleared', async () => {
    const f = node({ fallbackRouting: true, exitCountrySelection: [], missingCountries: [] });
    assert.equal(await runCommand('exit-location', [], f.io), 0);
    assert.deepEqual(f.out, ['Fallback Routing is set.', 'Exit location is Unset.']);
  });

  it('every country missing: the Node\'s error on stderr, MASQ\'s sentence on stdout, exit 1', async () => {
    const f = node(new UiRequestError('exitLocation', { code: UI_ERRORS.EXIT_COUNTRY_MISSING_COUNTRIES_ERROR, message: 'CZ, SK' }));
    assert.equal(await runCommand('exit-location', ['--country-codes', 'CZ|SK'], f.io), 1);
    assert.deepEqual(f.err, ['CZ, SK (Code 8000_0000_0000_0008)']);
    assert.deepEqual(f.out, ['All requested countries are missing in Database: CZ, SK']);
  });

  it('any other refusal is printed as every masq error is', async () => {
    const f = node(new UiRequestError('exitLocation', { code: UI_ERRORS.NODE_NOT_RUNNING_ERROR, message: 'Cannot handle exitLocation request: Node is not running' }));
    assert.equal(await runCommand('exit-location', [], f.io), 1);
    assert.deepEqual(f.err, ['Cannot handle exitLocation request: Node is not running (Code 8000_0000_0000_0002)']);
    assert.deepEqual(f.out, []);
  });

  it('lists print as Rust\'s Debug prints them', () => {
    assert.equal(debugList([]), '[]');
    assert.equal(debugList(['CZ', 'a"b']), '["CZ", "a\\"b"]');
  });
});

describe('masq exit-location: around it', () => {
  it('help explains commas, pipes, fallback and show-countries, with examples', () => {
    const c = findCommand('exit-location');
    assert.ok(c);
    const help = commandHelp(c);
    assert.match(help, /^Usage: masq exit-location \[--country-codes "<CC,CC\|CC>"\] \[--fallback-routing\] \[--show-countries\]/);
    for (const part of [/comma/, /pipe \(\|\)/, /--fallback-routing lets exits in other countries serve/, /--show-countries lists/, /masq exit-location --country-codes "CZ,PL\|SK"/]) assert.match(help, part);
  });

  it('masq configuration shows the setting, or that there is none', () => {
    assert.match(configurationDump({ exitLocation: 'CZ,PL|SK|*' }), /^Exit location:\s+CZ,PL\|SK\|\*$/m);
    assert.match(configurationDump({}), /^Exit location:\s+\[Unset\]$/m);
  });

  it('interactive masq announces a changed configuration', () => {
    assert.deepEqual(broadcast({ opcode: 'configurationChanged', payload: {} }), { text: "The Node's configuration has changed.", stderr: false });
  });
});
