// Regenerates test/fixtures/store-v1.json: a schema-1 store written by the v1 layout code (createV1) with the v1
// way of keeping a password (kdf_salt row, sealed hex rows in `config`).
//   node --import tsx test/helpers/store-make-fixture.ts > test/fixtures/store-v1.json

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { deriveKey, seal, sealString } from '../../src/crypto/seal.js';
import { V1_KDF, contextFor, createV1 } from '../../src/store/migrations.js';
import { storeFile } from '../../src/store/store.js';
import { dumpStore } from './store-dump.js';

export const FIXTURE_PASSWORD = 'fixture-password';
export const FIXTURE_CHAIN = 'base-sepolia';
export const FIXTURE_PORT = 4321;
export const FIXTURE_SECRETS = {
  consuming_wallet_private_key: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
  last_cryptde: 'c2VjcmV0LXgyNTUxOQ,c2VjcmV0LWVkMjU1MTk',
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'store-fixture-'));
  try {
    const salt = '00112233445566778899aabbccddeeff';
    const key = await deriveKey(FIXTURE_PASSWORD, { ...V1_KDF, salt });
    const env = open({ path: storeFile(dir), maxDbs: 8, noSubdir: true });
    env.transactionSync(() => {
      const ctx = contextFor(env);
      createV1(ctx, { chain: FIXTURE_CHAIN, clandestinePort: FIXTURE_PORT });
      const config = ctx.db('config');
      config.putSync('kdf_salt', { value: salt, encrypted: false });
      config.putSync('example_encrypted', { value: seal(key, 'example_encrypted', Buffer.alloc(32, 7)).toString('hex'), encrypted: true });
      for (const [name, value] of Object.entries(FIXTURE_SECRETS)) {
        config.putSync(name, { value: sealString(key, name, value).toString('hex'), encrypted: true });
      }
      config.putSync('mapping_protocol', { value: 'pcp', encrypted: false });
    });
    await env.close();
    const dump = await dumpStore(dir);
    dump.note = `schema 1, chain ${FIXTURE_CHAIN}, password '${FIXTURE_PASSWORD}'; made by test/helpers/store-make-fixture.ts`;
    process.stdout.write(`${JSON.stringify(dump, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('store-make-fixture.ts')) await main();
