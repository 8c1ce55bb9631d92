import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MadeAhead } from '../../src/system/index.js';

/** A MadeAhead of numbered things whose deferred work runs only when the test says so. */
function manual(size: number, o: { makeable?: () => boolean; stillGood?: (n: number) => boolean } = {}): { ahead: MadeAhead<number>; made: () => number; turns: () => number } {
  const queue: (() => void)[] = [];
  let made = 0;
  const ahead = new MadeAhead<number>({
    size,
    make: () => ((o.makeable?.() ?? true) ? ++made : undefined),
    ...(o.stillGood ? { stillGood: o.stillGood } : {}),
    defer: (fn) => queue.push(fn),
  });
  const turns = (): number => {
    let n = 0;
    for (let fn = queue.shift(); fn && n < 100; fn = queue.shift(), n++) fn();
    return n;
  };
  return { ahead, made: () => made, turns };
}

test('nothing is made before the first take; then one per turn up to the size, each handed out once', () => {
  const { ahead, made, turns } = manual(2);
  assert.equal(turns(), 0);
  assert.equal(ahead.take(), undefined, 'none ready yet');
  assert.equal(turns(), 2);
  assert.equal(made(), 2);
  const got = [ahead.take(), ahead.take(), ahead.take()];
  assert.deepEqual(got, [2, 1, undefined], 'the newest first, none twice');
});

test('take hands out the newest that fits and leaves the others ready', () => {
  const { ahead, turns } = manual(3);
  ahead.take();
  turns();
  assert.equal(ahead.take((n) => n === 1), 1);
  assert.equal(ahead.take((n) => n > 5), undefined);
  assert.equal(ahead.size, 2, 'what did not fit is still there (and the refill made one more)');
});

test('what is no longer good is dropped, not handed out', () => {
  let good = new Set([1, 2]);
  const { ahead, turns } = manual(2, { stillGood: (n) => good.has(n) });
  ahead.take();
  turns();
  good = new Set([1]);
  assert.equal(ahead.take(), 1);
  assert.equal(ahead.take(), undefined);
});

test('when nothing can be made, refilling stops until the next take', () => {
  let makeable = false;
  const { ahead, made, turns } = manual(2, { makeable: () => makeable });
  ahead.take();
  assert.equal(turns(), 1, 'one try, not a loop of turns');
  makeable = true;
  assert.equal(turns(), 0);
  ahead.take();
  turns();
  assert.equal(made(), 2);
});

test('a closed MadeAhead drops what is ready and makes no more', () => {
  const { ahead, made, turns } = manual(2);
  ahead.take();
  turns();
  ahead.close();
  assert.equal(ahead.take(), undefined);
  turns();
  assert.equal(made(), 2);
});
