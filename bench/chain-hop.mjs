// One process of the minimal relay chain (bench/chain.ts): origin → relay → relay → exit on loopback, no mesh logic.
// Plain JavaScript, run by node without tsx: tsx's loader costs each process ~30 MiB of RSS, which would swamp the
// RSS figure (its CPU per MB is the same).
// Usage: node chain-hop.mjs <origin|relay|exit> [next port], link keys in CHAIN_KEY_IN / CHAIN_KEY_OUT (hex, 32
// bytes; the environment keeps them out of ps). Listens on a free 127.0.0.1 port and prints "ready <port>".
//
// Each client connection gets its own TCP connection along the chain (no multiplexing). A link carries records:
// a 2-byte plaintext length (also the AEAD's associated data), then at most 16 KiB sealed with ChaCha20-Poly1305 and
// its 16-byte tag. The origin opens its link with a fresh 16-byte salt in the clear and each relay opens the next
// link with the same salt; every link derives its two keys (one per direction) from its own link key and the salt,
// so a plain counter is a safe nonce.
//
// With CHAIN_PROTECT=1 the chain also does the mesh's other cipher work, the least a design that keeps the mesh's
// protection can do: the origin and the exit seal each record end to end (ChaCha20-Poly1305, key CHAIN_E2E), and
// each relay adds or removes its ChaCha20 layer (CHAIN_LAYER; the origin holds both relays' as CHAIN_LAYERS), one
// running keystream per stream and direction, from the salt.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';

const RECORD = 16 * 1024;
const HEADER = 2;
const TAG = 16;
const SALT = 16;
const IDLE_MS = 30_000;
/** The origin reads the request line only; a longer one is no request this proxy serves. */
const MAX_REQUEST_LINE = 8 * 1024;
/** @type {Buffer} */
const EMPTY = Buffer.alloc(0);

/** @typedef {(bytes: Buffer) => void} Sink */
/** @typedef {{ forward: Buffer, back: Buffer }} Keys */
/** @typedef {import('node:net').Socket} Socket */

/** @param {Buffer} linkKey @param {Buffer} salt @param {string} [use] @returns {Keys} */
function connectionKeys(linkKey, salt, use = 'link') {
  const k = Buffer.from(hkdfSync('sha256', linkKey, salt, `masq-pi bench chain ${use}`, 64));
  return { forward: k.subarray(0, 32), back: k.subarray(32) };
}

const PROTECT = process.env.CHAIN_PROTECT === '1';
/** The most plaintext one end-to-end seal takes, so that the sealed record fits a link record. */
const E2E_RECORD = RECORD - TAG;

/**
 * A running ChaCha20 keystream: XORs what passes (a relay's layer; the same call adds and removes it).
 * @param {Buffer} key @returns {(b: Buffer) => Buffer}
 */
function keystream(key) {
  const cipher = createCipheriv('chacha20', key, Buffer.alloc(16));
  return (b) => cipher.update(b);
}

/**
 * Each direction's layer keystreams of a stream, from the layer keys and the stream's salt (none without CHAIN_PROTECT).
 * @param {Buffer[]} layerKeys @param {Buffer} salt
 */
function layersOf(layerKeys, salt) {
  const ks = PROTECT ? layerKeys.map((k) => connectionKeys(k, salt, 'layer')) : [];
  /** @param {Buffer[]} keys @returns {(b: Buffer) => Buffer} */
  const all = (keys) => {
    const streams = keys.map(keystream);
    return (b) => streams.reduce((x, f) => f(x), b);
  };
  return { forward: all(ks.map((k) => k.forward)), back: all(ks.map((k) => k.back)) };
}

/**
 * The ends' seal (CHAIN_PROTECT) around a sink: `seal` cuts plaintext into sealed records, `open` opens one; without
 * CHAIN_PROTECT both leave the sink as it is.
 * @param {Buffer} e2eKey @param {Buffer} salt @param {'forward' | 'back'} sending
 */
