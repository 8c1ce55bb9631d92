// Builds the cached Debian roots make deb-test boots (test/helpers/container.ts), before the tests start: the
// first build takes minutes (arm64 under qemu-user most), longer than a test may take.

import { rootTarball } from '../test/helpers/container.js';

for (const [release, arch] of [['bookworm', 'amd64'], ['trixie', 'amd64'], ['bookworm', 'arm64']] as const) {
  const started = Date.now();
  const tar = await rootTarball(release, arch);
  process.stdout.write(`Debian root ${release} ${arch}: ${tar} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
