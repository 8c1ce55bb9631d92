// WebSocket server of the UI protocol on 127.0.0.1: subprotocol check, decoding, MASQ's unmarshal-error replies,
// targeted sends and broadcasts. What a message means is the handler's business.

import { WebSocketServer, type WebSocket } from 'ws';
import { type Logger, MasqError } from '../system/index.js';
import { checkRequest, specOf } from './catalogue.js';
import { MAX_UI_MESSAGE_BYTES, UI_SUBPROTOCOL, type UiMessage, decode, encode } from './envelope.js';
import { UI_ERRORS } from './error-codes.js';
import { UI_TOKEN_HEADER, tokenMatches } from './token.js';

export interface UiClientHandle {
  readonly id: number;
  send(msg: UiMessage): void;
}

export interface UiServerOptions {
  port: number;
  host?: string;
  log: Logger;
  /** Called for every well-formed message. */
  onMessage(client: UiClientHandle, msg: UiMessage): void | Promise<void>;
  /** Called when a client has connected, before any message. */
  onConnect?(client: UiClientHandle): void;
  /** When set, an upgrade without this token (header X-MASQ-UI-Token) is refused with HTTP 401. */
  token?: string;
}

export interface UiServer {
  readonly port: number;
  send(clientId: number, msg: UiMessage): void;
  broadcast(msg: UiMessage, exceptClientId?: number): void;
  clientCount(): number;
  close(): Promise<void>;
}

export function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? '127.0.0.1';
  const clients = new Map<number, WebSocket>();
  let nextId = 0;
  const wss = new WebSocketServer({
    host,
    port: opts.port,
    maxPayload: MAX_UI_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(UI_SUBPROTOCOL) ? UI_SUBPROTOCOL : false),
    verifyClient: (info, cb) => {
      const offered = String(info.req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
      if (!offered.includes(UI_SUBPROTOCOL)) return cb(false, 400, `Subprotocol ${UI_SUBPROTOCOL} required`);
      if (opts.token !== undefined && !tokenMatches(info.req.headers[UI_TOKEN_HEADER], opts.token)) return cb(false, 401, 'MASQ UI token required');
      cb(true);
    },
  });

  const sendTo = (ws: WebSocket, msg: UiMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(encode(msg));
  };

  wss.on('connection', (ws) => {
    const id = nextId++;
    clients.set(id, ws);
    const handle: UiClientHandle = { id, send: (m) => sendTo(ws, m) };
    opts.log.debug(`UI client ${id} connected`);
    opts.onConnect?.(handle);
    ws.on('close', () => {
      clients.delete(id);
      opts.log.debug(`UI client ${id} disconnected`);
    });
    ws.on('error', (e) => opts.log.debug(`UI client ${id}: ${e.message}`));
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      const d = decode(text);
      if (d.kind === 'critical') {
        handle.send({ opcode: 'unmarshalError', payload: { message: d.message, badData: d.badData } });
        return;
      }
      let msg: UiMessage;
      let problem: string | null;
      if (d.kind === 'bad-body') {
        problem = d.message;
        msg = { opcode: d.opcode, ...(d.contextId !== undefined ? { contextId: d.contextId } : {}) };
      } else {
        msg = d.msg;
        problem = msg.payload && specOf(msg.opcode) ? checkRequest(msg.opcode, msg.payload) : null;
      }
      if (problem !== null) {
        if (msg.contextId !== undefined) handle.send({ opcode: msg.opcode, contextId: msg.contextId, error: { code: UI_ERRORS.UNMARSHAL_ERROR, message: problem } });
        else handle.send({ opcode: 'unmarshalError', payload: { message: problem, badData: text.slice(0, 256) } });
        return;
      }
      Promise.resolve()
        .then(() => opts.onMessage(handle, msg))
        .catch((e: unknown) => {
          opts.log.error(`Handling ${msg.opcode} failed: ${e instanceof Error ? e.message : String(e)}`);
          if (msg.contextId !== undefined) handle.send({ opcode: msg.opcode, contextId: msg.contextId, error: { code: UI_ERRORS.UNKNOWN_ERROR, message: `Internal error while handling ${msg.opcode}` } });
        });
    });
  });

  return new Promise((resolve, reject) => {
    wss.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE'
        ? new MasqError('PORT_IN_USE', `There appears to be a process already listening on port ${opts.port}.`, 'Stop it, or choose another UI port.')
        : e);
    });
    wss.once('listening', () => {
      const addr = wss.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      resolve({
        port,
        send: (clientId, msg) => {
          const ws = clients.get(clientId);
          if (ws) sendTo(ws, msg);
        },
        broadcast: (msg, except) => {
          for (const [id, ws] of clients) if (id !== except) sendTo(ws, msg);
        },
        clientCount: () => clients.size,
        close: () => new Promise<void>((done) => {
          for (const ws of clients.values()) ws.close(1001, 'Server shutting down');
          const t = setTimeout(() => { for (const ws of clients.values()) ws.terminate(); }, 500);
          wss.close(() => { clearTimeout(t); done(); });
        }),
      });
    });
  });
}
