// Builds the cached Debian roots make deb-test boots (test/helpers/container.ts), before the tests start: the
// first build takes minutes (arm64 under qemu-user most), longer than a test may take.

import { rootTarball, SSH_PACKAGES } from '../test/helpers/container.js';

const ROOTS = [
  ['bookworm', 'amd64', []], ['trixie', 'amd64', []], ['bookworm', 'arm64', []],
  ['bookworm', 'amd64', SSH_PACKAGES], ['trixie', 'amd64', SSH_PACKAGES],
] as const;
for (const [release, arch, extra] of ROOTS) {
  const started = Date.now();
  const tar = await rootTarball(release, arch, extra);
  process.stdout.write(`Debian root ${release} ${arch}: ${tar} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
