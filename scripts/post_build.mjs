// Trunk post_build hook (Trunk 0.21 has no hook between cargo and
// wasm-bindgen, trunk#1022, so the split is redone here from rustc's wasm):
//
// 1. Split (feature `split`, index.html): wasm-split-cli cuts rustc's wasm
//    (linked with --emit-relocs, .cargo/config.toml) into the first screen's
//    module and the chunks of src/ui/lazy.rs and src/effects/figures.rs;
//    wasm-bindgen (--keep-lld-exports: the chunks link to the main module's
//    functions) and, in release, wasm-opt run again on the parts. Trunk's own
//    JS and wasm are replaced. The parts go in one folder named by their
//    content's hash, `app-<hash>/`, so a page never mixes files of two builds
//    and nothing inside them needs renaming.
// 2. Release: terser minifies the JS (Trunk's minifier cannot parse
//    wasm-bindgen's), the stylesheet is inlined in the page, and a service worker (sw.js) caches the page and every
//    part under a cache named by the build, so a second visit works offline.
//    `trunk serve` (development) has no service worker.
//    The gallery page (gallery.html and its pictures, scripts/gallery.rs) is
//    written here too; it carries its own policy.
// 3. A Content-Security-Policy with the hash of the one inline script (Trunk's
//    loader, with the worker's registration appended) and no other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('post_build.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
const release = process.env.TRUNK_PROFILE === 'release';
const file = path.join(dir, 'index.html');
let html = fs.readFileSync(file, 'utf8');

