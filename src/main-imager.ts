// masq-imager: Raspberry Pi Imager's settings from the card applied at the image's first boot (image only).

import { runImager } from './imager/index.js';
import { describeError } from './system/index.js';

runImager(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq-imager: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
