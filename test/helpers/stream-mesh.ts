// Nodes' stream services in one process over real neighbor links on 127.0.0.1, every pair linked: for the tests of
// streams, relays and exits without the Neighborhood (the test chooses the routes).

import { generateIdentity } from '../../src/crypto/identity.js';
import { type StreamOptions, type StreamService, startStreams } from '../../src/stream/index.js';
import { LinkTransport } from './link-transport.js';
import { testPayer } from './payer.js';

export interface MeshNode {
  key: string;
  transport: LinkTransport;
  mesh: StreamService;
}

/** What a Node's streams get besides its identity, transport and payer. */
export type NodeOptions = Omit<StreamOptions, 'identity' | 'transport' | 'payer'>;

/** Starts a Node for each name with `optionsFor(name)` and links every pair, each dialed once. */
export async function startStreamMesh<N extends string>(names: readonly N[], optionsFor: (name: N) => NodeOptions): Promise<Map<N, MeshNode>> {
  const nodes = new Map<N, MeshNode>();
  const ports = new Map<N, number>();
  for (const n of names) {
    const transport = new LinkTransport(generateIdentity());
    ports.set(n, await transport.listen());
    const mesh = startStreams({ identity: transport.identity, transport, payer: testPayer(transport.identity), ...optionsFor(n) });
    nodes.set(n, { key: transport.identity.publicKey.toString('hex'), transport, mesh });
  }
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [a, b] = [names[i] as N, names[j] as N];
      await (nodes.get(a) as MeshNode).transport.dial((nodes.get(b) as MeshNode).transport, ports.get(b) as number);
    }
  }
  return nodes;
}

/** Closes every Node's streams and links. */
export function closeStreamMesh(nodes: ReadonlyMap<string, MeshNode>): void {
  for (const n of nodes.values()) {
    n.mesh.close();
    n.transport.close();
  }
}
