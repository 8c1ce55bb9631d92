// What every route handler of the page is given: the UI link, the sessions, the clock, and how failures become
// answers. Failures are typed: a MasqError keeps its code, message and fix; the Daemon's and the Node's refusals keep
// their words; anything else is logged and answered without detail.

import type { FastifyReply } from 'fastify';
import { type Clock, describeError, type Logger, MasqError } from '../system/index.js';
import { UI_ERRORS, UiRequestError } from '../ui/index.js';
import type { WifiControl } from '../wifi/index.js';
import type { ApiError, ChainTestAnswer } from './api.js';
import type { Link } from './box-link.js';
import type { Session, Sessions } from './sessions.js';
import type { SystemIo } from './system-stats.js';

export interface PageContext {
  link: Link;
  sessions: Sessions;
  clock: Clock;
  log: Logger;
  boxName: string;
  version: string;
  system: SystemIo;
  /** Where the dashboard's disk figure is measured. */
  diskPath: string;
  /** The chain test's call; tests point it at their own chain. */
  testChain(chain: string, url: string): Promise<ChainTestAnswer>;
  /** masq-wifi, where it manages the box's network; absent, the Wi-Fi step is skipped. */
  wifi?: WifiControl;
  /** Whether the whole-home DNS mode's ports 53 and 443 are open (src/lan-entry); absent: they are not. */
  dnsPorts?(): boolean;
}

/** A refusal of the page itself: a form field, a wrong code, a missing session. */
export class PageError extends Error {
  constructor(readonly status: number, readonly body: ApiError) {
    super(body.message);
    this.name = 'PageError';
  }
}

export const pageError = (status: number, code: string, message: string, extra: Partial<ApiError> = {}): PageError => new PageError(status, { code, message, ...extra });

/** The HTTP status and body a failure answers with. */
export function failureAnswer(e: unknown, log: Logger): { status: number; body: ApiError } {
  if (e instanceof PageError) return { status: e.status, body: e.body };
  if (e instanceof UiRequestError) {
    const notRunning = e.error.code === UI_ERRORS.NODE_NOT_RUNNING_ERROR;
    return { status: notRunning ? 409 : 400, body: { code: notRunning ? 'NODE_NOT_RUNNING' : e.code, message: e.error.message, ...(notRunning ? { fix: 'Start the Node first.' } : {}) } };
  }
  if (e instanceof MasqError) {
    const status = e.code === 'UI_CONNECT' || e.code === 'UI_TIMEOUT' || e.code === 'BLOCKCHAIN_RPC' ? 502 : 400;
    return { status, body: { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}) } };
  }
  log.error(`Unexpected failure: ${describeError(e)}`);
  return { status: 500, body: { code: 'INTERNAL', message: 'Something went wrong inside masq-setup.', fix: 'Try again; if it keeps failing, see journalctl -u masq-setup.' } };
}

export function send(reply: FastifyReply, e: unknown, log: Logger): FastifyReply {
  const { status, body } = failureAnswer(e, log);
  return reply.code(status).send({ error: body });
}

/** The request's session, as the access hook found it. */
export interface WithSession {
  session?: Session;
}
