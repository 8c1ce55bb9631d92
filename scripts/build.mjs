// Bundles the programs of the package into dist/, with the code they share and what they load only on demand (ethers,
// the BIP-39 word lists) in dist/chunks/; masq-imager (the Raspberry Pi image's alone, not in the .deb) is one file on
// its own. lmdb stays external: it carries a native addon. dist/bundled-packages.json lists the npm packages compiled
// into the bundles, so the package's copyright can be checked against it.
// Beside them, dist/geo-country.bin: the IP-to-country table (docs/GEO.md), built from DB-IP's CSVs in node_modules.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';

// The programs find their chunks' directory by this name (src/system/program-dir.ts).
const { CHUNK_DIR } = await tsImport('../src/system/program-dir.ts', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'esm',
  sourcemap: true,
  // Without comments the source has no character beyond Latin-1, so V8 holds it as one byte per character (a
  // comment's "→" made every process keep the whole bundle as UTF-16), and there is less of it to hold and parse.
  minifyWhitespace: true,
  external: ['lmdb'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  define: { __MASQ_VERSION__: JSON.stringify(version) },
};

// Split: what a program imports only when it needs it is a file of its own, parsed and held only then. An idle mesh
// Node held 5 MiB less once ethers and the word lists were out of its bundle (docs/PERFORMANCE.md).
rmSync(`dist/${CHUNK_DIR}`, { recursive: true, force: true });
const programs = await build({ ...common, metafile: true, splitting: true, chunkNames: `${CHUNK_DIR}/[name]-[hash]`, entryPoints: { 'masq-node': 'src/main-node.ts', masq: 'src/main-cli.ts', 'masq-setup': 'src/main-setup.ts', 'masq-ssh-access': 'src/main-ssh-access.ts', 'masq-wifi': 'src/main-wifi.ts', 'masq-dns-utility': 'src/main-dns-utility.ts' }, outdir: 'dist' });
const imager = await build({ ...common, metafile: true, entryPoints: { 'masq-imager': 'src/main-imager.ts' }, outdir: 'dist' });
const packages = new Set();
for (const input of [...Object.keys(programs.metafile.inputs), ...Object.keys(imager.metafile.inputs)]) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
writeFileSync('dist/bundled-packages.json', `${JSON.stringify([...packages].sort(), null, 1)}\n`);

// The table is rebuilt only when its CSVs, the lock file or src/geo changed: parsing 700 000 rows takes seconds.
const geo = await tsImport('../src/geo/index.ts', import.meta.url);
const csvDir = 'node_modules/@ip-location-db/dbip-country';
const csv = { 4: `${csvDir}/dbip-country-ipv4.csv`, 6: `${csvDir}/dbip-country-ipv6.csv` };
const tableFile = `dist/${geo.TABLE_FILE}`;
const inputs = [csv[4], csv[6], 'package-lock.json', ...readdirSync('src/geo').map((f) => `src/geo/${f}`)];
if (!existsSync(tableFile) || inputs.some((f) => statSync(f).mtimeMs > statSync(tableFile).mtimeMs)) {
  const table = geo.buildCountryTable(geo.parseRangeCsv(readFileSync(csv[4]), 4), geo.parseRangeCsv(readFileSync(csv[6]), 6));
  const bytes = geo.encodeCountryTable(table);
  // What a Node will read must decode, within the decoder's bounds.
  geo.decodeCountryTable(bytes);
  writeFileSync(tableFile, bytes);
}
