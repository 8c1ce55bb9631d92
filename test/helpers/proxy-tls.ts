// Builds TLS ClientHello records for tests of the SNI reader: the encoder its round-trip properties need.

export interface HelloSpec {
  serverName?: string;
  /** Extensions placed before server_name: [type, body]. */
  before?: Array<[number, Buffer]>;
  after?: Array<[number, Buffer]>;
  sessionId?: Buffer;
  ciphers?: number[];
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const withLength16 = (body: Buffer): Buffer => Buffer.concat([u16(body.length), body]);
const extension = (type: number, body: Buffer): Buffer => Buffer.concat([u16(type), withLength16(body)]);

export function serverNameExtension(name: string): Buffer {
  const n = Buffer.from(name, 'latin1');
  return withLength16(Buffer.concat([Buffer.from([0]), withLength16(n)]));
}

export function buildClientHello(spec: HelloSpec): Buffer {
  const sessionId = spec.sessionId ?? Buffer.alloc(32, 7);
  const ciphers = spec.ciphers ?? [0x1301, 0x1302, 0xc02f];
  const exts = [
    ...(spec.before ?? []).map(([t, b]) => extension(t, b)),
    ...(spec.serverName !== undefined ? [extension(0, serverNameExtension(spec.serverName))] : []),
    ...(spec.after ?? []).map(([t, b]) => extension(t, b)),
  ];
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    Buffer.alloc(32, 1),
    Buffer.from([sessionId.length]), sessionId,
    withLength16(Buffer.concat(ciphers.map(u16))),
    Buffer.from([1, 0]),
    withLength16(Buffer.concat(exts)),
  ]);
  const handshake = Buffer.concat([Buffer.from([0x01, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(handshake.length), handshake]);
}
