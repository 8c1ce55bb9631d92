// The wire codecs: pure, bounded, no I/O. What the rest of the program may use of them.

export { DecodeError } from './bytes.js';
export { type Cell, CELL_TYPE, CIRCUIT_HIGH_BIT, decodeCell, DESTROY_REASON, type DestroyReason, encodeCell, MAX_CHUNK, OPEN_STATUS, type OpenStatus } from './cells.js';
export { formatDescriptor, parseDescriptor } from './descriptor.js';
export { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FRAME_HEADER_BYTES, FrameDecoder, type FrameUnwrapper, type Mask, PLAIN_MASK } from './frame.js';
export { decodeGossip, decodeRecord, encodeGossip, MAX_GOSSIP_RECORDS, type NodeAddress, type NodeRecord, openRecord, type RatePack, type SignedRecord, signRecord } from './node-record.js';
export { decodeOpenAnswer, decodeOpenRequest, encodeOpenAnswer, encodeOpenRequest, type OpenRequest } from './stream-open.js';
