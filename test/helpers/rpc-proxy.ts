// A JSON-RPC proxy in front of the test chain that refuses eth_getLogs over more than `maxSpan` blocks,
// the way public RPC providers do, so the bridge's window shrinking runs against real HTTP answers.

import { type Server, createServer } from 'node:http';

export interface RangeLimitingProxy {
  url: string;
  /** eth_getLogs spans the proxy saw, refused or not. */
  spans: number[];
  close(): Promise<void>;
}

interface RpcCall {
  id: unknown;
  method: string;
  params?: { fromBlock?: string; toBlock?: string }[];
}

export function rangeLimitingProxy(upstream: string, maxSpan: number): Promise<RangeLimitingProxy> {
  const spans: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const call = JSON.parse(body) as RpcCall;
      const filter = call.method === 'eth_getLogs' ? call.params?.[0] : undefined;
      if (filter?.fromBlock && filter.toBlock) {
        const span = Number(filter.toBlock) - Number(filter.fromBlock) + 1;
        spans.push(span);
        if (span > maxSpan) {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code: -32005, message: 'Log response size exceeded: block range too wide' } }));
          return;
        }
      }
      fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (r) => {
          res.setHeader('content-type', 'application/json');
          res.end(await r.text());
        })
        .catch(() => res.destroy());
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
