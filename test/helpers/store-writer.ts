// Child process for the crash tests: writes to a store and reports each committed step on stdout (pipes are
// synchronous on Linux, so a reported line was committed before it was printed). The parent kills it with SIGKILL.
//   node --import tsx test/helpers/store-writer.ts <dataDir> burst   → lines "<i>" after write i committed
//   node --import tsx test/helpers/store-writer.ts <dataDir> rekey   → "changing <n> <pw>" / "changed <n> <pw> <ms>"

import { openStore } from '../../src/store/index.js';

export const WRITER_CHAIN = 'base-sepolia';
export const BURST_PASSWORD = 'crash-pw';
export const REKEY_PASSWORDS = ['pw-a', 'pw-b'] as const;
const MAX_STEPS = 100_000;

export const burstValue = (i: number): string => (i % 2 === 0 ? `config ${i}` : `secret ${i} ${'s'.repeat(i % 50)}`);

async function main(dataDir: string, mode: string): Promise<void> {
  const store = await openStore({ dataDir, chain: WRITER_CHAIN });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (mode === 'burst') {
    if (store.hasPassword()) await store.unlock(BURST_PASSWORD);
    else await store.changePassword(undefined, BURST_PASSWORD);
    say('ready');
    for (let i = 0; i < MAX_STEPS; i++) {
      const name = `burst_${i}`;
      if (i % 2 === 0) await store.setConfig({ [name]: burstValue(i) });
      else await store.setSecret({ [name]: burstValue(i) });
      say(String(i));
    }
  } else if (mode === 'rekey') {
    let current: string = (await store.checkPassword(REKEY_PASSWORDS[0])) ? REKEY_PASSWORDS[0] : REKEY_PASSWORDS[1];
    say('ready');
    for (let n = 1; n <= 1000; n++) {
      const next = current === REKEY_PASSWORDS[0] ? REKEY_PASSWORDS[1] : REKEY_PASSWORDS[0];
      say(`changing ${n} ${next}`);
      const t0 = performance.now();
      await store.changePassword(current, next);
      current = next;
      say(`changed ${n} ${next} ${Math.round(performance.now() - t0)}`);
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await store.close();
}

if (process.argv[1]?.endsWith('store-writer.ts')) {
  const [dataDir, mode] = process.argv.slice(2);
  if (!dataDir || !mode) {
    process.stderr.write('usage: store-writer.ts <dataDir> burst|rekey\n');
    process.exit(2);
  }
  await main(dataDir, mode);
}
