// The cached compile of the test ERC-20 must be what solc makes of the current source today.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileToken, readCachedArtifact, sourceHash } from '../helpers/erc20-artifact.js';

test('test/fixtures/erc20/MasqToken.json matches a fresh solc compile of MasqToken.sol', () => {
  const cached = readCachedArtifact();
  assert.ok(cached, 'the artifact is cached; run a chain test once to create it');
  assert.equal(cached.sourceSha256, sourceHash(), 'the source changed since the artifact was cached');
  const fresh = compileToken();
  assert.deepEqual(cached, fresh);
  const names = (fresh.abi as { name?: string }[]).map((e) => e.name).sort();
  assert.deepEqual(names, ['Approval', 'Transfer', 'allowance', 'approve', 'balanceOf', 'decimals', 'name', 'symbol', 'totalSupply', 'transfer', 'transferFrom', undefined].sort());
});
