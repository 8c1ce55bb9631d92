// The test ERC-20 (test/fixtures/erc20/MasqToken.sol) compiled once and cached as JSON, so tests need the
// solc wasm compiler (seconds to load) only when the source changed; a unit test compares cache and fresh compile.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export const TOKEN_DIR = join(ROOT, 'test', 'fixtures', 'erc20');
const SOURCE = join(TOKEN_DIR, 'MasqToken.sol');
const ARTIFACT = join(TOKEN_DIR, 'MasqToken.json');

export interface TokenArtifact {
  /** sha256 of the source the artifact was built from: a mismatch means "recompile". */
  sourceSha256: string;
  solcVersion: string;
  abi: unknown[];
  bytecode: string;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

// solc ships no type declarations; this is the one call we use.
interface Solc {
  compile(input: string): string;
  version(): string;
}

export function sourceHash(): string {
  return createHash('sha256').update(readFileSync(SOURCE)).digest('hex');
}

export function compileToken(): TokenArtifact {
  const solc = createRequire(import.meta.url)('solc') as Solc;
  const input = {
    language: 'Solidity',
    sources: { 'MasqToken.sol': { content: readFileSync(SOURCE, 'utf8') } },
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`MasqToken.sol does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = out.contracts?.['MasqToken.sol']?.['MasqToken'];
  if (!c) throw new Error('solc produced no MasqToken contract');
  return { sourceSha256: sourceHash(), solcVersion: solc.version(), abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

export function readCachedArtifact(): TokenArtifact | undefined {
  try {
    return JSON.parse(readFileSync(ARTIFACT, 'utf8')) as TokenArtifact;
  } catch {
    return undefined;
  }
}

/** The cached artifact when it matches the source; otherwise compiles and refreshes the cache. */
export function tokenArtifact(): TokenArtifact {
  const cached = readCachedArtifact();
  if (cached && cached.sourceSha256 === sourceHash()) return cached;
  const fresh = compileToken();
  writeFileSync(ARTIFACT, `${JSON.stringify(fresh, null, 2)}\n`);
  return fresh;
}