function endToEnd(e2eKey, salt, sending) {
  if (!PROTECT) return { seal: (/** @type {Sink} */ sink) => sink, open: (/** @type {Sink} */ sink) => sink };
  const keys = connectionKeys(e2eKey, salt, 'e2e');
  const [sendKey, receiveKey] = sending === 'forward' ? [keys.forward, keys.back] : [keys.back, keys.forward];
  /** @param {(plain: Buffer | Buffer[]) => void} sink @returns {Sink} */
  const seal = (sink) => {
    const nonce = Buffer.alloc(12);
    let counter = 0;
    return (plain) => {
      for (let at = 0; at < plain.length; at += E2E_RECORD) {
        nonce.writeUIntBE(counter++, 6, 6);
        const c = createCipheriv('chacha20-poly1305', sendKey, nonce, { authTagLength: TAG });
        const body = c.update(plain.subarray(at, at + E2E_RECORD));
        c.final();
        sink([body, c.getAuthTag()]);
      }
    };
  };
  /** @param {Sink} sink @returns {Sink} */
  const open = (sink) => {
    const nonce = Buffer.alloc(12);
    let counter = 0;
    return (sealed) => {
      nonce.writeUIntBE(counter++, 6, 6);
      const d = createDecipheriv('chacha20-poly1305', receiveKey, nonce, { authTagLength: TAG });
      d.setAuthTag(sealed.subarray(sealed.length - TAG));
      const plain = d.update(sealed.subarray(0, sealed.length - TAG));
      d.final();
      sink(plain);
    };
  };
  return { seal, open };
}

/**
 * Cuts plaintext into records and writes them sealed to `out` (cut from the chunk, not copied); parts given as an
 * array (an end-to-end seal's body and tag, at most a record together) make one record.
 * @param {Socket} out @param {Buffer} key @returns {(plain: Buffer | Buffer[]) => void}
 */
function sealer(out, key) {
  const nonce = Buffer.alloc(12);
  let counter = 0;
  /** @param {Buffer[]} parts */
  const record = (parts) => {
    const length = parts.reduce((n, p) => n + p.length, 0);
    const header = Buffer.allocUnsafe(HEADER); // from Node's shared pool: a write keeps it until sent
    header.writeUInt16BE(length);
    nonce.writeUIntBE(counter++, 6, 6);
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
    cipher.setAAD(header, { plaintextLength: length });
    out.write(header);
    for (const p of parts) out.write(cipher.update(p));
    cipher.final();
    out.write(cipher.getAuthTag());
  };
  return (plain) => {
    if (Array.isArray(plain)) return record(plain);
    for (let at = 0; at < plain.length; at += RECORD) record([plain.subarray(at, at + RECORD)]);
  };
}

/**
 * Takes a link's bytes as they come and passes each record's plaintext on; throws on a bad record.
 * @param {Buffer} key @param {Sink} onPlain @returns {Sink}
 */
function opener(key, onPlain) {
  const nonce = Buffer.alloc(12);
  let counter = 0;
  let rest = EMPTY; // the start of a record cut by a chunk boundary
  /** @param {Buffer} b @param {number} at */
  const size = (b, at) => {
    const n = b.readUInt16BE(at);
    if (n > RECORD) throw new Error(`record of ${n} bytes`);
    return HEADER + n + TAG;
  };
  /** @param {Buffer} record */
  const open = (record) => {
    nonce.writeUIntBE(counter++, 6, 6);
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
    d.setAAD(record.subarray(0, HEADER), { plaintextLength: record.length - HEADER - TAG });
    d.setAuthTag(record.subarray(record.length - TAG));
    const plain = d.update(record.subarray(HEADER, record.length - TAG));
    d.final();
    onPlain(plain);
  };
  return (chunk) => {
    let buf = chunk;
    // A record that straddles chunks is the only one copied, and only its own bytes.
    while (rest.length > 0 && buf.length > 0) {
      const want = rest.length < HEADER ? HEADER : size(rest, 0);
      const take = Math.min(want - rest.length, buf.length);
      rest = Buffer.concat([rest, buf.subarray(0, take)]);
      buf = buf.subarray(take);
      if (rest.length === want && want > HEADER) {
        open(rest);
        rest = EMPTY;
      }
    }
    let at = 0;
    while (buf.length - at >= HEADER && buf.length - at >= size(buf, at)) {
      const end = at + size(buf, at);
      open(buf.subarray(at, end));
      at = end;
    }
    if (at < buf.length) rest = buf.subarray(at);
  };
}

