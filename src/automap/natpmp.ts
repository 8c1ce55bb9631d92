// NAT-PMP (RFC 6886) requests and responses, pure of I/O; TCP mappings only.
//
// External address:  request [0] version 0 [1] op 0                              (2 bytes)
//                    response [0] 0 [1] 128 [2..3] result [4..7] epoch [8..11] IPv4  (12 bytes)
// Map TCP:           request [0] 0 [1] op 2 [2..3] reserved [4..5] internal port [6..7] suggested external port
//                            [8..11] lifetime                                        (12 bytes)
//                    response [0] 0 [1] 130 [2..3] result [4..7] epoch [8..9] internal port
//                            [10..11] mapped external port [12..15] lifetime          (16 bytes)
// An error answer may be cut to its first 8 bytes (version, op, result, epoch).

import { AutomapError, malformed } from './errors.js';

export const OP_EXTERNAL_ADDRESS = 0;
export const OP_MAP_TCP = 2;
const RESPONSE_BIT = 0x80;
const ERROR_BYTES = 8;
const ADDRESS_RESPONSE_BYTES = 12;
const MAP_RESPONSE_BYTES = 16;
const PCP_VERSION = 2;
const PCP_UNSUPP_VERSION = 1;
const NETWORK_FAILURE = 3;

/** Result codes by number: the RFC's name and a sentence for users. */
export const PMP_RESULTS: ReadonlyArray<readonly [name: string, sentence: string]> = [
  ['Success', 'The router granted the request.'],
  ['Unsupported Version', 'The router does not speak this version of NAT-PMP.'],
  ['Not Authorized/Refused', 'The router refuses port mapping (NAT-PMP is switched off for this device).'],
  ['Network Failure', 'The router has no usable external address right now (is it behind another NAT?).'],
  ['Out of resources', 'The router has no room for another mapping.'],
  ['Unsupported opcode', 'The router does not support this NAT-PMP request.'],
];

export function pmpResultSentence(code: number): string {
  const known = PMP_RESULTS[code];
  return known ? `${known[1]} (NAT-PMP ${known[0]})` : `The router refused with NAT-PMP result code ${code}.`;
}

export interface PmpAddressResponse {
  epochSec: number;
  externalAddress: string;
}

export interface PmpMapResponse {
  epochSec: number;
  internalPort: number;
  externalPort: number;
  lifetimeSec: number;
}

export function encodeAddressRequest(): Buffer {
  return Buffer.from([0, OP_EXTERNAL_ADDRESS]);
}

export function encodeMapRequest(internalPort: number, suggestedExternalPort: number, lifetimeSec: number): Buffer {
  if (!Number.isInteger(internalPort) || internalPort < 1 || internalPort > 0xffff) throw new RangeError('internalPort must be 1 to 65535');
  if (!Number.isInteger(suggestedExternalPort) || suggestedExternalPort < 0 || suggestedExternalPort > 0xffff) throw new RangeError('suggestedExternalPort must be 0 to 65535');
  if (!Number.isInteger(lifetimeSec) || lifetimeSec < 0 || lifetimeSec > 0xffff_ffff) throw new RangeError('lifetimeSec must fit 32 bits');
  const out = Buffer.alloc(12);
  out[1] = OP_MAP_TCP;
  out.writeUInt16BE(internalPort, 4);
  out.writeUInt16BE(suggestedExternalPort, 6);
  out.writeUInt32BE(lifetimeSec, 8);
  return out;
}

/** Checks version, opcode, result and length common to both answers; returns the epoch. */
function checkHeader(buf: Buffer, op: number, fullBytes: number): number {
  const what = 'NAT-PMP response';
  // A PCP-only server answers a version-0 request with its own UNSUPP_VERSION (RFC 6887 §9).
  if (buf.length >= 4 && buf[0] === PCP_VERSION && buf[3] === PCP_UNSUPP_VERSION) {
    throw new AutomapError('not-offered', 'The router answered NAT-PMP with PCP: it does not offer NAT-PMP.');
  }
  if (buf.length < ERROR_BYTES) throw malformed(what, `${buf.length} bytes are too short`);
  if (buf[0] !== 0) throw malformed(what, `version ${buf[0] as number}`);
  if (buf[1] !== (RESPONSE_BIT | op)) throw malformed(what, `opcode ${buf[1] as number} does not answer opcode ${op}`);
  const result = buf.readUInt16BE(2);
  if (result !== 0) {
    if (buf.length !== ERROR_BYTES && buf.length !== fullBytes) throw malformed(what, `an error answer of ${buf.length} bytes`);
    if (result === 1) throw new AutomapError('not-offered', pmpResultSentence(result));
    throw new AutomapError(result === NETWORK_FAILURE ? 'no-external' : 'refused', pmpResultSentence(result));
  }
  if (buf.length !== fullBytes) throw malformed(what, `${buf.length} bytes instead of ${fullBytes}`);
  return buf.readUInt32BE(4);
}

export function decodeAddressResponse(buf: Buffer): PmpAddressResponse {
  const epochSec = checkHeader(buf, OP_EXTERNAL_ADDRESS, ADDRESS_RESPONSE_BYTES);
  return { epochSec, externalAddress: [...buf.subarray(8, 12)].join('.') };
}

/** The answer to a TCP map request for `internalPort`; an answer for another port is malformed. */
export function decodeMapResponse(buf: Buffer, internalPort: number): PmpMapResponse {
  const epochSec = checkHeader(buf, OP_MAP_TCP, MAP_RESPONSE_BYTES);
  const answered = buf.readUInt16BE(8);
  if (answered !== internalPort) throw malformed('NAT-PMP response', `internal port ${answered} is not ${internalPort}`);
  return { epochSec, internalPort, externalPort: buf.readUInt16BE(10), lifetimeSec: buf.readUInt32BE(12) };
}
