// Trunk post_build hook. In a release build it minifies wasm-bindgen's JS
// with terser (Trunk's own JS minifier cannot parse it) and renews that file's
// Subresource Integrity hash; then it adds a Content-Security-Policy.
//
// Trunk writes its loader as an inline module script whose text names the
// hashed file names, so the policy allows that one script by its SHA-256
// (computed here, after each build) and no other inline script. wasm needs
// 'wasm-unsafe-eval'; styles allow 'unsafe-inline' because the views set
// style attributes (heatmap boxes), which CSP counts as inline style.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { minify } from 'terser';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('post_build.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
const file = path.join(dir, 'index.html');
let html = fs.readFileSync(file, 'utf8');

// Minify: about 1.8 KB less gzipped. Trunk sets TRUNK_PROFILE to "release" for --release.
if (process.env.TRUNK_PROFILE === 'release') {
  // The scripts index.html loads (wasm-bindgen's), not the course page's (static/course-frames.js).
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.js') && html.includes(`"./${f}"`))) {
    const js = path.join(dir, name);
    const source = fs.readFileSync(js, 'utf8');
    const out = await minify(source, { module: true, compress: true, mangle: true });
    fs.writeFileSync(js, out.code);
    // The integrity attribute Trunk wrote is the old text's: renew it.
    const sri = `sha384-${crypto.createHash('sha384').update(out.code, 'utf8').digest('base64')}`;
    const tag = new RegExp(`(href="\\./${name.replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*(")`);
    if (!tag.test(html)) throw new Error(`post_build.mjs: no integrity attribute for ${name}`);
    html = html.replace(tag, `$1${sri}$2`);
  }
}
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, '');
const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) => `'sha256-${crypto.createHash('sha256').update(body, 'utf8').digest('base64')}'`,
);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
// Before any script, or it would not apply to them.
html = html.replace(/(<meta charset="?utf-8"?\s*\/?>)/i, `$1\n    ${meta}`);
if (!html.includes(meta)) throw new Error('post_build.mjs: no <meta charset="utf-8" /> to put the policy after');
fs.writeFileSync(file, html);
