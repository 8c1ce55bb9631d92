// Every wire codec behind the one Codec interface: what it encodes decodes to the same value, and bytes it refuses
// are a DecodeError (WIRE_DECODE).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generateIdentity, HEADER_BYTES } from '../../src/crypto/index.js';
import {
  CELL_TYPE, cellCodec, type Codec, DecodeError, descriptorCodec, DESTROY_REASON, gossipCodec, type NodeRecord, nodeRecordCodec,
  OPEN_STATUS, openAnswerCodec, openRequestCodec, signRecord,
} from '../../src/wire/index.js';

const owner = generateIdentity();
const record: NodeRecord = {
  publicKey: owner.publicKey, version: 7, earningWallet: randomBytes(20),
  ratePack: { routingByteRate: 1n, routingServiceRate: 2n, exitByteRate: 3n, exitServiceRate: 4n },
  acceptsConnections: true, routesData: false, neighbors: [], countryCode: 'CZ',
};

function roundTrips<T, E>(name: string, codec: Codec<T, E>, values: T[], refused: E): void {
  test(`${name} round-trips through Codec and refuses bad input with a DecodeError`, () => {
    for (const v of values) assert.deepEqual(codec.decode(codec.encode(v)), v);
    assert.throws(() => codec.decode(refused), DecodeError);
  });
}

roundTrips('cellCodec', cellCodec, [
  { type: CELL_TYPE.open, circuit: 1, header: randomBytes(HEADER_BYTES), body: randomBytes(40) },
  { type: CELL_TYPE.data, circuit: 0x8000_0002, seq: 9n, last: true, payload: randomBytes(100) },
  { type: CELL_TYPE.window, circuit: 4, seq: 1n, body: randomBytes(20) },
  { type: CELL_TYPE.destroy, circuit: 3, reason: DESTROY_REASON.timeout },
  { type: CELL_TYPE.answer, circuit: 5, seq: 0n, body: randomBytes(17) },
], Buffer.from([99, 0, 0, 0, 1]));
roundTrips('nodeRecordCodec', nodeRecordCodec, [record], Buffer.from([0xff]));
roundTrips('gossipCodec', gossipCodec, [[], [signRecord(owner, 2, record)]], Buffer.from([1, 200]));
roundTrips('openRequestCodec', openRequestCodec, [
  { host: 'example.com', port: 443, backHeader: randomBytes(HEADER_BYTES), backFirst: randomBytes(64), window: 65536 },
], Buffer.from([0]));
roundTrips('openAnswerCodec', openAnswerCodec, [OPEN_STATUS.ok, OPEN_STATUS.dns, OPEN_STATUS.connecting], Buffer.from([250]));
roundTrips('descriptorCodec', descriptorCodec, [
  { chain: 'base-sepolia', key: randomBytes(32), ip: '1.2.3.4', ports: [5555, 6666] },
  { chain: 'polygon-mainnet', key: randomBytes(32), ports: [] },
], 'masq://nowhere');