/**
 * The acceptor's side of a link: the dialer's salt, then records; `keyed` is given this connection's keys and the
 * salt, and returns where the plaintext goes.
 * @param {Buffer} linkKey @param {(keys: Keys, salt: Buffer) => Sink} keyed
 * @returns {Sink}
 */
function acceptedLink(linkKey, keyed) {
  let head = EMPTY;
  /** @type {Sink | undefined} */
  let open;
  return (chunk) => {
    if (open) return open(chunk);
    head = Buffer.concat([head, chunk]);
    if (head.length < SALT) return;
    const salt = head.subarray(0, SALT);
    const keys = connectionKeys(linkKey, salt);
    open = opener(keys.forward, keyed(keys, salt));
    open(head.subarray(SALT));
  };
}

/** @param {number} port @param {Buffer} linkKey @param {Buffer} salt @returns {{ socket: Socket, keys: Keys }} */
function dialLink(port, linkKey, salt) {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true, noDelay: true });
  socket.write(salt);
  return { socket, keys: connectionKeys(linkKey, salt) };
}

/** The sockets of one stream at this hop: an error or an idle timeout on any of them ends them all. */
function streamGroup() {
  /** @type {Socket[]} */
  const sockets = [];
  const endAll = () => { for (const s of sockets) s.destroy(); };
  /** @param {Socket} s */
  return (s) => {
    sockets.push(s);
    s.setTimeout(IDLE_MS, endAll);
    s.on('error', endAll);
    return s;
  };
}

/**
 * Feeds `src`'s chunks to `handle`, which writes to `dst()` (corked, so a chunk's records leave in one writev).
 * Backpressure: `src` pauses while `dst()` is over its high-water mark. An end of `src` ends `dst()` (half-close).
 * @param {Socket} src
 * @param {() => Socket | undefined} dst
 * @param {Sink} handle
 */
function flow(src, dst, handle) {
  src.on('data', (chunk) => {
    const corked = dst();
    corked?.cork();
    try {
      handle(chunk);
    } catch (err) {
      src.destroy(/** @type {Error} */ (err)); // a bad record or request fails this stream, not the process
    } finally {
      corked?.uncork();
    }
    const out = dst();
    if (out?.writableNeedDrain) {
      src.pause();
      out.once('drain', () => src.resume());
    }
  });
  src.on('end', () => {
    const out = dst();
    if (out) out.end();
    else src.destroy();
  });
}

/**
 * The HTTP proxy entry: the first request line names the target, which goes down the chain as a record of its own.
 * @param {Buffer} outKey @param {number} next @param {Buffer[]} layerKeys @param {Buffer} e2eKey
 * @returns {(client: Socket) => void}
 */
function origin(outKey, next, layerKeys, e2eKey) {
  return (client) => {
    const join = streamGroup();
    join(client);
    // Dialled at once, so the link comes up while the request line is still on its way.
    const salt = randomBytes(SALT);
    const { socket: link, keys } = dialLink(next, outKey, salt);
    join(link);
    const layers = layersOf(layerKeys, salt);
    const ends = endToEnd(e2eKey, salt, 'forward');
    const toLink = sealer(link, keys.forward);
    const down = ends.seal((parts) => toLink(Array.isArray(parts) ? parts.map(layers.forward) : layers.forward(parts)));
    flow(client, () => link, proxyRequest(client, link, down));
    const up = ends.open((plain) => client.write(plain));
    flow(link, () => client, opener(keys.back, (sealed) => up(layers.back(sealed))));
  };
}

/**
 * Turns `GET http://host:port/path HTTP/1.1` into the target and `GET /path HTTP/1.1`; later bytes pass as they are.
 * @param {Socket} client @param {Socket} link @param {Sink} down @returns {Sink}
 */
