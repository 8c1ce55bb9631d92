// What a stranger on a Node's clandestine port gets with the `tls` mask: an ordinary HTTPS server. A real TLS
// handshake (node:tls, a self-signed certificate for the Node's server name) and an nginx-like 404 page, so that a
// scanner, a censor's prober or a browser learns no more than it would from any self-hosted web server. The bytes
// it sent while the Node looked for a proof are handed to TLS first.

import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { type SecureContext, TLSSocket, createSecureContext } from 'node:tls';
import { unmappedIPv4 } from '../address-ranges/index.js';
import type { Logger } from '../system/index.js';
import { selfSignedCertificate } from '../tls-mask/index.js';

/** Strangers served at once; more are closed at once, as a busy server would. */
export const MAX_STRANGERS = 64;
const STRANGER_TIMEOUT_MS = 30_000;
/** The Certificate handshake message around one DER certificate (TLS 1.3, no extensions). */
const CERTIFICATE_MESSAGE_OVERHEAD = 4 + 1 + 3 + 3 + 2;

const NOT_FOUND = '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export interface Decoy {
  /** The Certificate message's size in the decoy's handshake. */
  certificateBytes: number;
  take(socket: Socket, seen: Buffer, why: string): void;
  close(): void;
}

/** A duplex that gives `seen` first, then the socket's bytes, with backpressure both ways. */
function prefixed(socket: Socket, seen: Buffer): Duplex {
  const d = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _enc, cb) => void socket.write(chunk, cb),
    final: (cb) => {
      socket.end();
      cb();
    },
    destroy: (err, cb) => {
      socket.destroy();
      cb(err);
    },
  });
  if (seen.length > 0) d.push(seen);
  socket.on('data', (c: Buffer) => {
    if (!d.push(c)) socket.pause();
  });
  socket.once('end', () => d.push(null));
  socket.once('close', () => d.destroy());
  socket.on('error', () => d.destroy());
  return d;
}

export function createDecoy(serverName: string, log: Logger): Decoy {
  const cert = selfSignedCertificate(serverName);
  // Made at the first stranger, not at start, which a Node may never see: about 2 ms and 0.3 MiB alone, 17–120 ms in
  // the profiles of seven Nodes starting at once.
  let secureContext: SecureContext | undefined;
  const pages = createServer((_req, res) => {
    res.writeHead(404, { Server: 'nginx', 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(NOT_FOUND) });
    res.end(NOT_FOUND);
  });
  pages.keepAliveTimeout = 5000;
  const open = new Set<Socket>();
  return {
    certificateBytes: cert.derBytes + CERTIFICATE_MESSAGE_OVERHEAD,
    take(socket, seen, why) {
      log.debug(`Turned a stranger away at ${unmappedIPv4(socket.remoteAddress ?? '?')} to the decoy web server: ${why}`);
      if (open.size >= MAX_STRANGERS) return void socket.destroy();
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      socket.setTimeout(STRANGER_TIMEOUT_MS, () => socket.destroy());
      secureContext ??= createSecureContext({ key: cert.keyPem, cert: cert.certPem, minVersion: 'TLSv1.2' });
      const tls = new TLSSocket(prefixed(socket, seen), { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
      tls.on('error', () => socket.destroy());
      tls.once('secure', () => pages.emit('connection', tls));
    },
    close() {
      for (const s of open) s.destroy();
      pages.close();
    },
  };
}
