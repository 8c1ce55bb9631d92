// Node descriptors in MASQ's form: masq://<chain>:<base64url X25519 key, 43 chars>@<IPv4>:<port>[/<port>…].
// Pure; as in MASQ, every way a descriptor can be wrong has its own message (docs/MASQ-COMPATIBILITY.md).

import { isIP } from 'node:net';
import { CHAINS, findChain } from '../chains/index.js';
import { DecodeError } from './bytes.js';
import type { Codec } from './codec.js';

export interface NodeDescriptor {
  chain: string;
  /** The 32-byte encryption (X25519) public key. */
  key: Buffer;
  /** Absent for a Node that accepts no connections (printed as `@:`). */
  ip?: string;
  ports: number[];
}

export const MAX_DESCRIPTOR_CHARS = 256;
export const MAX_PORTS = 8;

const fail = (why: string): never => {
  throw new DecodeError('node descriptor', why);
};

export function parseDescriptor(text: string): NodeDescriptor {
  if (text.length > MAX_DESCRIPTOR_CHARS) fail(`longer than ${MAX_DESCRIPTOR_CHARS} characters`);
  if (!text.startsWith('masq://')) fail(`'${text.slice(0, 40)}' does not start with masq://`);
  const rest = text.slice(7);
  const at = rest.indexOf('@');
  if (at < 0 || rest.indexOf('@', at + 1) >= 0) fail('needs exactly one @ between the key and the address');
  const head = rest.slice(0, at);
  const colon = head.indexOf(':');
  if (colon < 0) fail('needs a : between the chain and the key');
  const chain = head.slice(0, colon);
  if (!findChain(chain)) fail(`unknown chain '${chain}'; use one of ${CHAINS.filter((c) => c.name !== 'dev').map((c) => c.name).join(', ')}`);
  const keyText = head.slice(colon + 1);
  if (!/^[A-Za-z0-9_-]{43}$/.test(keyText)) fail('the key must be 43 characters of base64url');
  const key = Buffer.from(keyText, 'base64url');
  if (key.length !== 32) fail('the key must decode to 32 bytes');
  const addr = rest.slice(at + 1);
  if (addr === ':') return { chain, key, ports: [] };
  const pc = addr.lastIndexOf(':');
  if (pc < 0) fail('the address needs the form <IPv4>:<port>');
  const ip = addr.slice(0, pc);
  if (isIP(ip) !== 4) fail(`'${ip}' is not an IPv4 address`);
  const portTexts = addr.slice(pc + 1).split('/');
  if (portTexts.length > MAX_PORTS) fail(`more than ${MAX_PORTS} ports`);
  const ports = portTexts.map((p) => {
    if (!/^[0-9]{1,5}$/.test(p)) fail(`'${p}' is not a port`);
    const n = Number(p);
    if (n < 1025 || n > 65535) fail(`port ${n} is outside 1025-65535`);
    return n;
  });
  return { chain, key, ip, ports };
}

export function formatDescriptor(d: NodeDescriptor): string {
  const addr = d.ip !== undefined && d.ports.length > 0 ? `${d.ip}:${d.ports.join('/')}` : ':';
  return `masq://${d.chain}:${d.key.toString('base64url')}@${addr}`;
}

/** The text form: config reads descriptors from parameters, the neighborhood prints its own. */
export const descriptorCodec: Codec<NodeDescriptor, string> = { encode: formatDescriptor, decode: parseDescriptor };
