// The hopper: the circuit table (switch.ts), relaying cells for others (relay.ts) and hop-by-hop backpressure
// (backpressure.ts). Stream ends (src/stream) sit on top of it.
export * from './switch.js';
export * from './relay.js';
