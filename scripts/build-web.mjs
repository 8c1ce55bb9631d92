// Builds the setup page into dist/web-setup/ (or the directory given as the argument): web-setup/main.ts bundled
// and minified into app.js, the style sheet into app.css, index.html copied. masq-setup serves these three files.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'web-setup'));
mkdirSync(out, { recursive: true });

// Browsers of the last few years, phones included. The output has no eval and no inline code: the page runs under
// a strict CSP.
const common = { bundle: true, minify: true, logLevel: 'warning', absWorkingDir: root, target: ['es2020', 'chrome90', 'firefox90', 'safari15'] };
try {
  await build({ ...common, entryPoints: ['web-setup/main.ts'], outfile: join(out, 'app.js'), format: 'iife', platform: 'browser' });
  await build({ ...common, entryPoints: ['web-setup/style.css'], outfile: join(out, 'app.css') });
  copyFileSync(join(root, 'web-setup', 'index.html'), join(out, 'index.html'));
} catch {
  // esbuild has printed what is wrong, with file and line.
  process.exit(1);
}
