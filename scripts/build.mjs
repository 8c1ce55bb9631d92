// Bundles the two programs into dist/. lmdb stays external: it carries a native addon.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'esm',
  sourcemap: true,
  external: ['lmdb'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  define: { __MASQ_VERSION__: JSON.stringify(version) },
};

await build({ ...common, entryPoints: { 'masq-node': 'src/main-node.ts', masq: 'src/main-cli.ts' }, outdir: 'dist' });
