// UI protocol client: talks to the Daemon, follows its redirect to the Node, falls back to the Daemon when the
// Node goes away, and hands broadcasts to listeners. Requests and answers are typed by the catalogue, and every
// answer and broadcast is checked against the catalogue's shapes before anyone reads it.

import WebSocket from 'ws';
import { MasqError } from '../system/index.js';
import {
  type Answers, type Broadcast, type ConvOpcode, DEFAULT_TIMEOUT_MS, type RedirectPayload, type Requests, checkAnswer, checkBroadcast, specOf,
} from './catalogue.js';
import { MAX_UI_MESSAGE_BYTES, UI_SUBPROTOCOL, type UiError, decode, encode } from './envelope.js';
import { formatErrorCode } from './error-codes.js';
import { UI_TOKEN_HEADER, permissionDenied } from './token.js';

/** The far side answered with an error envelope: MASQ's numeric code, as masq prints it. */
export class UiRequestError extends MasqError {
  constructor(readonly opcode: string, readonly error: UiError) {
    super('UI_REFUSED', `${error.message} (Code ${formatErrorCode(error.code)})`);
    this.name = 'UiRequestError';
  }
}

/** The connection dropped while a request was waiting (what `shutdown` expects). */
export class ConnectionLost extends MasqError {
  constructor(message: string) {
    super('UI_CONNECT', message);
    this.name = 'ConnectionLost';
  }
}

const malformed = (what: string, problem: string): MasqError =>
  new MasqError('UI_PROTOCOL', `The Daemon or Node sent a malformed ${what}: ${problem}.`, 'Check that masq and masq-node are the same version (masq version).');

