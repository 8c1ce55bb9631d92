// The page's few built files (dist/web-setup), read once at start and kept compressed, so a phone on a slow
// hotspot downloads as little as possible and a request never touches the disk.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { MasqError } from '../system/index.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export interface StaticFile {
  type: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => TYPES[extname(n)] !== undefined);
  } catch (e) {
    throw new MasqError('CONFIG_FILE', `The setup page's files are not in ${dir} (${(e as Error).message}).`, 'Build them with make build, or give --web-root.');
  }
  if (!names.includes('index.html')) throw new MasqError('CONFIG_FILE', `${dir} has no index.html.`, 'Build the page with make build.');
  const files = new Map<string, StaticFile>();
  for (const n of names) {
    const identity = readFileSync(join(dir, n));
    files.set(n === 'index.html' ? '/' : `/${n}`, {
      type: TYPES[extname(n)] as string,
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
      identity,
      gzip: gzipSync(identity, { level: 9 }),
      br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    });
  }
  return files;
}

/** The best encoding the browser accepts. */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | 'identity' {
  const a = (accept ?? '').toLowerCase();
  if (/\bbr\b/.test(a)) return 'br';
  if (/\bgzip\b/.test(a)) return 'gzip';
  return 'identity';
}
