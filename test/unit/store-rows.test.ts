// The store's row names have one owner, the schema's lists: a stored parameter names a row of them, the lists do
// not overlap, and a row outside them does not compile.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_ROWS, type ConfigRow, SECRET_ROWS, type SecretRow } from '../../src/store/index.js';
import { STORED_PARAMS } from '../../src/config/index.js';
import { CONSUMING_KEY_SECRET, EARNING_WALLET_ROW } from '../../src/wallet/index.js';

test('stored parameters and the wallets name rows of the schema', () => {
  for (const p of STORED_PARAMS) assert.ok((CONFIG_ROWS as readonly string[]).includes(p.storeRow), p.name);
  assert.ok((SECRET_ROWS as readonly string[]).includes(CONSUMING_KEY_SECRET));
  assert.ok((CONFIG_ROWS as readonly string[]).includes(EARNING_WALLET_ROW));
  assert.deepEqual(CONFIG_ROWS.filter((r) => (SECRET_ROWS as readonly string[]).includes(r)), [], 'a row is plain or secret, not both');
});

test('a row outside the schema does not compile', () => {
  const plain: ConfigRow = 'min_hops';
  // @ts-expect-error a misspelt row
  const wrongPlain: ConfigRow = 'min_hop';
  // @ts-expect-error a plain row is not a secret one
  const wrongSecret: SecretRow = 'gas_price';
  assert.ok(plain && wrongPlain && wrongSecret);
});
