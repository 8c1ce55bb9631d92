// The IP-to-country table for make bench: what a Node's first country look-up costs (reading dist/geo-country.bin,
// in a fresh process as a Node does it: time, and memory after a collection), and one look-up's time afterwards.
// Run alone: node --import tsx bench/geo.ts (after make build).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { defaultTablePath, lookupCountry, readCountryTable } from '../src/geo/index.js';
import { ROOT } from '../test/helpers/processes.js';
import { type Emit, emitLine } from './common.js';

const LOOKUPS = 200_000;
const LOADS = 5;

// The child reads the table once and tells what that cost; memory is measured after collections on both sides, so
// what remains is the table and what loading left behind.
const CHILD = `
import { readCountryTable, defaultTablePath } from ${JSON.stringify(join(ROOT, 'src', 'geo', 'index.ts'))};
const settle = async () => { gc(); await new Promise((r) => setTimeout(r, 100)); gc(); };
await settle();
const before = process.memoryUsage();
const t0 = performance.now();
const table = readCountryTable(defaultTablePath());
const ms = performance.now() - t0;
await settle();
const after = process.memoryUsage();
// The table is used below, so it is still held when memory is measured.
process.stdout.write(JSON.stringify({ ms, rss: after.rss - before.rss, heap: after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers, ranges: table.v4Starts.length + table.v6Codes.length }));
`;

interface Load { ms: number; rss: number; heap: number }

function loadInChild(): Load {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the table did not load: ${r.stderr}`);
  return JSON.parse(r.stdout) as Load;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Nanoseconds per look-up over addresses made beforehand (random, so most are in the table's ranges, some not). */
function lookupNs(lookup: (ip: string) => string, addresses: string[]): number {
  for (const a of addresses.slice(0, 10_000)) lookup(a);
  const t0 = process.hrtime.bigint();
  for (const a of addresses) lookup(a);
  return Number(process.hrtime.bigint() - t0) / addresses.length;
}

export function geoFigures(emit: Emit): void {
  const loads = Array.from({ length: LOADS }, loadInChild);
  const MiB = 1024 * 1024;
  emit('geo_table_load_ms', median(loads.map((l) => l.ms)), 'ms');
  emit('geo_table_heap_mib', median(loads.map((l) => l.heap)) / MiB, 'MiB');
  emit('geo_table_rss_mib', median(loads.map((l) => l.rss)) / MiB, 'MiB');

  const table = readCountryTable(defaultTablePath());
  const lookup = (ip: string): string => lookupCountry(table, ip);
  const v4 = Array.from({ length: LOOKUPS }, () => [...randomBytes(4)].join('.'));
  // Global unicast (2000::/3), where the table's IPv6 ranges are.
  const v6 = Array.from({ length: LOOKUPS }, () => {
    const b = randomBytes(16);
    b[0] = 0x20 | (b[0]! & 0x1f);
    return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(2 * i).toString(16)).join(':');
  });
  emit('geo_lookup_v4_ns', lookupNs(lookup, v4), 'ns');
  emit('geo_lookup_v6_ns', lookupNs(lookup, v6), 'ns');
}

if (import.meta.url === `file://${process.argv[1]}`) geoFigures(emitLine);
