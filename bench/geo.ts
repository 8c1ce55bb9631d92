// The IP-to-country table for make bench: what a Node's first country look-ups cost (reading dist/geo-country.bin
// in a fresh process as a Node does it: an IPv4 look-up first, which reads the IPv4 part only, then an IPv6 one,
// which reads the rest; time, and memory after a collection), the file's size, and one look-up's time afterwards.
// Run alone: node --import tsx bench/geo.ts (after make build).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHeader, defaultTablePath, lazyCountryOf, MAX_HEADER_BYTES } from '../src/geo/index.js';
import { ROOT } from '../test/helpers/processes.js';
import { type Emit, emitLine } from './common.js';

const LOOKUPS = 200_000;
const LOADS = 5;

// The child looks up an IPv4 address, then an IPv6 one, through the loader a Node uses, and tells what each cost;
// memory is measured after collections, so what remains is the table and what loading left behind.
const CHILD = `
import { lazyCountryOf, defaultTablePath } from ${JSON.stringify(join(ROOT, 'src', 'geo', 'index.ts'))};
const settle = async () => { gc(); await new Promise((r) => setTimeout(r, 100)); gc(); };
const memory = () => { const m = process.memoryUsage(); return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers }; };
const countryOf = lazyCountryOf(defaultTablePath());
const timed = async (ip) => {
  const t0 = performance.now();
  const country = countryOf(ip);
  const ms = performance.now() - t0;
  await settle();
  return { ms, country, ...memory() };
};
await settle();
const before = memory();
const v4 = await timed('8.8.8.8');
const both = await timed('2001:7fd::1');
process.stdout.write(JSON.stringify({ before, v4, both }));
`;

interface Memory { rss: number; heap: number }
interface Look extends Memory { ms: number; country: string }
/** Memory before any look-up, and after each: the IPv4 one, then the IPv6 one (`both` parts then held). */
interface Load { before: Memory; v4: Look; both: Look }

function loadInChild(): Load {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the table did not load: ${r.stderr}`);
  const load = JSON.parse(r.stdout) as Load;
  if (load.v4.country !== 'US' || load.both.country !== 'US') throw new Error(`the table answered ${load.v4.country} and ${load.both.country}, not US`);
  return load;
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
  const grown = (stage: 'v4' | 'both', what: 'rss' | 'heap'): number => median(loads.map((l) => l[stage][what] - l.before[what])) / MiB;
  emit('geo_table_v4_load_ms', median(loads.map((l) => l.v4.ms)), 'ms');
  emit('geo_table_v4_heap_mib', grown('v4', 'heap'), 'MiB');
  emit('geo_table_v4_rss_mib', grown('v4', 'rss'), 'MiB');
  // Both families: the IPv4 part and then the IPv6 one.
  emit('geo_table_load_ms', median(loads.map((l) => l.v4.ms + l.both.ms)), 'ms');
  emit('geo_table_heap_mib', grown('both', 'heap'), 'MiB');
  emit('geo_table_rss_mib', grown('both', 'rss'), 'MiB');

  const path = defaultTablePath();
  const file = readFileSync(path);
  const sections = decodeHeader(file.subarray(0, MAX_HEADER_BYTES), file.length).sections;
  emit('geo_table_file_kb', file.length / 1000, 'KB');
  emit('geo_table_v4_read_kb', (sections[4].at + sections[4].bytes) / 1000, 'KB');

  const lookup = lazyCountryOf(path);
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