// wasm-opt: size first. The --enable flags accept rustc 1.95's output (../shared/TOOLCHAIN.md).
const WASM_OPT = [
  '-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', '--converge',
  '--low-memory-unused', '--zero-filled-memory', '--strip-debug', '--strip-producers',
  '--strip-target-features',
];
const sha384 = (bytes) => `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });

// Trunk's names: convscope-<hash>.js and convscope-<hash>_bg.wasm.
const trunkJs = fs.readdirSync(dir).find((f) => /^convscope-[0-9a-f]+\.js$/.test(f));
if (!trunkJs) throw new Error('post_build.mjs: no convscope-<hash>.js from Trunk');
const trunkWasm = trunkJs.replace(/\.js$/, '_bg.wasm');
let appDir = null; // the split build's folder, relative to dist

if (fs.readFileSync(path.join(dir, trunkJs), 'utf8').includes('__wasm_split_placeholder__')) {
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const raw = path.join(target, 'wasm32-unknown-unknown', release ? 'release' : 'debug', 'convscope.wasm');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convscope-split-'));
  try {
    const split = path.join(tmp, 'split');
    const out = path.join(tmp, 'app');
    run('wasm-split-cli', [raw, split, '--out-name', 'convscope']);
    run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-typescript',
      '--out-dir', out, '--out-name', 'convscope', path.join(split, 'convscope.wasm')]);
    for (const f of fs.readdirSync(split)) {
      if (f !== 'convscope.wasm') fs.copyFileSync(path.join(split, f), path.join(out, f));
    }
    for (const f of fs.readdirSync(out)) {
      const p = path.join(out, f);
      if (release && f.endsWith('.wasm')) run('wasm-opt', [...WASM_OPT, p, '-o', p]);
      if (release && f.endsWith('.js')) {
        fs.writeFileSync(p, (await minify(fs.readFileSync(p, 'utf8'), { module: true, compress: true, mangle: true })).code);
      }
    }
    const hash = crypto.createHash('sha256');
    for (const f of fs.readdirSync(out).sort()) hash.update(f).update(fs.readFileSync(path.join(out, f)));
    appDir = `app-${hash.digest('hex').slice(0, 16)}`;
    fs.rmSync(path.join(dir, appDir), { recursive: true, force: true });
    fs.cpSync(out, path.join(dir, appDir), { recursive: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(path.join(dir, trunkJs));
  fs.rmSync(path.join(dir, trunkWasm));
  // Trunk's loader and its preload links name the new parts.
  const js = `./${appDir}/convscope.js`;
  const wasm = `./${appDir}/convscope_bg.wasm`;
  const integrity = (p) => sha384(fs.readFileSync(path.join(dir, p)));
  html = html
    .replaceAll(`./${trunkJs}`, js)
    .replaceAll(`./${trunkWasm}`, wasm)
    .replace(new RegExp(`(href="${js.replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*(")`), `$1${integrity(js)}$2`)
    .replace(new RegExp(`(href="${wasm.replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*(")`), `$1${integrity(wasm)}$2`);
} else if (release) {
  // Not split: minify Trunk's JS and renew its integrity attribute.
  const js = path.join(dir, trunkJs);
  const code = (await minify(fs.readFileSync(js, 'utf8'), { module: true, compress: true, mangle: true })).code;
  fs.writeFileSync(js, code);
  const tag = new RegExp(`(href="\\./${trunkJs.replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*(")`);
  if (!tag.test(html)) throw new Error(`post_build.mjs: no integrity attribute for ${trunkJs}`);
  html = html.replace(tag, `$1${sha384(code)}$2`);
}

if (release) {
  // The first screen, prerendered by Yew's server renderer (scripts/snapshot.rs, run
  // natively): shown before any script or wasm loads, inert until the app replaces it
  // (effects/snapshot.rs). It carries none of the DOM contract's data-matrix/data-value
  // attributes (tests and scripts read the live app only); its grids are named by data-snap.
  const out = execFileSync('cargo', ['run', '--quiet', '--features', 'ssr', '--bin', 'snapshot'], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20,
  });
  const { head, body } = JSON.parse(out);
  const snapshot = body.replaceAll(' data-matrix="', ' data-snap="').replace(/ data-value="[^"]*"/g, '');
  if (/data-matrix=|data-value=/.test(snapshot)) throw new Error('post_build.mjs: the snapshot kept a data-matrix or data-value');
  // The boot script runs before the stylesheet and the body: a link's, a stored or an
  // embedded page never shows the default example's numbers (static/style.css, data-boot).
  // (Replacement functions: the HTML may hold "$" patterns that a replacement string would expand.)
  html = html.replace(/(<title>[\s\S]*?<\/title>)/, (title) => `${title}\n    <script>${head}</script>`);
  html = html.replace(/<body>/, () => `<body>\n    <div data-snapshot="" inert="" aria-busy="true">${snapshot}</div>`);

  // The stylesheet goes inside the page (#21, first paint): linked, it was a
  // second request before anything could be drawn, one round trip more (60 ms
  // on 4G, 150 ms on 3G) for about 8 KB gzipped. The policy allows inline
  // styles ('unsafe-inline' in style-src: Yew sets style attributes). The
  // file stays for other pages that link it.
  const sheet = html.match(/<link rel="stylesheet" href="\.\/(style-[0-9a-f]+\.css)"[^>]*\/?>/);
  if (!sheet) throw new Error('post_build.mjs: no stylesheet link from Trunk to inline');
  const css = fs.readFileSync(path.join(dir, sheet[1]), 'utf8');
  if (/<\/style/i.test(css)) throw new Error(`post_build.mjs: ${sheet[1]} holds "</style", which would end the inline style`);
  html = html.replace(sheet[0], () => `<style>${css}</style>`);

  // The convolution-arithmetic gallery (#24): gallery.html and its pictures
  // (gallery/*.gif, *.svg), drawn natively by scripts/gallery.rs from the model
  // (built with the snapshot's features, so the two share one native build).
  execFileSync('cargo', ['run', '--quiet', '--features', 'ssr', '--bin', 'gallery', '--', dir], {
    cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Its icon is the app's, under Trunk's hashed name.
  const icon = fs.readdirSync(dir).find((f) => /^favicon-[0-9a-f]+\.svg$/.test(f));
  const galleryFile = path.join(dir, 'gallery.html');
  if (icon) fs.writeFileSync(galleryFile, fs.readFileSync(galleryFile, 'utf8').replace('href="favicon.svg"', () => `href="${icon}"`));

  // The service worker: every file of this build, under a cache named by it.
  // The gallery's pictures (about 1 MB) are not fetched ahead: the worker keeps
  // each one the first time the gallery shows it (static/sw.js).
  const files = [];
  const walk = (d) => {
    for (const f of fs.readdirSync(path.join(dir, d)).sort()) {
      const rel = d ? `${d}/${f}` : f;
      if (rel === 'gallery') continue;
      if (fs.statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else if (rel !== 'sw.js' && rel !== 'index.html') files.push(`./${rel}`);
    }
  };
  walk('');
  const build = crypto.createHash('sha256');
  for (const f of files) build.update(f).update(fs.readFileSync(path.join(dir, f)));
  build.update(html);
  const cache = `convscope-${build.digest('hex').slice(0, 16)}`;
  const worker = fs.readFileSync(path.join(ROOT, 'static/sw.js'), 'utf8')
    .replace('__CACHE__', cache)
    .replace("['__FILES__']", JSON.stringify(['./', './index.html', ...files]));
  fs.writeFileSync(path.join(dir, 'sw.js'), worker);
  // The boot script names this build's cache: a page of the build the worker holds
  // whole does not draw the snapshot (src/effects/snapshot.rs, WARM_KEY).
  if (!html.includes('__BUILD__')) throw new Error('post_build.mjs: the boot script has no __BUILD__ to name the cache');
  html = html.replaceAll('__BUILD__', cache);
  // Registered once the page has loaded, so it never competes with the first screen.
  // (This runs after the loader's await: the load event may already be past.)
  const register =
    "if ('serviceWorker' in navigator) { const sw = () => navigator.serviceWorker.register('./sw.js').catch(() => {}); " +
    "if (document.readyState === 'complete') sw(); else addEventListener('load', sw); }\n";
  html = html.replace(/(<script type="module">)([\s\S]*?)(<\/script>)/, (_, open, body, close) =>
    `${open}${body}${register}${close}`);
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
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
// Before any script, or it would not apply to them.
html = html.replace(/(<meta charset="?utf-8"?\s*\/?>)/i, `$1\n    ${meta}`);
if (!html.includes(meta)) throw new Error('post_build.mjs: no <meta charset="utf-8" /> to put the policy after');
fs.writeFileSync(file, html);
