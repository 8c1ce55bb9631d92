// The exit's ANSWER between two stream ends, through a switch that only records what is sent: it carries the
// outcome sealed end to end, and a second answer, one still "connecting" or one that does not open is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cellNonce, layerInPlace } from '../../src/crypto/index.js';
import type { FlowCell, Switch } from '../../src/hopper/index.js';
import { StreamEnd } from '../../src/stream/end.js';
import { MasqError } from '../../src/system/errors.js';
import { CELL_TYPE, OPEN_STATUS, type OpenOutcome } from '../../src/wire/index.js';

/** A switch that binds everything and keeps the cells sent. */
function recordingSwitch(): { sw: Switch; sent: FlowCell[] } {
  const sent: FlowCell[] = [];
  let next = 1;
  const sw = {
    bind: () => true,
    bindNew: () => next++,
    send: (_peer: string, cell: FlowCell) => { sent.push(cell); return true; },
    destroy: () => undefined,
    transport: { congested: () => false },
  } as unknown as Switch;
  return { sw, sent };
}

/** An exit end and the originator end that reads what it sends, with one relay's layer between them. */
function pair(): { exit: StreamEnd; origin: StreamEnd; sent: FlowCell[]; relay(c: FlowCell): FlowCell } {
  const { sw, sent } = recordingSwitch();
  const response = randomBytes(32);
  const hopLayer = randomBytes(32);
  const exit = new StreamEnd(sw, { sendKey: response, sendLayers: [], recvKey: randomBytes(32), recvLayers: [] }, 65536, 65536);
  const origin = new StreamEnd(sw, { sendKey: randomBytes(32), sendLayers: [], recvKey: response, recvLayers: [hopLayer] }, 65536, 65536);
  exit.bindOut('relay');
  origin.bindIn('relay', 1);
  // What the relay does to a cell that is not DATA (src/hopper/relay.ts).
  const relay = (c: FlowCell): FlowCell => (c.type === CELL_TYPE.data ? c : { ...c, body: layerInPlace(hopLayer, cellNonce(c.type, c.seq), c.body) });
  return { exit, origin, sent, relay };
}

test('an ANSWER carries each outcome sealed end to end, under the relays\' layers', () => {
  for (const status of [OPEN_STATUS.ok, OPEN_STATUS.dns, OPEN_STATUS.connect, OPEN_STATUS.timeout, OPEN_STATUS.refusedPrivate] as OpenOutcome[]) {
    const { exit, origin, sent, relay } = pair();
    const heard: OpenOutcome[] = [];
    origin.on('answer', (s) => heard.push(s));
    exit.answer(status);
    const cell = sent[0] as FlowCell;
    assert.equal(cell.type, CELL_TYPE.answer);
    origin.cell('relay', relay(cell));
    assert.deepEqual(heard, [status]);
  }
  const { exit, origin, sent } = pair();
  exit.answer(OPEN_STATUS.ok);
  assert.throws(() => origin.cell('relay', sent[0] as FlowCell), MasqError, 'without the relay\'s layer it does not open');
});

test('the originator hears its outcome once, and refuses a second answer and one that says "connecting"', () => {
  const { sw, sent } = recordingSwitch();
  const response = randomBytes(32);
  const exitEnd = (): StreamEnd => {
    const e = new StreamEnd(sw, { sendKey: response, sendLayers: [], recvKey: randomBytes(32), recvLayers: [] }, 65536, 65536);
    e.bindOut('relay');
    return e;
  };
  /** An originator's end reading what those exits send, bound to its in-circuit. */
  const originEnd = (): StreamEnd => {
    const e = new StreamEnd(sw, { sendKey: randomBytes(32), sendLayers: [], recvKey: response, recvLayers: [] }, 65536, 65536);
    e.bindIn('relay', 1);
    return e;
  };
  const origin = originEnd();
  const heard: OpenOutcome[] = [];
  origin.on('answer', (s) => heard.push(s));
  exitEnd().answer(OPEN_STATUS.timeout);
  const answer = { ...(sent[0] as FlowCell), circuit: 1 };
  origin.cell('relay', answer);
  assert.deepEqual(heard, [OPEN_STATUS.timeout]);
  assert.throws(() => origin.cell('relay', answer), /a second answer/);
  assert.throws(() => originEnd().cell('relay', { ...answer, seq: 1n }), /numbered 1/);

  exitEnd().answer(OPEN_STATUS.connecting as unknown as OpenOutcome);
  assert.throws(() => originEnd().cell('relay', { ...(sent[1] as FlowCell), circuit: 1 }), /still connecting/);
});
