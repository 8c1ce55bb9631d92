// The wire codecs, one export line each.
export * from './frame.js';
