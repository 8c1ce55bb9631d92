// Pure SOCKS5 codec (RFC 1928): the greeting, the CONNECT request and the reply. No authentication methods
// besides "none": the proxy listens on loopback or the owner's LAN.

export const SOCKS_VERSION = 0x05;
export const NO_AUTH = 0x00;
export const NO_ACCEPTABLE_METHOD = 0xff;
export const CMD_CONNECT = 0x01;
export const REP = { succeeded: 0x00, general: 0x01, commandNotSupported: 0x07, addressTypeNotSupported: 0x08 } as const;

export type Parsed<T> = { kind: 'incomplete' } | { kind: 'invalid'; why: string } | ({ kind: 'ok'; length: number } & T);

export function parseGreeting(buf: Buffer): Parsed<{ methods: number[] }> {
  if (buf.length < 2) return { kind: 'incomplete' };
  if (buf[0] !== SOCKS_VERSION) return { kind: 'invalid', why: 'not SOCKS version 5' };
  const n = buf[1] as number;
  if (n === 0) return { kind: 'invalid', why: 'no authentication methods offered' };
  if (buf.length < 2 + n) return { kind: 'incomplete' };
  return { kind: 'ok', length: 2 + n, methods: [...buf.subarray(2, 2 + n)] };
}

export interface SocksRequest {
  command: number;
  host: string;
  port: number;
  /** The address type is one we do not know (reply 0x08). */
  badAddressType?: boolean;
}

export function parseRequest(buf: Buffer): Parsed<SocksRequest> {
  if (buf.length < 5) return { kind: 'incomplete' };
  if (buf[0] !== SOCKS_VERSION) return { kind: 'invalid', why: 'not SOCKS version 5' };
  const command = buf[1] as number;
  const atyp = buf[3] as number;
  let host: string;
  let at: number;
  if (atyp === 0x01) {
    if (buf.length < 10) return { kind: 'incomplete' };
    host = [...buf.subarray(4, 8)].join('.');
    at = 8;
  } else if (atyp === 0x03) {
    const len = buf[4] as number;
    if (len === 0) return { kind: 'invalid', why: 'empty domain name' };
    if (buf.length < 5 + len + 2) return { kind: 'incomplete' };
    host = buf.subarray(5, 5 + len).toString('latin1');
    if (!/^[A-Za-z0-9._-]+$/.test(host)) return { kind: 'invalid', why: 'domain name with invalid characters' };
    host = host.toLowerCase();
    at = 5 + len;
  } else if (atyp === 0x04) {
    if (buf.length < 22) return { kind: 'incomplete' };
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(4 + i * 2).toString(16));
    host = groups.join(':');
    at = 20;
  } else {
    return { kind: 'ok', length: buf.length, command, host: '', port: 0, badAddressType: true };
  }
  const port = buf.readUInt16BE(at);
  return { kind: 'ok', length: at + 2, command, host, port };
}

/** A reply with an IPv4 bound address (0.0.0.0:0 when there is none to tell). */
export function encodeReply(rep: number, bound: { address: string; port: number } = { address: '0.0.0.0', port: 0 }): Buffer {
  const octets = /^\d+\.\d+\.\d+\.\d+$/.test(bound.address) ? bound.address.split('.').map(Number) : [0, 0, 0, 0];
  const out = Buffer.alloc(10);
  out[0] = SOCKS_VERSION;
  out[1] = rep;
  out[3] = 0x01;
  octets.forEach((o, i) => { out[4 + i] = o & 0xff; });
  out.writeUInt16BE(bound.port & 0xffff, 8);
  return out;
}
