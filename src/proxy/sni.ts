// Pure, bounded reader of the server name (SNI) in a TLS ClientHello record.

export const MAX_CLIENT_HELLO = 16 * 1024 + 5;

export type SniResult = { kind: 'incomplete' } | { kind: 'invalid'; why: string } | { kind: 'hello'; serverName: string | undefined; length: number };

/** Reads the first TLS record; only what lies inside it is trusted, every length is checked against its bounds. */
export function parseClientHello(buf: Buffer): SniResult {
  if (buf.length < 5) return { kind: 'incomplete' };
  if (buf[0] !== 0x16) return { kind: 'invalid', why: 'not a TLS handshake record' };
  if (buf[1] !== 0x03) return { kind: 'invalid', why: 'unknown TLS record version' };
  const recordLength = buf.readUInt16BE(3);
  if (recordLength > MAX_CLIENT_HELLO - 5 || recordLength < 4) return { kind: 'invalid', why: 'bad record length' };
  if (buf.length < 5 + recordLength) return { kind: 'incomplete' };
  const rec = buf.subarray(5, 5 + recordLength);
  let p = 0;
  const need = (n: number): boolean => p + n <= rec.length;
  if (rec[0] !== 0x01) return { kind: 'invalid', why: 'first handshake message is not a ClientHello' };
  const helloLength = (rec[1] as number) << 16 | rec.readUInt16BE(2);
  p = 4;
  const end = Math.min(rec.length, 4 + helloLength);
  const skip = (n: number): boolean => {
    if (p + n > end) return false;
    p += n;
    return true;
  };
  if (!skip(2 + 32)) return { kind: 'invalid', why: 'truncated ClientHello' };
  if (!need(1)) return { kind: 'invalid', why: 'truncated session id' };
  if (!skip(1 + (rec[p] as number))) return { kind: 'invalid', why: 'truncated session id' };
  if (!need(2)) return { kind: 'invalid', why: 'truncated cipher suites' };
  if (!skip(2 + rec.readUInt16BE(p))) return { kind: 'invalid', why: 'truncated cipher suites' };
  if (!need(1)) return { kind: 'invalid', why: 'truncated compression methods' };
  if (!skip(1 + (rec[p] as number))) return { kind: 'invalid', why: 'truncated compression methods' };
  if (p === end) return { kind: 'hello', serverName: undefined, length: 5 + recordLength };
  if (p + 2 > end) return { kind: 'invalid', why: 'truncated extensions' };
  const extEnd = Math.min(end, p + 2 + rec.readUInt16BE(p));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = rec.readUInt16BE(p);
    const len = rec.readUInt16BE(p + 2);
    p += 4;
    if (p + len > extEnd) return { kind: 'invalid', why: 'truncated extension' };
    if (type === 0 && len >= 5) {
      // server_name_list: length(2), then entries of type(1) length(2) name
      let q = p + 2;
      const listEnd = Math.min(p + len, p + 2 + rec.readUInt16BE(p));
      while (q + 3 <= listEnd) {
        const nameType = rec[q] as number;
        const nameLen = rec.readUInt16BE(q + 1);
        q += 3;
        if (q + nameLen > listEnd) return { kind: 'invalid', why: 'truncated server name' };
        if (nameType === 0) {
          const name = rec.subarray(q, q + nameLen).toString('latin1');
          if (!/^[A-Za-z0-9._-]{1,253}$/.test(name)) return { kind: 'invalid', why: 'server name is not a host name' };
          return { kind: 'hello', serverName: name.toLowerCase(), length: 5 + recordLength };
        }
        q += nameLen;
      }
    }
    p += len;
  }
  return { kind: 'hello', serverName: undefined, length: 5 + recordLength };
}
