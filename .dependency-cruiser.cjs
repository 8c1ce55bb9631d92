// The layering rules of src/, checked by `make lint` (docs/ARCHITECTURE.md explains them).
// FLOORS is the one table of floors: a folder may import its own files, and the entry file (index.ts) of a folder
// on a lower floor; never a folder on its own floor or above. Programs sit on top, the ground floor imports nothing.

/** Lowest first. */
const FLOORS = [
  { name: 'ground', folders: ['system', 'chains', 'address-ranges', 'version.ts'] },
  { name: 'primitives', folders: ['crypto', 'geo'] },
  { name: 'codecs and storage', folders: ['wire', 'store', 'tls-mask'] },
  { name: 'configuration', folders: ['config'] },
  { name: 'seams and leaf subsystems', folders: ['mesh', 'wallet', 'link', 'blockchain', 'automap', 'ui', 'backup', 'imager', 'ssh-keys', 'portal', 'dns'] },
  { name: 'subsystems', folders: ['neighborhood', 'hopper', 'proxy', 'accountant', 'wifi'] },
  { name: 'streams', folders: ['stream'] },
  { name: 'gateways', folders: ['lan-entry'] },
  { name: 'programs', folders: ['daemon', 'node', 'cli', 'setup', 'ssh-access'] },
  { name: 'entry points', folders: ['main-node.ts', 'main-cli.ts', 'main-setup.ts', 'main-ssh-access.ts', 'main-imager.ts', 'main-wifi.ts', 'main-dns-utility.ts'] },
];

const esc = (s) => s.replace(/[.]/g, '\\.');
/** A regular expression for the folders (or root files); group 1 is which one. */
const oneOf = (folders) => `^src/(${folders.map(esc).join('|')})(/|$)`;
const FOLDERS = FLOORS.flatMap((f) => f.folders);

const floorRules = FLOORS.map((floor, i) => ({
  name: `floor-${floor.name.replace(/ /g, '-')}`,
  comment: `The ${floor.name} floor (${floor.folders.join(', ')}) may import only lower floors: move what it needs down, or pass it in.`,
  severity: 'error',
  from: { path: oneOf(floor.folders) },
  // $1 is the importing module's own folder: its own files are its business.
  to: { path: oneOf(FLOORS.slice(i).flatMap((f) => f.folders)), pathNot: '^src/$1(/|$)' },
}));

module.exports = {
  forbidden: [
    ...floorRules,
    {
      name: 'no-cycle',
      comment: 'Modules must not import each other in a circle: move the shared part into a module both import.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'entry-file-only',
      comment: 'Another folder is used only through its entry file (index.ts): export what you need from there. A wire contract (src/wifi/api.ts) may be imported alone, so the browser page can use its types without the program behind it.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/wifi/api\\.ts$'] },
    },
    {
      name: 'no-unknown-folder',
      comment: 'Every folder of src/ has a floor: add a new one to FLOORS in .dependency-cruiser.cjs and docs/ARCHITECTURE.md.',
      severity: 'error',
      from: { path: '^src/', pathNot: oneOf(FOLDERS) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
