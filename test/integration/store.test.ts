import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ConfigRow, SCHEMA_VERSION, openStore, readStoredRows, type Store } from '../../src/store/index.js';

const DEFAULT_ROWS: ConfigRow[] = ['clandestine_port', 'min_hops', 'gas_price', 'mapping_protocol', 'payment_thresholds', 'rate_pack', 'scan_intervals'];
const readStoredDefaults = (dir: string) => readStoredRows(dir, DEFAULT_ROWS);
import { openStoreInternal, storeFile } from '../../src/store/store.js';
import { MIGRATIONS, type Migration } from '../../src/store/migrations.js';
import { dumpStore, loadDump, patchStore } from '../helpers/store-dump.js';
import { anyRows, loadFixture, rejectsWith, withDataDir } from '../helpers/store-tmp.js';
import { FIXTURE_CHAIN, FIXTURE_PASSWORD, FIXTURE_PORT, FIXTURE_SECRETS } from '../helpers/store-make-fixture.js';

const CHAIN = 'base-sepolia';

async function withStore<T>(dataDir: string, use: (store: Store) => Promise<T>, chain = CHAIN): Promise<T> {
  const store = await openStore({ dataDir, chain, choosePort: () => 5555 });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe('store: create and reopen', () => {
  it('creates the directory, the file and MASQ initial rows, and keeps values across reopen', () =>
    withDataDir(async (dir) => {
      await withStore(dir, async (s) => {
        assert.equal(s.schemaVersion, SCHEMA_VERSION);
        assert.equal(s.dataDir, dir);
        assert.equal(s.getConfig('chain_name'), CHAIN);
        assert.equal(s.getConfig('clandestine_port'), '5555');
        assert.equal(s.getConfig('min_hops'), '3');
        assert.equal(s.getConfig('gas_price'), '1');
        assert.equal(s.getConfig('payment_thresholds'), '1000000000|1200|1200|500000000|21600|500000000');
        assert.equal(s.getConfig('rate_pack'), '53844|53844|107688|107688');
        assert.equal(s.getConfig('scan_intervals'), '600|600|600');
        assert.equal(s.getConfig('mapping_protocol'), undefined);
        assert.equal(s.hasPassword(), false);
        await s.setConfig({ mapping_protocol: 'pmp', min_hops: '5', gas_price: null });
        await s.changePassword(undefined, 'pw');
        await s.setSecret({ consuming_wallet_private_key: 'aa'.repeat(32), past_neighbors: 'n1' });
        await s.setSecret({ past_neighbors: null });
      });
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      for (const f of [storeFile(dir), `${storeFile(dir)}-lock`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
      await withStore(dir, async (s) => {
        assert.equal(s.getConfig('mapping_protocol'), 'pmp');
        assert.equal(s.getConfig('min_hops'), '5');
        assert.equal(s.getConfig('gas_price'), undefined);
        assert.equal(s.getConfig('clandestine_port'), '5555', 'the port is chosen only at creation');
        assert.equal(s.isUnlocked(), false);
        await rejectsWith(() => s.getSecret('past_neighbors'), 'STORE_LOCKED', /not supplied/);
        await s.unlock('pw');
        assert.equal(s.getSecret('consuming_wallet_private_key'), 'aa'.repeat(32));
        assert.equal(s.getSecret('past_neighbors'), undefined);
      });
    }));

  it('picks a random clandestine port in 1025–9998 by default', () =>
    withDataDir(async (dir) => {
      const s = await openStore({ dataDir: dir, chain: CHAIN });
      try {
        const port = Number(s.getConfig('clandestine_port'));
        assert.ok(port >= 1025 && port <= 9998, String(port));
      } finally {
        await s.close();
      }
    }));

  it('refuses secrets as plain config, chain_name changes and bad names', () =>
    withDataDir((dir) =>
      withStore(dir, async (s) => {
        await rejectsWith(anyRows(s).setConfig({ consuming_wallet_private_key: 'x' }), 'USAGE', /secret/);
        await rejectsWith(s.setConfig({ chain_name: 'dev' }), 'USAGE', /chain_name/);
        await rejectsWith(anyRows(s).setConfig({ 'Bad-Name': 'x' }), 'USAGE');
        assert.equal(s.getConfig('chain_name'), CHAIN);
      }),
    ));

  it('one failing entry writes nothing of a setConfig call', () =>
    withDataDir((dir) =>
      withStore(dir, async (s) => {
        await rejectsWith(anyRows(s).setConfig({ min_hops: '6', 'bad name': 'x' }), 'USAGE');
        assert.equal(s.getConfig('min_hops'), '3');
      }),
    ));
});

describe('store: chain', () => {
  it('refuses a database made for another chain, naming both', () =>
    withDataDir(async (dir) => {
      await withStore(dir, async () => undefined, 'base-mainnet');
      const err = await rejectsWith(openStore({ dataDir: dir, chain: 'polygon-mainnet' }), 'STORE_WRONG_CHAIN', /base-mainnet.*polygon-mainnet/);
      assert.match(err.fix ?? '', /--data-directory.*--chain base-mainnet/);
    }));
});

describe('store: passwords', () => {
  it('without a password: checkPassword matches only undefined; secrets need one', () =>
    withDataDir((dir) =>
      withStore(dir, async (s) => {
        assert.equal(await s.checkPassword(undefined), true);
        assert.equal(await s.checkPassword('anything'), false);
        await rejectsWith(() => s.getSecret('past_neighbors'), 'STORE_NO_PASSWORD');
        await rejectsWith(s.setSecret({ past_neighbors: 'x' }), 'STORE_NO_PASSWORD');
        await rejectsWith(s.unlock('x'), 'STORE_NO_PASSWORD');
        await rejectsWith(s.changePassword('old', 'new'), 'STORE_NO_PASSWORD');
      }),
    ));

  it('first password, then "already has a password" for a second first one', () =>
    withDataDir((dir) =>
      withStore(dir, async (s) => {
        await rejectsWith(s.changePassword(undefined, ''), 'USAGE', /empty/);
        await s.changePassword(undefined, 'first');
        assert.equal(s.hasPassword(), true);
        assert.equal(s.isUnlocked(), true);
        assert.equal(await s.checkPassword('first'), true);
        assert.equal(await s.checkPassword(undefined), false);
        const err = await rejectsWith(s.changePassword(undefined, 'second'), 'STORE_WRONG_PASSWORD', /already has a password\. You may only change it/);
        assert.ok(err.fix);
        assert.equal(await s.checkPassword('first'), true);
      }),
    ));

  it('a wrong password gives a clear error and changes nothing', () =>
    withDataDir(async (dir) => {
      await withStore(dir, async (s) => {
        await s.changePassword(undefined, 'right');
        await s.setSecret({ last_cryptde: 'cd' });
      });
      const before = await dumpStore(dir);
      await withStore(dir, async (s) => {
        const err = await rejectsWith(s.unlock('wrong'), 'STORE_WRONG_PASSWORD', /password is wrong/);
        assert.match(err.describe(), /--db-password/);
        assert.doesNotMatch(err.describe(), /wrong'|right/);
        assert.equal(s.isUnlocked(), false);
        await rejectsWith(s.changePassword('wrong', 'new'), 'STORE_WRONG_PASSWORD');
        assert.equal(await s.checkPassword('wrong'), false);
      });
      assert.deepEqual(await dumpStore(dir), before);
    }));

  it('change-password re-seals every secret: new password reads all, old one nothing', () =>
    withDataDir(async (dir) => {
      const secrets: Record<string, string> = { consuming_wallet_private_key: 'k'.repeat(64), past_neighbors: 'p', last_cryptde: 'c' };
      for (let i = 0; i < 20; i++) secrets[`extra_${i}`] = `value ${i}`;
      await withStore(dir, async (s) => {
        await s.changePassword(undefined, 'old-pw');
        await s.setSecret(secrets);
      });
      const before = await dumpStore(dir);
      await withStore(dir, async (s) => {
        await s.changePassword('old-pw', 'new-pw');
        assert.equal(s.isUnlocked(), true);
        for (const [k, v] of Object.entries(secrets)) assert.equal(anyRows(s).getSecret(k), v);
      });
      const after = await dumpStore(dir);
      for (const name of Object.keys(secrets)) {
        assert.notEqual(after.databases.secrets?.entries[name], before.databases.secrets?.entries[name], name);
      }
      assert.notDeepEqual(after.databases.meta?.entries.kdf, before.databases.meta?.entries.kdf, 'fresh salt');
      await withStore(dir, async (s) => {
        await rejectsWith(s.unlock('old-pw'), 'STORE_WRONG_PASSWORD');
        await s.unlock('new-pw');
        for (const [k, v] of Object.entries(secrets)) assert.equal(anyRows(s).getSecret(k), v);
      });
    }));

  it('a second handle notices that the password changed under it', () =>
    withDataDir(async (dir) => {
      await withStore(dir, async (a) => {
        await a.changePassword(undefined, 'one');
        await a.setSecret({ past_neighbors: 'x' });
        const b = await openStore({ dataDir: dir, chain: CHAIN });
        try {
          await b.unlock('one');
          await a.changePassword('one', 'two');
          await rejectsWith(b.setSecret({ past_neighbors: 'stale' }), 'STORE_LOCKED', /changed by another/);
          assert.equal(b.isUnlocked(), false);
          assert.equal(a.getSecret('past_neighbors'), 'x');
        } finally {
          await b.close();
        }
      });
    }));
});

describe('store: read-only use and stored defaults', () => {
  it('a read-only open of a missing store fails without creating anything', () =>
    withDataDir(async (dir) => {
      await rejectsWith(openStore({ dataDir: dir, chain: CHAIN, readOnly: true }), 'STORE_OPEN', /no database/);
      assert.equal(existsSync(dir), false);
      assert.deepEqual(await readStoredDefaults(dir), {});
      assert.equal(existsSync(dir), false);
    }));

  it('readStoredRows returns the named rows, also while the Node has the store open', () =>
    withDataDir((dir) =>
      withStore(dir, async (s) => {
        await s.setConfig({ mapping_protocol: 'igdp', gas_price: '7', earning_wallet_address: '0xabc' });
        assert.deepEqual(await readStoredDefaults(dir), {
          clandestine_port: '5555',
          min_hops: '3',
          gas_price: '7',
          mapping_protocol: 'igdp',
          payment_thresholds: '1000000000|1200|1200|500000000|21600|500000000',
          rate_pack: '53844|53844|107688|107688',
          scan_intervals: '600|600|600',
        });
        const ro = await openStore({ dataDir: dir, chain: CHAIN, readOnly: true });
        try {
          assert.equal(ro.getConfig('gas_price'), '7');
          await rejectsWith(ro.setConfig({ gas_price: '8' }), 'STORE_OPEN', /read-only/);
        } finally {
          await ro.close();
        }
        await s.setConfig({ gas_price: '9' });
        assert.equal((await readStoredDefaults(dir)).gas_price, '9');
      }),
    ));

  it('readStoredRows of a store awaiting migration is {} and migrates nothing', () =>
    withDataDir(async (dir) => {
      await loadDump(dir, loadFixture('store-v1.json'));
      assert.deepEqual(await readStoredDefaults(dir), {});
      await rejectsWith(openStore({ dataDir: dir, chain: FIXTURE_CHAIN, readOnly: true }), 'STORE_SCHEMA', /older version/);
      assert.equal((await dumpStore(dir)).databases.meta?.entries.schema_version, '1');
    }));

  it('a file that is not a database is refused, not crashed on', () =>
    withDataDir(async (dir) => {
      mkdirSync(dir);
      writeFileSync(storeFile(dir), Buffer.alloc(20000, 0x78));
      await rejectsWith(openStore({ dataDir: dir, chain: CHAIN }), 'STORE_OPEN', /not a masq-pi database/);
      await rejectsWith(readStoredDefaults(dir), 'STORE_OPEN');
    }));
});

describe('store: schema versions', () => {
  it('refuses a database made by a newer version and leaves it alone', () =>
    withDataDir(async (dir) => {
      await withStore(dir, async () => undefined);
      await patchStore(dir, 'meta', { schema_version: String(SCHEMA_VERSION + 1) });
      const err = await rejectsWith(openStore({ dataDir: dir, chain: CHAIN }), 'STORE_SCHEMA', /newer version/);
      assert.match(err.fix ?? '', /never downgraded/);
      await rejectsWith(readStoredDefaults(dir), 'STORE_SCHEMA');
      assert.equal((await dumpStore(dir)).databases.meta?.entries.schema_version, String(SCHEMA_VERSION + 1));
    }));

  it('migrates the recorded v1 fixture: values kept, secrets still open with its password', () =>
    withDataDir(async (dir) => {
      await loadDump(dir, loadFixture('store-v1.json'));
      await rejectsWith(openStore({ dataDir: dir, chain: 'polygon-mainnet' }), 'STORE_WRONG_CHAIN');
      assert.equal((await dumpStore(dir)).databases.meta?.entries.schema_version, '1', 'no migration for the wrong chain');
      await withStore(
        dir,
        async (s) => {
          assert.equal(s.schemaVersion, SCHEMA_VERSION);
          assert.equal(s.getConfig('clandestine_port'), String(FIXTURE_PORT));
          assert.equal(s.getConfig('mapping_protocol'), 'pcp');
          assert.equal(s.getConfig('min_hops'), '3');
          assert.equal(s.getConfig('blockchain_service_url'), undefined);
          assert.equal(s.getConfig('kdf_salt'), undefined);
          assert.equal(anyRows(s).getConfig('consuming_wallet_private_key'), undefined, 'secrets are not plain config any more');
          assert.equal(s.hasPassword(), true);
          await rejectsWith(s.unlock('not-it'), 'STORE_WRONG_PASSWORD');
          await s.unlock(FIXTURE_PASSWORD);
          for (const [k, v] of Object.entries(FIXTURE_SECRETS)) assert.equal(anyRows(s).getSecret(k), v);
          assert.equal(s.getSecret('past_neighbors'), undefined);
          await s.changePassword(FIXTURE_PASSWORD, 'after-migration');
        },
        FIXTURE_CHAIN,
      );
      const dump = await dumpStore(dir);
      assert.equal(dump.databases.meta?.entries.schema_version, String(SCHEMA_VERSION));
      assert.deepEqual(Object.keys(dump.databases.secrets?.entries ?? {}).sort(), Object.keys(FIXTURE_SECRETS).sort());
    }));

  it('a migration that throws midway leaves the database at the old version with the old data', () =>
    withDataDir(async (dir) => {
      await loadDump(dir, loadFixture('store-v1.json'));
      const before = await dumpStore(dir);
      const failing: Migration = {
        from: 3,
        what: 'test step that fails after writing',
        run(ctx) {
          ctx.db('config').putSync('half_done', 'yes');
          ctx.db('meta').putSync('schema_version', '4');
          throw new Error('injected failure');
        },
      };
      const err = await rejectsWith(
        openStoreInternal({ dataDir: dir, chain: FIXTURE_CHAIN }, { migrations: [...MIGRATIONS, failing], schemaVersion: 4 }),
        'STORE_SCHEMA',
        /from schema 1 to 4 failed \(injected failure\).*unchanged at schema 1/,
      );
      assert.ok(err.fix);
      assert.deepEqual(await dumpStore(dir), before);
      // and the real code still migrates it afterwards
      await withStore(dir, async (s) => assert.equal(s.schemaVersion, SCHEMA_VERSION), FIXTURE_CHAIN);
    }));

  it('a brand-new store runs the create step and every migration in one go', () =>
    withDataDir(async (dir) => {
      await withStore(dir, async () => undefined);
      const dump = await dumpStore(dir);
      assert.deepEqual(Object.keys(dump.databases).sort(), ['books', 'config', 'meta', 'secrets']);
      assert.deepEqual(dump.databases.meta?.entries, { schema_version: String(SCHEMA_VERSION) });
      assert.equal(dirname(storeFile(dir)), dir);
      assert.equal(storeFile(dir), join(dir, 'node-data.mdb'));
    }));
});
