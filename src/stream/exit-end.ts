// The exit's side of a stream: an OPEN whose slot names this Node as exit. Reads the request sealed for it, opens
// the back-route the originator chose (its OPEN says `connecting`), opens the target through the exit Connector,
// answers with its outcome (an ANSWER cell), then pipes the target socket through the stream.

import type { Duplex } from 'node:stream';
import { cellNonce, openBodyInPlace } from '../crypto/index.js';
import type { OpenedCircuit, Switch } from '../hopper/index.js';
import { type Connector, StreamFailure, type Target, formatTarget } from '../mesh/index.js';
import { describeError, type Logger, MasqError } from '../system/index.js';
import { CELL_TYPE, DESTROY_REASON, OPEN_STATUS, openAnswerCodec, openRequestCodec, type OpenOutcome, type OpenRequest } from '../wire/index.js';
import { MeshDuplex } from './duplex.js';
import { StreamEnd } from './end.js';
import { INITIAL_WINDOW } from './flow.js';

const STATUS_OF: Record<StreamFailure['kind'], OpenOutcome> = {
  dns: OPEN_STATUS.dns,
  connect: OPEN_STATUS.connect,
  timeout: OPEN_STATUS.timeout,
  'refused-private': OPEN_STATUS.refusedPrivate,
  route: OPEN_STATUS.connect,
  'exit-country': OPEN_STATUS.connect,
  // The exit's own connector never fails for want of payment; the kind exists for originators.
  payment: OPEN_STATUS.connect,
};

/** Why the exit stops connecting: the stream closed first. */
const STREAM_CLOSED = 'the stream closed';

export interface ExitCounters {
  exiting: number;
}

function readRequest(o: OpenedCircuit): OpenRequest | undefined {
  try {
    return openRequestCodec.decode(openBodyInPlace(o.keys.request, cellNonce(CELL_TYPE.open, 0n), o.body));
  } catch (e) {
    if (e instanceof MasqError) return undefined;
    throw e;
  }
}

/**
 * Serves an OPEN addressed to this Node as exit; a Node without an exit Connector refuses it. `charge` hears the
 * bytes the stream carried both ways when it ends.
 */
export function exitOpen(sw: Switch, o: OpenedCircuit, connector: Connector | undefined, counters: ExitCounters, log: Logger, charge: (bytes: number) => void): void {
  if (!connector) return sw.destroy(o.from, o.circuit, DESTROY_REASON.refused);
  const req = readRequest(o);
  if (!req) return sw.destroy(o.from, o.circuit, DESTROY_REASON.protocol);
  let end: StreamEnd;
  try {
    end = new StreamEnd(sw, { sendKey: o.keys.response, sendLayers: [], recvKey: o.keys.request, recvLayers: [] }, req.window, INITIAL_WINDOW);
  } catch (e) {
    if (!(e instanceof MasqError)) throw e;
    return sw.destroy(o.from, o.circuit, DESTROY_REASON.protocol);
  }
  if (!end.bindIn(o.from, o.circuit)) return sw.destroy(o.from, o.circuit, DESTROY_REASON.full);
  // The Duplex exists from the OPEN on: the originator sends its first bytes right behind the OPEN, before our
  // answer (one round trip less), and they wait in its readable buffer, within the window, for the target.
  const duplex = new MeshDuplex(end, false);
  // The closures kept for the stream's life name the target, not the request: it holds the back-route's header and
  // would keep the OPEN's buffers alive as long.
  const target: Target = { host: req.host, port: req.port };
  duplex.on('error', (e) => log.debug(`Exit stream to ${formatTarget(target)} ended: ${describeError(e)}`));
  counters.exiting++;
  const abort = new AbortController();
  end.once('closed', () => {
    counters.exiting--;
    // A reason given saves making a DOMException (and its stack) for every stream that ends.
    abort.abort(STREAM_CLOSED);
    charge(end.bytesSent + end.bytesReceived);
  });
  connect(sw, end, duplex, req, target, connector, abort.signal, log).catch((e: unknown) => {
    log.warn(`Exit to ${formatTarget(target)} failed unexpectedly: ${describeError(e)}`);
    end.destroy(DESTROY_REASON.aborted);
  });
}

async function connect(sw: Switch, end: StreamEnd, duplex: MeshDuplex, req: OpenRequest, target: Target, connector: Connector, signal: AbortSignal, log: Logger): Promise<void> {
  // The back-route opens first, while the target is still being reached: its relays and the originator do their
  // key agreements meanwhile, so the answer and the first bytes find the route ready (docs/MESH.md).
  const back = req.backFirst.toString('hex');
  try {
    await sw.transport.ensure(back);
  } catch (e) {
    log.debug(`Cannot reach the back-route's first hop ${back.slice(0, 12)}: ${describeError(e)}`);
    return end.destroy(DESTROY_REASON.unreachable);
  }
  if (end.isClosed) return;
  const circuit = end.bindOut(back);
  if (circuit === undefined) return end.destroy(DESTROY_REASON.full);
  sw.send(back, { type: CELL_TYPE.open, circuit, header: req.backHeader, body: end.openBody(openAnswerCodec.encode(OPEN_STATUS.connecting)) });
  let socket: Duplex;
  try {
    socket = await connector.open(target, signal);
  } catch (e) {
    if (!(e instanceof StreamFailure)) throw e;
    log.debug(`Exit to ${formatTarget(target)} failed: ${e.message}`);
    // The originator, told why, tears the stream down (or it idles out).
    return end.answer(STATUS_OF[e.kind]);
  }
  if (end.isClosed) return void socket.destroy();
  end.answer(OPEN_STATUS.ok);
  // Only failures tear down here: a clean end travels as half-closes through the pipes, and closing either side
  // on 'close' could drop bytes the other still buffers.
  const kill = (e: Error): void => {
    socket.destroy();
    duplex.destroy(e);
  };
  socket.on('error', kill);
  duplex.on('error', kill);
  socket.pipe(duplex);
  duplex.pipe(socket);
}
