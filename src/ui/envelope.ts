// MASQ's UI envelope codec (docs/MASQ-COMPATIBILITY.md): {opcode, contextId?, payload | error{code,message}}.
// Pure and bounded. Error codes are 64-bit, so they travel as exact JSON integers, never through a double.

export const UI_SUBPROTOCOL = 'MASQNode-UIv2';
export const MAX_UI_MESSAGE_BYTES = 1024 * 1024;

export interface UiError {
  code: bigint;
  message: string;
}

export interface UiMessage {
  opcode: string;
  contextId?: number;
  payload?: Record<string, unknown>;
  error?: UiError;
}

export type Decoded =
  | { kind: 'ok'; msg: UiMessage }
  /** No usable opcode: answered with an unmarshalError message. */
  | { kind: 'critical'; message: string; badData: string }
  /** Opcode known, body malformed: answered with the same opcode and UNMARSHAL_ERROR if it was a conversation. */
  | { kind: 'bad-body'; opcode: string; contextId?: number; message: string; badData: string };

export function encode(msg: UiMessage): string {
  let out = `{"opcode":${JSON.stringify(msg.opcode)}`;
  if (msg.contextId !== undefined) out += `,"contextId":${msg.contextId}`;
  if (msg.error) out += `,"error":{"code":${msg.error.code.toString()},"message":${JSON.stringify(msg.error.message)}}`;
  else out += `,"payload":${JSON.stringify(msg.payload ?? {})}`;
  return `${out}}`;
}

const BIG_CODE = /("code"\s*:\s*)(\d{16,20})(?=\s*[,}])/g;
const MAX_BAD_DATA = 256;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function decode(text: string): Decoded {
  const badData = text.length > MAX_BAD_DATA ? `${text.slice(0, MAX_BAD_DATA)}…` : text;
  if (Buffer.byteLength(text) > MAX_UI_MESSAGE_BYTES) {
    return { kind: 'critical', message: `Message of ${Buffer.byteLength(text)} bytes exceeds the limit of ${MAX_UI_MESSAGE_BYTES}`, badData };
  }
  let root: unknown;
  try {
    root = JSON.parse(text.replace(BIG_CODE, '$1"$2"'));
  } catch (e) {
    return { kind: 'critical', message: `Couldn't parse text as JSON: ${(e as Error).message}`, badData };
  }
  if (!isObject(root)) return { kind: 'critical', message: 'Root is not a JSON object', badData };
  const opcode = root.opcode;
  if (typeof opcode !== 'string' || opcode.length === 0 || opcode.length > 64) {
    return { kind: 'critical', message: "Required field 'opcode' is missing or not a string", badData };
  }
  const ctx = root.contextId;
  if (ctx !== undefined && ctx !== null && !(typeof ctx === 'number' && Number.isSafeInteger(ctx) && ctx >= 0)) {
    return { kind: 'critical', message: "Field 'contextId' must be a non-negative integer", badData };
  }
  const contextId = typeof ctx === 'number' ? ctx : undefined;
  const bad = (message: string): Decoded => ({ kind: 'bad-body', opcode, ...(contextId !== undefined ? { contextId } : {}), message, badData });
  const hasPayload = 'payload' in root && root.payload !== null;
  const hasError = 'error' in root && root.error !== null;
  if (hasPayload === hasError) return bad("Exactly one of 'payload' and 'error' must be present");
  const msg: UiMessage = { opcode, ...(contextId !== undefined ? { contextId } : {}) };
  if (hasPayload) {
    if (!isObject(root.payload)) return bad("Field 'payload' must be a JSON object");
    msg.payload = root.payload;
  } else {
    const err = root.error;
    if (!isObject(err) || typeof err.message !== 'string') return bad("Field 'error' must be {code, message}");
    const code = err.code;
    if (typeof code === 'string' && /^\d{1,20}$/.test(code)) msg.error = { code: BigInt(code), message: err.message };
    else if (typeof code === 'number' && Number.isSafeInteger(code) && code >= 0) msg.error = { code: BigInt(code), message: err.message };
    else return bad("Field 'error.code' must be a non-negative integer");
  }
  return { kind: 'ok', msg };
}
