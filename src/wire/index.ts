// The wire codecs, one export line each.
export * from './frame.js';
export * from './bytes.js';
export * from './descriptor.js';
export * from './node-record.js';
