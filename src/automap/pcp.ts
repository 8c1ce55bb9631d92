// PCP (RFC 6887) MAP requests and responses for one TCP port, pure of I/O. Only IPv4 is used: addresses travel as
// IPv4-mapped IPv6 (::ffff:a.b.c.d).
//
// Request (60 bytes):  [0] version 2  [1] R=0|opcode 1  [2..3] reserved  [4..7] lifetime  [8..23] client address
//                      [24..35] nonce  [36] protocol 6  [37..39] reserved  [40..41] internal port
//                      [42..43] suggested external port  [44..59] suggested external address
// Response (60..1100): [0] version  [1] R=1|opcode  [2] reserved  [3] result  [4..7] lifetime  [8..11] epoch
//                      [12..23] reserved  then the MAP payload as above (assigned port and address), then options.

import { isIPv4 } from 'node:net';
import { AutomapError, malformed } from './errors.js';

export const PCP_PORT = 5351;
export const PCP_VERSION = 2;
export const OPCODE_MAP = 1;
export const PROTOCOL_TCP = 6;
export const NONCE_BYTES = 12;
export const HEADER_BYTES = 24;
export const MAP_BYTES = 60;
export const MAX_PCP_BYTES = 1100;
const RESPONSE_BIT = 0x80;
const UNSUPP_VERSION = 1;
const NETWORK_FAILURE = 7;

/** Result codes by number: the RFC's name and a sentence for users. */
export const PCP_RESULTS: ReadonlyArray<readonly [name: string, sentence: string]> = [
  ['SUCCESS', 'The router granted the mapping.'],
  ['UNSUPP_VERSION', 'The router does not speak this version of PCP.'],
  ['NOT_AUTHORIZED', 'The router does not allow this device to map ports (PCP is switched off or restricted).'],
  ['MALFORMED_REQUEST', 'The router found the request malformed.'],
  ['UNSUPP_OPCODE', 'The router does not support PCP MAP requests.'],
  ['UNSUPP_OPTION', 'The router does not support an option of the request.'],
  ['MALFORMED_OPTION', 'The router found an option of the request malformed.'],
  ['NETWORK_FAILURE', 'The router has no usable external address right now (is it behind another NAT?).'],
  ['NO_RESOURCES', 'The router has no room for another mapping.'],
  ['UNSUPP_PROTOCOL', 'The router does not map TCP ports.'],
  ['USER_EX_QUOTA', 'This device has used all the mappings the router allows it.'],
  ['CANNOT_PROVIDE_EXTERNAL', 'The router cannot give the requested external port or address.'],
  ['ADDRESS_MISMATCH', 'The router saw the request come from another address than the one inside it (another NAT between this device and the router?).'],
  ['EXCESSIVE_REMOTE_PEERS', 'The router cannot create that many filters.'],
];

/** The sentence for a result code, also for codes the RFC does not define. */
export function pcpResultSentence(code: number): string {
  const known = PCP_RESULTS[code];
  return known ? `${known[1]} (PCP ${known[0]})` : `The router refused with PCP result code ${code}.`;
}

export interface PcpMapRequest {
  /** This device's IPv4 address as the router sees it (the LAN address). */
  clientAddress: string;
  /** 12 random bytes; renewals and deletion reuse the mapping's nonce. */
  nonce: Buffer;
  internalPort: number;
  suggestedExternalPort: number;
  /** 0 deletes the mapping. */
  lifetimeSec: number;
}

export interface PcpMapResponse {
  lifetimeSec: number;
  epochSec: number;
  internalPort: number;
  externalPort: number;
  externalAddress: string;
}

function mappedIPv4(ip: string): Buffer {
  if (!isIPv4(ip)) throw new RangeError(`${ip} is not an IPv4 address`);
  const out = Buffer.alloc(16);
  out.writeUInt16BE(0xffff, 10);
  Buffer.from(ip.split('.').map(Number)).copy(out, 12);
  return out;
}

function checkPort(port: number, what: string, min: number): void {
  if (!Number.isInteger(port) || port < min || port > 0xffff) throw new RangeError(`${what} must be an integer from ${min} to 65535`);
}

