// The UI protocol: the envelope codec, the one message catalogue, MASQ's UI error codes, the access token and the
// WebSocket server and client.

export {
  type Answers, type AutomapAnswer, type Broadcast, type Broadcasts, type ConnectionStage, type ConvOpcode, type CrashedPayload, type CrashReason,
  type Requests, type SetupResponse, type StartResponse,
} from './catalogue.js';
export { ConnectionLost, uiAnswers, UiClient, UiRequestError } from './client.js';
export { type UiMessage } from './envelope.js';
export { UI_ERRORS } from './error-codes.js';
export { uiErrorFor } from './error-edge.js';
export { startUiServer, type UiClientHandle, type UiServer } from './server.js';
export { newUiToken, readUiToken, writeUiTokenFile } from './token.js';
