// Sorting RPC failures: ethers wraps the node's answer, so the text we match on is gathered from the
// wrapper and from the node's own error object inside it.

export function rpcErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.message];
  const info = (err as { info?: { error?: { message?: unknown } } }).info;
  if (typeof info?.error?.message === 'string') parts.push(info.error.message);
  const inner = (err as { error?: { message?: unknown } }).error;
  if (typeof inner?.message === 'string') parts.push(inner.message);
  return parts.join(' | ');
}

/** Whether trying again could help: transport trouble yes; a node that understood and said no, not. */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (code === 'TIMEOUT' || code === 'NETWORK_ERROR' || code === 'SERVER_ERROR') return true;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed|timeout|rate limit|429|503|502/i.test(rpcErrorText(err));
}

export type SendRejection = 'already-known' | 'nonce-used' | 'other';

/** Why eth_sendRawTransaction refused a transaction. */
export function classifySendRejection(err: unknown): SendRejection {
  const code = (err as { code?: unknown }).code;
  const text = rpcErrorText(err);
  if (/already known|known transaction|already imported/i.test(text)) return 'already-known';
  if (code === 'NONCE_EXPIRED' || /nonce too low|nonce has already been used/i.test(text)) return 'nonce-used';
  return 'other';
}
