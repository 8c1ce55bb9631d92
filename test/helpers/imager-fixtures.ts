// Raspberry Pi Imager's files as each generation writes them (test/fixtures/imager/), and the values in them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export const fixture = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'imager', name), 'utf8');
export const FIXTURE_NAMES = ['user-data-1.7', 'user-data-1.9', 'user-data-2.0.0', 'user-data-2.0.11', 'network-config-1.9',
  'network-config-2.0.0', 'network-config-2.0.11', 'firstrun-1.6.sh', 'firstrun-1.8.sh', 'firstrun-2.0.sh'];

/** The public keys in the fixtures (throwaway test keys). */
export const K1 = fixture('user-data-1.9').match(/ssh-ed25519 \S+ owner@laptop/)![0];
export const K2 = fixture('firstrun-1.8.sh').match(/ecdsa-sha2-nistp256 \S+ owner@desk/)![0];
/** "correct horse" hashed, as Imager 2.x ($y$) and 1.x ($5$) write it. */
export const YESCRYPT = '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./tK5KU79';
export const SHA256CRYPT = '$5$abcdefghij$OLkFN7NA2oqJbIibcqI8zeXBmTC95cSbPqJfdioIIgD';
/** The PSKs of "correct horse battery" for the networks "Café Wi-Fi" and "MyNet". */
export const PSK_CAFE = 'b8313eebabd478e9a432506800dd839731fd07635914b6483bb7df96b72ef348';
export const PSK_MYNET = '07a2fce1f03d0afef4765981afac4cd56e9bf1ea2be5689499effae0a8a8077a';
