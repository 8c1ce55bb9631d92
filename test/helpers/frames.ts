// Frame decoders driven as a link drives them.

import type { FrameSink, FrameUnwrapper } from '../../src/wire/index.js';

/** Writes every chunk through one buffer that is overwritten by the next (as a link's shared read buffer is), with a sink that reads each piece only during its call. */
export function throughOneBuffer(unwrap: FrameUnwrapper, chunks: readonly Buffer[]): { lengths: number[]; bodies: Buffer[] } {
  const lengths: number[] = [];
  const bodies: Buffer[] = [];
  let body: Buffer[] = [];
  const sink: FrameSink = {
    begin: (length) => { lengths.push(length); body = []; },
    part: (piece) => { body.push(Buffer.from(piece)); },
    end: () => { bodies.push(Buffer.concat(body)); },
  };
  const shared = Buffer.alloc(Math.max(1, ...chunks.map((c) => c.length)));
  for (const chunk of chunks) {
    chunk.copy(shared);
    unwrap.write(shared.subarray(0, chunk.length), sink);
    shared.fill(0xee);
  }
  return { lengths, bodies };
}

