// The benchmark's static server: dist/ at the root and the peer under
// /convolution-visualizer/ (its pages use absolute paths there), from one origin
// so both pay the same loopback cost. It serves like a real static host:
//   - gzip (Content-Encoding) for text and wasm when the request accepts it,
//     compressed once per file (level 9, as a host that precompresses) and kept in memory;
//   - caching: HTML and service-worker scripts `no-cache` (revalidated by ETag, a 304
//     on a second visit), files with a content hash in their name a year `immutable`,
//     anything else `no-cache` too (so a second visit never runs stale unhashed files);
//   - exact types (instantiateStreaming rejects a wasm of any other type) and the
//     service worker as plain same-origin JS at the app's root, so the browser
//     registers it without Service-Worker-Allowed.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

export const PEER_PREFIX = '/convolution-visualizer/';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // instantiateStreaming rejects any other type
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.gif': 'image/gif', '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json', '.png': 'image/png', '.ico': 'image/x-icon',
};
const COMPRESS = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.webmanifest']);
// Trunk: name-0123456789abcdef(_bg).ext; create-react-app: main.0123abcd.js.
const HASHED = /[-.][0-9a-f]{8,}(_bg)?\.[a-z0-9]+$/;
const isServiceWorker = (file) => /(^|\/)(sw|service-worker)\.js$/.test(file);

/** gzip -9 of a buffer: what the server sends and what the size table reports. */
export const gzipSize = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

export async function startServer(dist, peer) {
  const cache = new Map(); // file -> { raw, gz, etag, mtime }
  async function load(file) {
    const st = await fs.stat(file);
    const hit = cache.get(file);
    if (hit && hit.mtime === st.mtimeMs) return hit;
    const raw = await fs.readFile(file);
    const gz = COMPRESS.has(path.extname(file)) ? zlib.gzipSync(raw, { level: 9 }) : null;
    const entry = { raw, gz, etag: `"${crypto.createHash('sha1').update(raw).digest('base64url').slice(0, 20)}"`, mtime: st.mtimeMs };
    cache.set(file, entry);
    return entry;
  }
  const counts = { requests: 0 };
  const server = http.createServer(async (req, res) => {
    counts.requests++;
    let pathname;
    try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { pathname = '/'; }
    const [root, rel] = peer && pathname.startsWith(PEER_PREFIX)
      ? [peer, pathname.slice(PEER_PREFIX.length)] : [dist, pathname];
    let file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) file = root + '/-'; // traversal: 404
    try {
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const { raw, gz, etag } = await load(file);
      const ext = path.extname(file);
      const headers = {
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        'Cache-Control': ext !== '.html' && !isServiceWorker(file) && HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ETag: etag,
        Vary: 'Accept-Encoding',
      };
      if (req.headers['if-none-match'] === etag) return res.writeHead(304, headers).end();
      const useGz = gz && /\bgzip\b/.test(req.headers['accept-encoding'] || '');
      if (useGz) headers['Content-Encoding'] = 'gzip';
      const body = useGz ? gz : raw;
      headers['Content-Length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('not found');
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, counts, close: () => { server.closeAllConnections(); server.close(); } };
}