function proxyRequest(client, link, down) {
  let head = EMPTY;
  /** @type {'line' | 'body' | 'refused'} */
  let state = 'line';
  return (chunk) => {
    if (state === 'body') return down(chunk);
    if (state === 'refused') return;
    head = Buffer.concat([head, chunk]);
    const eol = head.indexOf('\r\n');
    if (eol < 0 && head.length <= MAX_REQUEST_LINE) return;
    const m = /^([A-Z]+) http:\/\/([^/\s]+)(\S*) (HTTP\/1\.[01])$/.exec(head.subarray(0, Math.max(eol, 0)).toString('latin1'));
    if (!m) {
      state = 'refused';
      link.destroy();
      client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [, method, authority = '', path, version] = m;
    state = 'body';
    down(Buffer.from(authority.includes(':') ? authority : `${authority}:80`));
    down(Buffer.from(`${method} ${path || '/'} ${version}`, 'latin1'));
    down(head.subarray(eol));
  };
}

/**
 * Dials the next hop once the stream's salt is in, and passes the salt on.
 * @param {Buffer} inKey @param {Buffer} outKey @param {number} next @param {Buffer} layerKey
 * @returns {(up: Socket) => void}
 */
function relay(inKey, outKey, next, layerKey) {
  return (up) => {
    const join = streamGroup();
    join(up);
    /** @type {Socket | undefined} */
    let down;
    flow(up, () => down, acceptedLink(inKey, (k, salt) => {
      const link = dialLink(next, outKey, salt);
      down = join(link.socket);
      const layers = layersOf([layerKey], salt);
      const [forward, back] = [sealer(link.socket, link.keys.forward), sealer(up, k.back)];
      flow(link.socket, () => up, opener(link.keys.back, (plain) => back(layers.back(plain))));
      return (plain) => forward(layers.forward(plain));
    }));
  };
}

/**
 * The chain's end: the first record is the target's host:port, the rest is the request; the response goes back sealed.
 * @param {Buffer} inKey @param {Buffer} e2eKey @returns {(up: Socket) => void}
 */
function exit(inKey, e2eKey) {
  return (up) => {
    const join = streamGroup();
    join(up);
    /** @type {Socket | undefined} */
    let target;
    flow(up, () => target, acceptedLink(inKey, (keys, salt) => {
      const ends = endToEnd(e2eKey, salt, 'back');
      return ends.open((plain) => {
        if (target) return void target.write(plain);
        target = join(connectTarget(plain.toString('latin1')));
        flow(target, () => up, ends.seal(sealer(up, keys.back)));
      });
    }));
  };
}

/** @param {string} hostPort */
function connectTarget(hostPort) {
  const colon = hostPort.lastIndexOf(':');
  const port = Number(hostPort.slice(colon + 1));
  if (colon < 1 || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad target ${hostPort}`);
  return connect({ host: hostPort.slice(0, colon), port, allowHalfOpen: true, noDelay: true });
}

/** 32-byte keys, `count` of them, in hex from the environment; none needed where CHAIN_PROTECT is not set and `protect` says so. @param {string} name */
function keys(name, count = 1, protect = false) {
  if (protect && !PROTECT) return Array.from({ length: count }, () => Buffer.alloc(32));
  const k = Buffer.from(process.env[name] ?? '', 'hex');
  if (k.length !== 32 * count) throw new Error(`${name}: ${count} × 32 bytes in hex expected`);
  return Array.from({ length: count }, (_, i) => k.subarray(32 * i, 32 * (i + 1)));
}
/** @param {string} name */
const key = (name, protect = false) => /** @type {Buffer} */ (keys(name, 1, protect)[0]);

/** @param {string | undefined} role @param {number} next @returns {(s: Socket) => void} */
function handler(role, next) {
  if (role === 'origin') return origin(key('CHAIN_KEY_OUT'), next, keys('CHAIN_LAYERS', 2, true), key('CHAIN_E2E', true));
  if (role === 'relay') return relay(key('CHAIN_KEY_IN'), key('CHAIN_KEY_OUT'), next, key('CHAIN_LAYER', true));
  if (role === 'exit') return exit(key('CHAIN_KEY_IN'), key('CHAIN_E2E', true));
  throw new Error(`usage: chain-hop.mjs <origin|relay|exit> [next port]; not ${role}`);
}

const [role, nextPort] = process.argv.slice(2);
const server = createServer({ allowHalfOpen: true, noDelay: true }, handler(role, Number(nextPort)));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready ${/** @type {import('node:net').AddressInfo} */ (server.address()).port}\n`);
});
// A benchmark killed outright (SIGKILL) cannot kill its hops: they notice they were orphaned and go.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 1000).unref();
