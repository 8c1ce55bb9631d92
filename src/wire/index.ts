// The wire codecs: pure, bounded, no I/O, each behind the one Codec interface. What the rest of the program may use of them.

export { DecodeError, ownCopy } from './bytes.js';
export { type Cell, CELL_TYPE, cellCodec, CIRCUIT_HIGH_BIT, encodeCellParts, DESTROY_REASON, type DestroyReason, MAX_CHUNK, OPEN_STATUS, type OpenOutcome, type OpenStatus } from './cells.js';
export type { Codec } from './codec.js';
export { descriptorCodec, formatDescriptor, type NodeDescriptor, parseDescriptor } from './descriptor.js';
export { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FRAME_HEADER_BYTES, collectFrames, FrameCollector, FrameDecoder, type FrameOptions, type FramePieces, type FrameSink, type FrameUnwrapper, joinPieces, type Mask, PLAIN_MASK } from './frame.js';
export { gossipCodec, MAX_GOSSIP_RECORDS, MAX_NEIGHBORS, type NodeAddress, type NodeRecord, nodeRecordCodec, openRecord, type RatePack, type SignedRecord, signRecord } from './node-record.js';
export { openAnswerCodec, openRequestCodec, type OpenRequest } from './stream-open.js';