interface Pending {
  opcode: string;
  payload: Record<string, unknown>;
  resolve(p: Record<string, unknown>): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export const REDIRECT_TIMEOUT_MS = 500;
export const CONNECT_TIMEOUT_MS = 2000;

/** Messages that arrive with the handshake, before the client has attached its handler, wait here. */
const early = new WeakMap<WebSocket, { texts: string[]; hold: (d: WebSocket.RawData) => void }>();

function tokenHeaders(token: string | undefined): { headers?: Record<string, string> } {
  return token === undefined ? {} : { headers: { [UI_TOKEN_HEADER]: token } };
}

function openSocket(port: number, timeoutMs: number, token: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, UI_SUBPROTOCOL, { handshakeTimeout: timeoutMs, maxPayload: MAX_UI_MESSAGE_BYTES, ...tokenHeaders(token) });
    const texts: string[] = [];
    const hold = (d: WebSocket.RawData): void => void texts.push(d.toString());
    early.set(ws, { texts, hold });
    ws.on('message', hold);
    const fail = (e: Error): void => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(e);
    };
    ws.once('open', () => {
      ws.removeListener('error', fail);
      resolve(ws);
    });
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => {
      const why = `refused with HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim();
      fail(res.statusCode === 401 ? permissionDenied() : new Error(why));
    });
  });
}

/** Whether something speaking the UI protocol answers on this port (one handshake, then closed). */
export function uiAnswers(port: number, timeoutMs: number, token?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, UI_SUBPROTOCOL, { handshakeTimeout: timeoutMs, ...tokenHeaders(token) });
    ws.once('open', () => { ws.close(); resolve(true); });
    ws.once('error', () => resolve(false));
  });
}

export class UiClient {
  private ws: WebSocket | undefined;
  private nodePort: number | undefined;
  private nextContextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(b: Broadcast) => void>();
  private readonly strays = new Set<(opcode: string, problem: string) => void>();
  private closed = false;

  private constructor(readonly daemonPort: number, private readonly token: string | undefined) {}

  /** Connects to the Daemon (or to a Node's UI port directly), presenting the UI token when there is one. */
  static async connect(port: number, timeoutMs = CONNECT_TIMEOUT_MS, token?: string): Promise<UiClient> {
    const c = new UiClient(port, token);
    try {
      c.attach(await openSocket(port, timeoutMs, token));
    } catch (e) {
      if (e instanceof MasqError) throw e; // permission denied
      throw new MasqError('UI_CONNECT', `Can't connect to Daemon or Node (${(e as Error).message}) on port ${port}. Probably this means the Daemon isn't running.`, 'Start it with `masq-node --initialization` (or `systemctl start masq-daemon`), or give the right --ui-port.');
    }
    return c;
  }

  /** Port currently connected to, and whether it is the Node's. */
  target(): { port: number; node: boolean } {
    return { port: this.nodePort ?? this.daemonPort, node: this.nodePort !== undefined };
  }

  /** Well-formed broadcasts of the catalogue (and 'crashed' with DaemonCrashed when the Daemon is gone). */
  onBroadcast(fn: (b: Broadcast) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Messages nobody asked for that are not well-formed broadcasts of the catalogue: what they were, and why not. */
  onUnrecognized(fn: (opcode: string, problem: string) => void): () => void {
    this.strays.add(fn);
    return () => this.strays.delete(fn);
  }

  /** One request and its answer, checked against the catalogue; a malformed answer rejects with UI_PROTOCOL. */
  request<Op extends ConvOpcode>(opcode: Op, payload: Requests[Op]): Promise<Answers[Op]> {
    if (this.closed || !this.ws) return Promise.reject(new ConnectionLost('Not connected'));
    const contextId = this.nextContextId++;
    const limit = specOf(opcode)?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const body: Record<string, unknown> = payload;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(contextId);
        reject(new MasqError('UI_TIMEOUT', `No answer to ${opcode} within ${limit} ms.`, 'Check that the Daemon and Node are running (masq setup shows their state).'));
      }, limit);
      this.pending.set(contextId, { opcode, payload: body, resolve, reject, timer });
      this.ws?.send(encode({ opcode, contextId, payload: body }));
    }).then((answer) => {
      const problem = checkAnswer(opcode, answer);
      if (problem !== null) throw malformed(`answer to ${opcode}`, problem);
      return answer as Answers[Op]; // checked against the catalogue's shape just above
    });
  }

  close(): void {
    this.closed = true;
    this.failAll(new ConnectionLost('Client closed'));
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => undefined);
    this.ws?.close();
  }

  private attach(ws: WebSocket): void {
    this.ws = ws;
    const waiting = early.get(ws);
    if (waiting) ws.removeListener('message', waiting.hold);
    ws.on('message', (data) => this.receive(data.toString()));
    ws.on('error', () => undefined); // 'close' follows and decides what happens
    ws.on('close', () => {
      if (this.ws === ws) void this.lost();
    });
    for (const text of waiting?.texts.splice(0) ?? []) this.receive(text);
  }

  private receive(text: string): void {
    const d = decode(text);
    if (d.kind !== 'ok') return; // a server that sends garbage is not worth crashing over
    const msg = d.msg;
    const p = msg.contextId !== undefined ? this.pending.get(msg.contextId) : undefined;
    if (p && msg.opcode === p.opcode) {
      this.pending.delete(msg.contextId as number);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new UiRequestError(msg.opcode, msg.error));
      else p.resolve(msg.payload ?? {});
      return;
    }
    const payload = msg.payload ?? {};
    const problem = specOf(msg.opcode)?.broadcast ? checkBroadcast(msg.opcode, payload) : `no broadcast '${msg.opcode}' in the catalogue`;
    if (problem !== null) {
      for (const l of this.strays) l(msg.opcode, problem);
      return;
    }
    // The catalogue has this broadcast and the payload fits its shape.
    const b = { opcode: msg.opcode, payload } as Broadcast;
    if (b.opcode === 'redirect') void this.redirect(b.payload);
    else this.tell(b);
  }

  private tell(b: Broadcast): void {
    for (const l of this.listeners) l(b);
  }

  private async redirect(r: RedirectPayload): Promise<void> {
    const contextId = r.contextId ?? undefined;
    const p = contextId !== undefined ? this.pending.get(contextId) : undefined;
    let ws: WebSocket;
    try {
      ws = await openSocket(r.port, REDIRECT_TIMEOUT_MS * 4, this.token);
    } catch (e) {
      if (p && contextId !== undefined) {
        this.pending.delete(contextId);
        clearTimeout(p.timer);
        p.reject(new MasqError('UI_CONNECT', `The Daemon redirected to the Node on port ${r.port}, but it cannot be reached (${(e as Error).message}).`, 'The Node may have just stopped; try again.'));
      }
      return;
    }
    const old = this.ws;
    this.nodePort = r.port;
    this.attach(ws);
    if (old) {
      old.removeAllListeners();
      old.on('error', () => undefined);
      old.close();
    }
    if (p && contextId !== undefined) ws.send(encode({ opcode: p.opcode, contextId, payload: p.payload }));
  }

  /** The connection dropped: from the Node, fall back to the Daemon; from the Daemon, tell listeners it is gone. */
  private async lost(): Promise<void> {
    this.failAll(new ConnectionLost('The connection was closed by the other side'));
    if (this.closed) return;
    this.ws = undefined;
    if (this.nodePort !== undefined) {
      this.nodePort = undefined;
      try {
        this.attach(await openSocket(this.daemonPort, 5000, this.token));
        return;
      } catch {
        // The Daemon is gone as well: reported below as DaemonCrashed, as masq does.
      }
    }
    this.closed = true;
    this.tell({ opcode: 'crashed', payload: { processId: 0, crashReason: 'DaemonCrashed' } });
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(e);
      this.pending.delete(id);
    }
  }
}
