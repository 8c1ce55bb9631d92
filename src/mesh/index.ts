// The mesh folder's entry: what the rest of the program may use of it.

export { type Connector, type FailureKind, formatTarget, StreamFailure, type Target } from './connector.js';
export { isRecordKind, type PeerTransport, type PeerTransportEvents, RECORD_KINDS, type RecordKind } from './transport.js';
