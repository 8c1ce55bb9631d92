// Every way a call can fail, as one ApiError the page shows next to the field it names: the server's own
// { error: ApiError } answer (checked and bounded, since it is network input), or words of the page's own for an
// answer that is not one (a proxy's error page, a lost connection, a session that ended).

import type { ApiError } from '../../src/setup/api.js';

/** A longer answer is not read as JSON: no answer of this API comes near it. */
export const MAX_ANSWER_CHARS = 2_000_000;
const MAX_TEXT = 2000;

export class ApiFailure extends Error {
  constructor(readonly error: ApiError, readonly status: number) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

const text = (v: unknown, max = MAX_TEXT): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(Math.floor(v), 1e9) : undefined);

/** The server's ApiError in a parsed answer, with only the fields of the right types; undefined when there is none. */
export function apiErrorOf(answer: unknown): ApiError | undefined {
  const e = typeof answer === 'object' && answer !== null ? (answer as { error?: unknown }).error : undefined;
  if (typeof e !== 'object' || e === null) return undefined;
  const r = e as Record<string, unknown>;
  const code = text(r['code'], 64);
  const message = text(r['message']);
  if (code === undefined || message === undefined) return undefined;
  const out: ApiError = { code, message };
  const fix = text(r['fix']);
  const field = text(r['field'], 100);
  const triesLeft = count(r['triesLeft']);
  const lockedForS = count(r['lockedForS']);
  if (fix !== undefined) out.fix = fix;
  if (field !== undefined) out.field = field;
  if (triesLeft !== undefined) out.triesLeft = triesLeft;
  if (lockedForS !== undefined) out.lockedForS = lockedForS;
  return out;
}

/** What an HTTP status means to the user when the answer does not say. */
function byStatus(status: number): ApiError {
  if (status === 401) return { code: 'NOT_LOGGED_IN', message: 'You are not logged in, or your session has ended.', fix: 'Log in again with the admin password.' };
  if (status === 404) return { code: 'NOT_FOUND', message: 'The box does not offer this (any more): it may have been set up from another device meanwhile.', fix: 'Reload the page.' };
  if (status === 413) return { code: 'TOO_LARGE', message: 'What you sent is larger than the box accepts.', fix: 'Check that you chose the right file or shorten the text.' };
  if (status === 429) return { code: 'TOO_MANY', message: 'Too many requests in a short time.', fix: 'Wait a minute, then try again.' };
  return {
    code: 'BAD_ANSWER',
    message: status >= 500 ? `The box failed to answer (HTTP ${status}).` : `The box gave an answer the page does not understand (HTTP ${status}).`,
    fix: 'Wait a moment and try again. If it keeps failing, restart the box (unplug it for ten seconds).',
  };
}

/** The answer of a call: its JSON on success, else an ApiFailure with the server's words or the page's. */
export function readAnswer(status: number, body: string): unknown {
  let parsed: unknown;
  let json = false;
  if (body.length <= MAX_ANSWER_CHARS) {
    try {
      parsed = JSON.parse(body);
      json = true;
    } catch {
      json = false;
    }
  }
  const ok = status >= 200 && status < 300;
  if (ok && json && apiErrorOf(parsed) === undefined) return parsed;
  throw new ApiFailure((json ? apiErrorOf(parsed) : undefined) ?? byStatus(status), status);
}

/** A call that never got an answer. */
export function unreachable(): ApiFailure {
  return new ApiFailure({
    code: 'UNREACHABLE',
    message: 'The page cannot reach the box.',
    fix: 'Check that this device is on the same network as the box and that the box is powered, then try again.',
  }, 0);
}
