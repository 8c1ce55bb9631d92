// The one way the page calls the box: the route's method and path from the table, JSON both ways, the CSRF header
// on every POST, and every failure an ApiFailure (core/failures.ts). fetch is passed in, so tests drive it without
// a browser and the page's real one keeps the session cookie (same origin).

import { ApiFailure, readAnswer, unreachable } from './failures.js';
import { type AnswerOf, type BodyOf, type CallName, CSRF, ROUTE } from './routes.js';

export interface FetchInit { method: string; headers: Record<string, string>; body?: string; credentials: 'same-origin' }
export type Fetch = (url: string, init: FetchInit) => Promise<{ status: number; text(): Promise<string> }>;

/** Routes that take no body (GETs, and POSTs like stop whose body is empty). */
export type Bodiless = { [N in CallName]: BodyOf<N> extends undefined ? N : never }[CallName];
export interface Call {
  <N extends Bodiless>(name: N): Promise<AnswerOf<N>>;
  <N extends Exclude<CallName, Bodiless>>(name: N, body: BodyOf<N>): Promise<AnswerOf<N>>;
}

/**
 * A caller over `fetch`. `onSessionLost` runs when the server says the session is gone, so the page can ask for
 * the password again instead of showing the same error in every panel.
 */
export function makeCall(fetchFn: Fetch, onSessionLost: () => void): Call {
  return (async (name: CallName, body?: unknown) => {
    const { method, path } = ROUTE[name];
    const init: FetchInit = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
    if (method === 'POST') {
      init.headers[CSRF.header] = CSRF.value;
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
    let status: number;
    let text: string;
    try {
      const res = await fetchFn(path, init);
      status = res.status;
      text = await res.text();
    } catch {
      throw unreachable();
    }
    try {
      return readAnswer(status, text);
    } catch (e) {
      if (e instanceof ApiFailure && e.error.code === 'NOT_LOGGED_IN' && name !== 'login') onSessionLost();
      throw e;
    }
  }) as Call;
}
