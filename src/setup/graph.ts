// The Node's neighborhood graph (Graphviz DOT from neighborhoodGraph) as nodes and edges the page draws, with the
// country of each Node (its country="XX" attribute) when it is known. Bounded: a graph larger than a neighborhood
// can be is cut, never parsed without limit.

import { isCountryCode } from '../geo/index.js';
import type { GraphNode, NeighborhoodPanel } from './api.js';

export const MAX_DOT_CHARS = 262_144;
export const MAX_GRAPH_NODES = 500;
export const MAX_GRAPH_EDGES = 4000;

const NODE_LINE = /^"([^"\\]{1,64})" \[label="((?:[^"\\]|\\.){0,512})"([^\]]{0,128})\];$/;
const EDGE_LINE = /^"([^"\\]{1,64})" -> "([^"\\]{1,64})";$/;
const COUNTRY_ATTR = /(?:^|\s)country="([A-Z]{2})"/;

/** A node line's Node; the label's line that repeats the country is left to the country field. */
function graphNode(id: string, label: string, attrs: string): GraphNode {
  const code = COUNTRY_ATTR.exec(attrs)?.[1];
  const lines = label.split('\\n').filter((s) => s.length > 0 && s !== code);
  // An unknown country (MASQ's ZZ) is no country at all.
  const country = code !== undefined && isCountryCode(code) ? { country: code } : {};
  return { id, label: lines, self: attrs.includes('style=filled'), routes: !attrs.includes('shape=box'), ...country };
}

export function parseGraph(dot: string): NeighborhoodPanel {
  const nodes: GraphNode[] = [];
  const edges: Array<{ from: string; to: string }> = [];
  const known = new Set<string>();
  for (const raw of dot.slice(0, MAX_DOT_CHARS).split('\n')) {
    const line = raw.trim();
    const n = NODE_LINE.exec(line);
    if (n && nodes.length < MAX_GRAPH_NODES) {
      const [, id, label, attrs] = n as unknown as [string, string, string, string];
      known.add(id);
      nodes.push(graphNode(id, label, attrs));
      continue;
    }
    const e = EDGE_LINE.exec(line);
    if (e && edges.length < MAX_GRAPH_EDGES) edges.push({ from: e[1] as string, to: e[2] as string });
  }
  // Edges to Nodes the graph does not describe get a bare node, so the picture shows that the neighbor exists.
  for (const { to } of edges) {
    if (!known.has(to) && nodes.length < MAX_GRAPH_NODES) {
      known.add(to);
      nodes.push({ id: to, label: [to], self: false, routes: false });
    }
  }
  return { nodes, edges: edges.filter((e) => known.has(e.from) && known.has(e.to)) };
}
