// The seam between the neighborhood's links and their users: record kinds and PeerTransport (neighborhood → hopper,
// streams), and the Connector with its targets and failures (proxy entry → direct exit or streams over routes).

export { type Connector, type FailureKind, formatTarget, StreamFailure, type Target } from './connector.js';
export { isRecordKind, KIND_BYTES, type PeerTransport, type PeerTransportEvents, RECORD_KINDS, type RecordKind } from './transport.js';