export function encodeMapRequest(r: PcpMapRequest): Buffer {
  if (r.nonce.length !== NONCE_BYTES) throw new RangeError(`a PCP nonce has ${NONCE_BYTES} bytes`);
  checkPort(r.internalPort, 'internalPort', 1);
  checkPort(r.suggestedExternalPort, 'suggestedExternalPort', 0);
  if (!Number.isInteger(r.lifetimeSec) || r.lifetimeSec < 0 || r.lifetimeSec > 0xffff_ffff) throw new RangeError('lifetimeSec must fit 32 bits');
  const out = Buffer.alloc(MAP_BYTES);
  out[0] = PCP_VERSION;
  out[1] = OPCODE_MAP;
  out.writeUInt32BE(r.lifetimeSec, 4);
  mappedIPv4(r.clientAddress).copy(out, 8);
  r.nonce.copy(out, 24);
  out[36] = PROTOCOL_TCP;
  out.writeUInt16BE(r.internalPort, 40);
  out.writeUInt16BE(r.suggestedExternalPort, 42);
  mappedIPv4('0.0.0.0').copy(out, 44);
  return out;
}

/** The options after the MAP payload must be well-formed: 4-byte header, length within the message, padded. */
function checkOptions(buf: Buffer): void {
  let at = MAP_BYTES;
  while (at < buf.length) {
    if (at + 4 > buf.length) throw malformed('PCP response', 'truncated option header');
    const length = buf.readUInt16BE(at + 2);
    const padded = Math.ceil(length / 4) * 4;
    if (at + 4 + padded > buf.length) throw malformed('PCP response', `option ${buf[at] as number} runs past the end`);
    at += 4 + padded;
  }
}

/**
 * Decodes the answer to one MAP request. Returns only a success matching the request; throws AutomapError:
 * `not-offered` for a NAT-PMP server or another PCP version, `refused` for an error result, `malformed` otherwise
 * (wrong length, opcode, nonce, protocol or port, or a non-IPv4 external address).
 */
export function decodeMapResponse(buf: Buffer, expect: { nonce: Buffer; internalPort: number }): PcpMapResponse {
  if (buf.length < 4) throw malformed('PCP response', `${buf.length} bytes are too short`);
  if (buf.length > MAX_PCP_BYTES) throw malformed('PCP response', `${buf.length} bytes exceed ${MAX_PCP_BYTES}`);
  const version = buf[0] as number;
  if (version === 0) throw new AutomapError('not-offered', 'The router answered PCP with NAT-PMP (version 0): it does not offer PCP.');
  if (version !== PCP_VERSION) {
    if (buf[3] === UNSUPP_VERSION) throw new AutomapError('not-offered', `The router speaks PCP version ${version}, not ${PCP_VERSION}.`);
    throw malformed('PCP response', `version ${version}`);
  }
  if (buf[1] !== (RESPONSE_BIT | OPCODE_MAP)) throw malformed('PCP response', `opcode byte 0x${(buf[1] as number).toString(16)} is not a MAP response`);
  if (buf.length % 4 !== 0) throw malformed('PCP response', `${buf.length} bytes are not a multiple of 4`);
  if (buf.length < HEADER_BYTES) throw malformed('PCP response', `${buf.length} bytes are too short`);
  const result = buf[3] as number;
  // An error answer may carry the header alone; its result is all that matters.
  if (result !== 0) throw new AutomapError(result === NETWORK_FAILURE ? 'no-external' : 'refused', pcpResultSentence(result));
  if (buf.length < MAP_BYTES) throw malformed('PCP response', `${buf.length} bytes are too short for a MAP response`);
  checkOptions(buf);
  if (!buf.subarray(24, 36).equals(expect.nonce)) throw malformed('PCP response', 'the nonce does not match the request');
  if (buf[36] !== PROTOCOL_TCP) throw malformed('PCP response', `protocol ${buf[36] as number} is not TCP`);
  const internalPort = buf.readUInt16BE(40);
  if (internalPort !== expect.internalPort) throw malformed('PCP response', `internal port ${internalPort} is not ${expect.internalPort}`);
  const address = buf.subarray(44, 60);
  if (!address.subarray(0, 10).equals(Buffer.alloc(10)) || address.readUInt16BE(10) !== 0xffff) throw malformed('PCP response', 'the external address is not IPv4');
  return {
    lifetimeSec: buf.readUInt32BE(4),
    epochSec: buf.readUInt32BE(8),
    internalPort,
    externalPort: buf.readUInt16BE(42),
    externalAddress: [...address.subarray(12)].join('.'),
  };
}
