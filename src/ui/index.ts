// The ui folder's entry: what the rest of the program may use of it.

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
