// The one shape of a route's handler: what the request brought (its checked body, its session) and how it may
// open or end a session. server.ts turns these into fastify routes from the route table.

import type { FastifyReply } from 'fastify';
import type { RouteName } from './api.js';
import type { Session } from './sessions.js';

export interface Call {
  body: Record<string, unknown>;
  session: Session | undefined;
  /** The address the connection arrived at: the box as the device reaches it. */
  local: string | undefined;
  /** Opens this session for the browser (a new id: the old one, if any, ends), or ends it. */
  setSession(s: Session | undefined): void;
  reply: FastifyReply;
}

export type Handler = (call: Call) => Promise<unknown>;
export type Handlers = Partial<Record<RouteName, Handler>>;

/** A checked body's string field ('' when absent). */
export const field = (body: Record<string, unknown>, name: string): string => (typeof body[name] === 'string' ? body[name] : '');
