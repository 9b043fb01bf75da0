#!/usr/bin/env node
// Browser benchmark for ConvScope: measures what a learner waits for, in Debian's
// Chromium driven by playwright-core, and prints a markdown table. It is not a
// test: it never fails on a slow number, it exits non-zero only if our page
// cannot be loaded at all.
//
//   node benches/browser.mjs [--dist DIR] [--peer DIR] [--runs 7] [--only loading|image] [--cpu 1,4]
//
//   --dist  the built site to measure (default: dist/, from `trunk build --release`)
//   --peer  ezyang's convolution-visualizer, built (its gh-pages branch), served at
//           /convolution-visualizer/ because its pages use absolute paths there
//           (default /work/peer/convolution-visualizer; rows skipped if absent)
//   --runs  cold loads per app for the first-render and loading rows (default 7)
//   --only  loading: only the loading rows (and the step at 4x); image: only case (f);
//           network: only case (h); gallery: only the gallery page's rows;
//           step: only the step at CPU 4x on 3x64x64 with 16 filters
//   --cpu   the CPU slowdowns of the loading rows (default 1,4)
//
// The server (benches/serve.mjs) sends gzip and real caching headers, as a host does.
//
// Rows (every time is measured inside the page with performance.now(), whose
// origin is the navigation start, so Node<->browser latency is not counted):
//   first render      cold load (fresh context, empty cache) to the first output
//                     cell in the DOM: ours `[data-matrix="output"]`, the peer's
//                     first <td> of its third grid (Output); then the ratio of medians.
//   open              a `#config=` link with a generated problem (values -3..3, fixed
//                     seed) to the current output cell (`aria-current="true"`);
//                     "refused: ..." when the app shows a role="alert" instead.
//   step (ArrowRight) keydown to the next animation frame after the current cell
//                     moved (30 presses): the player's repaint.
//   edit (weight)     `input` event of weight[0,0,0,0] to the next animation frame
//                     after the view changed (DOM mutation in section.view or the
//                     output, or a 2D canvas draw call), 20 edits alternating 1/2.
//   JS heap / wasm memory  after the case is open and a forced GC: V8's used heap
//                     (CDP Performance.getMetrics) and the wasm linear memory,
//                     captured by wrapping WebAssembly.instantiate(Streaming).
//   step at CPU 4x    the step row on 3x64x64 with 16 filters, CPU slowed 4x
//                     (Emulation.setCPUThrottlingRate), as #21 asks.
//   network (#22)     an 8-layer stack on 3x64x64 with 16 channels (seeded weights):
//                     a link to its last layer's maps drawn (3 cold loads); a click on a
//                     cell of the last layer to the next frame after the receptive marks
//                     are drawn in the input's section (20 cells; the click is dispatched
//                     with the pointer away, since pointing marks the cell first); the
//                     pointer moved onto a cell from over no map, to the same (20); a new seed for
//                     layer 1's weights to the next frame after the maps are redrawn (20).
//   loading table     (benches/loading.mjs, issue #21) cold loads on localhost, 4G and
//                     3G (CDP network emulation), at CPU 1x and 4x: first paint (the
//                     first result cell visible, snapshot or live), interactive (typing
//                     into a weight cell changed the output), bytes on the wire; second
//                     visits on 3G and offline (every tab and mode); sizes of the main
//                     wasm and of each other .wasm/.js, gzipped. See that file's header.
//   gallery (#24)     (benches/gallery.mjs) gallery.html's size gzipped and its pictures';
//                     cold first paint and first picture on localhost and 3G.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { png } from '../tests/e2e/png.mjs';
import { PEER_PREFIX, startServer } from './serve.mjs';
import { loadingRows } from './loading.mjs';
import { galleryRows } from './gallery.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const DIST_ARG = path.resolve(arg('dist', path.join(ROOT, 'dist')));
let DIST = DIST_ARG; // replaced by a snapshot in main()
const PEER = path.resolve(arg('peer', '/work/peer/convolution-visualizer'));
const RUNS = Math.max(1, parseInt(arg('runs', '7'), 10) || 7);
// --only image: just the image-mode case (f), for working on it;
// --only loading: just the loading rows (benches/loading.mjs) and the step at 4x.
const ONLY = arg('only', '');
// --cpu 1,4: the CPU slowdowns of the loading rows (default both).
const CPU = arg('cpu', '1,4').split(',').map(Number).filter((x) => x >= 1);
const CASE_TIMEOUT = 30_000;

// --- in-page instruments (serialised into the page by addInitScript) ---------

// Records performance.now() when each selector first matches. A MutationObserver
// callback runs in the same task as the DOM change, so this is when the app put it there.
function pageInstruments({ sels, wasm, canvas }) {
  const marks = (window.__marks = {});
  const pending = Object.entries(sels || {});
  const mo = new MutationObserver(() => {
    for (let i = pending.length - 1; i >= 0; i--) {
      if (document.querySelector(pending[i][1])) { marks[pending[i][0]] = performance.now(); pending.splice(i, 1); }
    }
    if (!pending.length) mo.disconnect();
  });
  if (pending.length) mo.observe(document, { childList: true, subtree: true, attributes: true });
  if (wasm) {
    // Trunk 0.21's loader passes init()'s exports (memory included) in this event;
    // other loaders keep no handle, so also catch the instance on its way out.
    const keep = (r) => { const inst = r instanceof WebAssembly.Instance ? r : r && r.instance; if (inst && inst.exports.memory) window.__wasmMemory = inst.exports.memory; return r; };
    for (const k of ['instantiate', 'instantiateStreaming']) {
      const orig = WebAssembly[k];
      if (orig) WebAssembly[k] = function (...a) { return orig.apply(this, a).then(keep); };
    }
    addEventListener('TrunkApplicationStarted', (e) => { const m = e.detail && e.detail.wasm && e.detail.wasm.memory; if (m) window.__wasmMemory = m; });
  }
  if (canvas) {
    // A grid drawn on canvas changes no DOM node; count a draw call as a repaint.
    window.__canvasDraw = () => {};
    const P = CanvasRenderingContext2D.prototype;
    for (const k of ['fillRect', 'fillText', 'putImageData', 'drawImage', 'stroke', 'fill', 'clearRect']) {
      const orig = P[k];
      P[k] = function (...a) { window.__canvasDraw(); return orig.apply(this, a); };
    }
  }
}

// In the page: `window.__edit` resolves with the time from the next `event`
// (captured before the app hears it) to the frame after the first canvas draw
// it causes, or null after 5 s. Needs the `canvas` instrument.
function armCanvasRedraw(event) {
  window.__edit = new Promise((resolve) => {
    let t0 = null;
    window.addEventListener(event, () => { t0 = performance.now(); }, { capture: true, once: true });
    window.__canvasDraw = () => {
      if (t0 === null) return;
      const start = t0;
      t0 = null;
      requestAnimationFrame(() => resolve(performance.now() - start));
    };
    setTimeout(() => resolve(null), 5000);
  });
}

// --- helpers ----------------------------------------------------------------

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function makeDoc(c, hw, f, view) {
  const rnd = mulberry32(c * 1000 + hw * 10 + f); // same numbers in every run and view
  const t = (...dims) => dims.length ? Array.from({ length: dims[0] }, () => t(...dims.slice(1))) : Math.floor(rnd() * 7) - 3;
  const doc = { input: t(c, hw, hw), weight: t(f, c, 3, 3), padding: 1 };
  if (view !== 'forward') doc.view = view; // forward is the default: keep the link as a user would have it
  return doc;
}
const hashOf = (doc) => '#config=' + encodeURIComponent(JSON.stringify(doc));
const currentSel = (view) => view === 'backprop' ? '[data-matrix][aria-current="true"]' : '[data-matrix="output"][aria-current="true"]';

class Timeout extends Error {}
function withTimeout(promise, ms = CASE_TIMEOUT) {
  let timer;
  return Promise.race([promise, new Promise((_, no) => { timer = setTimeout(() => no(new Timeout('timeout')), ms); })])
    .finally(() => clearTimeout(timer));
}

const rows = [];
function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2, p95: at(0.95), min: s[0], max: s.at(-1), n: s.length };
}
function row(kase, metric, values, unit = 'ms') {
  if (typeof values === 'string') return rows.push([kase, metric, values, '', '', '', '']);
  if (!values.length) return rows.push([kase, metric, 'no data', '', '', '', '']);
  const st = stats(values);
  const f = (v) => `${v.toFixed(unit === 'MB' ? 2 : 1)} ${unit}`;
  rows.push([kase, metric, f(st.median), f(st.p95), f(st.min), f(st.max), String(st.n)]);
  return st;
}

// --- the run ----------------------------------------------------------------

let browser, server;
async function main() {
  try { await fs.access(path.join(DIST_ARG, 'index.html')); } catch {
    console.error(`${DIST_ARG}/index.html is missing: run \`trunk build --release\` first.`);
    return 1;
  }
  // Measure one build: a `trunk build` during the run would swap the hashed file
  // names under the server and break every page after it.
  DIST = await fs.mkdtemp(path.join(os.tmpdir(), 'convscope-bench-'));
  await fs.cp(DIST_ARG, DIST, { recursive: true });
  let peer = PEER;
  try { await fs.access(path.join(PEER, 'index.html')); } catch {
    console.log(`notice: no peer at ${PEER} (index.html missing): peer rows skipped.`);
    peer = null;
  }
  server = await startServer(DIST, peer);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--no-sandbox'],
  });
  const ours = `${server.url}/index.html`;

  // A fresh context per page: cold cache, no localStorage (the peer restores state from it).
  // cpu: a CPU slowdown (CDP Emulation.setCPUThrottlingRate), set before the navigation.
  async function open(url, instruments, fn, cpu = 1) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      if (cpu !== 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: cpu });
      await page.addInitScript(pageInstruments, instruments);
      // 'commit' is enough since the times are taken in the page; `load` would also
      // wait for the peer's external GitHub ribbon image, unreachable offline.
      await page.goto(url, { waitUntil: 'commit' });
      return await withTimeout(fn(page));
    } finally {
      await context.close().catch(() => {});
    }
  }
  const waitMark = (page, names) =>
    page.waitForFunction((ns) => ns.some((n) => window.__marks[n] !== undefined), names, { timeout: CASE_TIMEOUT, polling: 50 })
      .then(() => page.evaluate(() => window.__marks));

  // (a) first render, ours and the peer alternating so drift hits both alike.
  const first = { ours: [], peer: [] };
  const all = ONLY === '';
  const legacy = ONLY === '' || ONLY === 'image'; // the rows before #21's loading rows
  const apps = [['ours', ours, '[data-matrix="output"]']];
  if (peer) apps.push(['peer', `${server.url}${PEER_PREFIX}`, '.viewport > .grid-container:nth-of-type(3) td']);
  for (let r = 0; r < (all ? RUNS : legacy ? 1 : 0); r++) {
    for (const [who, url, sel] of apps) {
      try {
        const marks = await open(url, { sels: { cell: sel } }, (page) => waitMark(page, ['cell']));
        first[who].push(marks.cell);
      } catch (e) {
        console.error(`first render ${who}, run ${r + 1}: ${e.message.split('\n')[0]}`);
      }
    }
  }
  if (legacy && !first.ours.length) {
    console.error('our page never rendered an output cell: is dist/ a working build?');
    return 1;
  }
  const a = legacy && row('default example (ours)', 'first render', first.ours);
  if (legacy && peer) {
    const b = row('default example (peer)', 'first render', first.peer);
    if (b) row('default example', 'first render ratio ours/peer (medians)', `${(a.median / b.median).toFixed(2)}x`);
  }

  const cases = all ? [
    { c: 3, hw: 32, f: 8, views: ['forward', 'im2col', 'backprop'] },
    { c: 3, hw: 64, f: 16, views: ['forward', 'im2col', 'backprop'] },
  ] : [];
  const label = (k, view) => `${k.c}x${k.hw}x${k.hw}, ${k.f} filters 3x3, ${view}`;
  // Opens a case; returns { page, refused } to fn, or the alert text if refused.
  const openCase = (k, view, instruments, fn, cpu = 1) =>
    open(ours + hashOf(makeDoc(k.c, k.hw, k.f, view)),
      { sels: { current: currentSel(view), alert: '[role="alert"]' }, ...instruments },
      async (page) => {
        const marks = await waitMark(page, ['current', 'alert']);
        // Let a same-frame alert (a link refused, defaults shown) show up too.
        await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 50))));
        const alert = await page.locator('[role="alert"]').first();
        if (await alert.count()) {
          // The alert's text without its dismiss button's "×".
          const text = await alert.evaluate((el) => { const c = el.cloneNode(true); c.querySelectorAll('button').forEach((b) => b.remove()); return c.textContent; });
          return { refused: text.replace(/\s+/g, ' ').trim().slice(0, 140) };
        }
        return fn ? fn(page, marks) : marks;
      }, cpu);
  // fn fills `times` as it goes, so a case that runs out of time still reports what it measured.
  const runCase = async (name, metric, fn, unit) => {
    const times = [];
    try {
      const r = await fn(times);
      if (r && r.refused) row(name, metric, `refused: ${r.refused}`);
      else row(name, metric, times, unit);
    } catch (e) {
      const why = e instanceof Timeout || /Timeout/i.test(e.message) ? 'timeout' : `error: ${e.message.split('\n')[0].slice(0, 100)}`;
      if (times.length) row(name, `${metric} (partial: ${why})`, times, unit);
      else row(name, metric, why);
    }
  };

  // (b) opening a big problem from a link: 3 cold loads each.
  for (const [k, views] of all ? [[cases[0], ['forward']], [cases[1], cases[1].views]] : []) {
    for (const view of views) {
      await runCase(label(k, view), 'open link to current cell', async (times) => {
        for (let r = 0; r < 3; r++) {
          const m = await openCase(k, view, {});
          if (m.refused) return m; // deterministic: no point in loading it again
          times.push(m.current);
        }
      });
    }
  }

  // (c) keyboard step repaint: 30 ArrowRight presses on the focused page body.
  const stepCase = (k, view, cpu = 1) => runCase(`${label(k, view)}${cpu !== 1 ? `, CPU ${cpu}x` : ''}`, 'step (ArrowRight) to next frame', (times) => openCase(k, view, {}, async (page) => {
    await page.click('header h1'); // focus the page, not a field (fields keep their arrows)
    for (let i = 0; i < 30; i++) {
      await page.evaluate((sel) => {
        window.__step = new Promise((resolve) => {
          const id = () => { const el = document.querySelector(sel); return el && `${el.dataset.matrix}[${el.dataset.index}]`; };
          let t0 = null, before = null;
          const mo = new MutationObserver(() => check());
          const check = () => {
            if (t0 === null || id() === before) return;
            mo.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          };
          // Capture on window runs before the app's own keydown listener on document.
          window.addEventListener('keydown', (e) => { if (e.key === 'ArrowRight') { t0 = performance.now(); before = id(); } }, { capture: true, once: true });
          mo.observe(document, { attributes: true, childList: true, subtree: true });
          setTimeout(() => { mo.disconnect(); resolve(null); }, 5000);
        });
      }, currentSel(view));
      await page.keyboard.press('ArrowRight');
      const t = await page.evaluate(() => window.__step);
      if (t === null) throw new Error(`press ${i + 1}: the current cell did not move`);
      times.push(t);
    }
  }, cpu));
  for (const k of cases) {
    for (const view of k.views) await stepCase(k, view);
  }

  // (d) edit repaint: retype weight[0,0,0,0] 20 times, alternating so each edit changes the result.
  const W = 'input[data-matrix="weight"][data-index="0,0,0,0"]';
  for (const k of cases) {
    for (const view of k.views) {
      await runCase(label(k, view), 'edit weight to next frame', (times) => openCase(k, view, { canvas: true }, async (page) => {
        let value = (await page.inputValue(W)).trim() === '1' ? 2 : 1;
        for (let i = 0; i < 20; i++, value = 3 - value) {
          await page.evaluate(() => {
            window.__edit = new Promise((resolve) => {
              let t0 = null;
              const done = () => {
                if (t0 === null) return;
                t0 = null; // only the first change counts
                mo.disconnect();
                const start = window.__editStart;
                requestAnimationFrame(() => resolve(performance.now() - start));
              };
              const mo = new MutationObserver((recs) => {
                for (const r of recs) {
                  const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
                  if (el && el.closest('section.view, [data-matrix="output"]')) return done();
                }
              });
              window.__canvasDraw = () => done();
              window.addEventListener('input', () => { t0 = window.__editStart = performance.now(); }, { capture: true, once: true });
              mo.observe(document, { attributes: true, childList: true, subtree: true, characterData: true });
              setTimeout(() => { mo.disconnect(); resolve(null); }, 5000);
            });
          });
          await page.click(W);
          await page.keyboard.press('Control+A');
          await page.keyboard.type(String(value));
          const t = await page.evaluate(() => window.__edit);
          if (t === null) throw new Error(`edit ${i + 1}: the view did not change`);
          times.push(t);
        }
      }));
    }
  }

  // (f) image mode: a 512x512 RGB picture (generated PNG, opened through the
  // picker as a learner does) with one 3x3x3 filter: decode to the first
  // feature map drawn, then 20 weight edits to the next frame after the map
  // is redrawn (putImageData), 3 pages.
  const pictureCase = '512x512 RGB picture, 1 filter 3x3x3, image view';
  const picture = legacy && png(512, 512, 3, (i, j) => [(i * 3 + j) % 256, (j * 5) % 256, ((i ^ j) * 7) % 256]);
  const sobel = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];
  const pictureDoc = { image: 'checkerboard', weight: [[sobel, sobel, sobel]], padding: 1, view: 'image' };
  const decodeTimes = [];
  if (legacy) await runCase(pictureCase, 'edit weight to next frame (map redrawn)', async (times) => {
    for (let r = 0; r < 3; r++) {
      await open(ours + hashOf(pictureDoc), { sels: { map: 'canvas[data-feature-map="0"]' }, canvas: true }, async (page) => {
        await waitMark(page, ['map']);
        await page.evaluate(() => {
          window.__decoded = new Promise((resolve) => {
            let t0 = null;
            window.addEventListener('change', () => { t0 = performance.now(); }, { capture: true, once: true });
            window.__canvasDraw = () => {
              if (t0 !== null && document.querySelector('canvas[data-feature-map="0"][data-shape="512,512"]')) {
                window.__canvasDraw = () => {};
                requestAnimationFrame(() => resolve(performance.now() - t0));
              }
            };
            setTimeout(() => resolve(null), 20000);
          });
        });
        await page.setInputFiles('.image-view input[type="file"]', { name: 'picture.png', mimeType: 'image/png', buffer: picture });
        const d = await page.evaluate(() => window.__decoded);
        if (d === null) throw new Error('the 512x512 picture was never drawn');
        decodeTimes.push(d);
        let value = 2;
        for (let i = 0; i < 20; i++, value = 3 - value) {
          await page.evaluate(armCanvasRedraw, 'input');
          await page.click(W);
          await page.keyboard.press('Control+A');
          await page.keyboard.type(String(value));
          const t = await page.evaluate(() => window.__edit);
          if (t === null) throw new Error(`edit ${i + 1}: the map was not redrawn`);
          times.push(t);
        }
      });
    }
  });
  if (legacy) row(pictureCase, 'open the PNG to the first feature map drawn', decodeTimes.length ? decodeTimes : 'not measured');

  // (h) the network view (#22): 8 layers on 3x64x64, 16 channels.
  if (all || ONLY === 'network') {
    const net = makeDoc(3, 64, 16, 'network');
    delete net.padding;
    const conv = (seed, c) => ({ op: 'conv2d', weight: { seed, shape: [16, c, 3, 3] }, bias: true, padding: 1 });
    net.layers = [conv(1, 3), { op: 'relu' }, conv(2, 16), { op: 'relu' }, { op: 'max_pool2d', kernel_size: 2 },
      conv(3, 16), { op: 'relu' }, { op: 'max_pool2d', kernel_size: 2 }];
    delete net.weight; // a network document may leave the single op's weight out
    const name = '8 layers on 3x64x64, 16 channels, network view';
    const lastMaps = 'section[data-layer-output="8"] canvas';
    const openNet = (fn) => open(ours + hashOf(net), { sels: { maps: lastMaps, alert: '[role="alert"]' }, canvas: true }, async (page) => {
      const marks = await waitMark(page, ['maps', 'alert']);
      if (marks.maps === undefined) return { refused: await page.locator('[role="alert"]').first().innerText() };
      return fn ? fn(page, marks) : marks;
    });
    await runCase(name, 'open link to the last layer drawn', async (times) => {
      for (let r = 0; r < 3; r++) {
        const m = await openNet(null);
        if (m.refused) return m;
        times.push(m.maps);
      }
    });
    // Resolves window.__mark with the time from the next `event` (capture phase, so
    // before the app sees it) to the frame after the input's first receptive box.
    const armMark = (page, event) => page.evaluate((event) => {
      window.__mark = new Promise((resolve) => {
        let t0 = null;
        const mo = new MutationObserver(() => {
          if (t0 === null || !document.querySelector('section[data-layer-output="0"] .overlay.receptive')) return;
          mo.disconnect();
          const start = t0;
          t0 = null;
          requestAnimationFrame(() => resolve(performance.now() - start));
        });
        window.addEventListener(event, () => { t0 = performance.now(); }, { capture: true, once: true });
        mo.observe(document, { attributes: true, childList: true, subtree: true });
        setTimeout(() => { mo.disconnect(); resolve(null); }, 5000);
      });
    }, event);
    const settle = (page) => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0))));
    // The pointer on the page's title, over no map: pointing at a cell marks it as a selection does.
    const pointerAway = (page) => page.mouse.move(2, 2);
    await runCase(name, 'select a cell to its receptive field drawn', (times) => openNet(async (page) => {
      const map = page.locator(lastMaps).first();
      for (let i = 0; i < 20; i++) {
        // Clear the last selection first (and let it settle), so every click draws the marks anew.
        const clear = page.locator('button.clear-probe');
        if (await clear.count()) {
          await clear.click();
          await settle(page);
        }
        // Clicked where the map is on screen (the page scrolls to it, as a learner does), with no
        // pointer move first: moving onto the cell would mark it before the click (see 'point').
        await map.scrollIntoViewIfNeeded();
        await pointerAway(page);
        await settle(page);
        const box = await map.boundingBox();
        await armMark(page, 'click');
        await page.evaluate(([x, y]) => document.elementFromPoint(x, y)
          .dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0 })),
        [box.x + box.width * (0.2 + 0.03 * i), box.y + box.height * (0.3 + 0.02 * i)]);
        const t = await page.evaluate(() => window.__mark);
        if (t === null) throw new Error(`click ${i + 1}: no receptive field was drawn on the input`);
        times.push(t);
      }
    }));
    await runCase(name, 'point at a cell to its receptive field drawn', (times) => openNet(async (page) => {
      const map = page.locator(lastMaps).first();
      await map.scrollIntoViewIfNeeded();
      const box = await map.boundingBox();
      for (let i = 0; i < 20; i++) {
        // From over no map (no marks) onto a cell, in one move.
        await pointerAway(page);
        await settle(page);
        await armMark(page, 'mousemove');
        await page.mouse.move(box.x + box.width * (0.2 + 0.03 * i), box.y + box.height * (0.3 + 0.02 * i));
        const t = await page.evaluate(() => window.__mark);
        if (t === null) throw new Error(`point ${i + 1}: no receptive field was drawn on the input`);
        times.push(t);
      }
    }));
    await runCase(name, 'new seed for layer 1 to every map redrawn', (times) => openNet(async (page) => {
      const seed = 'li[data-layer-editor="1"] label:has-text("seed") input';
      for (let i = 0; i < 20; i++) {
        // Every layer's maps are drawn in the same task: the next frame follows them all.
        await page.evaluate(armCanvasRedraw, 'change');
        await page.fill(seed, String(10 + i));
        await page.press(seed, 'Tab');
        const t = await page.evaluate(() => window.__edit);
        if (t === null) throw new Error(`seed ${i + 1}: the maps were not redrawn`);
        times.push(t);
      }
    }));
  }

  // (e) memory with the case open, after a forced GC so garbage does not count.
  for (const k of cases) {
    for (const view of ['forward', 'backprop']) {
      const wasm = [];
      let refused = null;
      await runCase(label(k, view), 'JS heap used', async (heap) => {
        for (let r = 0; r < 3; r++) {
          const m = await openCase(k, view, { wasm: true }, async (page) => {
            const cdp = await page.context().newCDPSession(page);
            await cdp.send('HeapProfiler.collectGarbage');
            await cdp.send('Performance.enable');
            const { metrics } = await cdp.send('Performance.getMetrics');
            heap.push(metrics.find((x) => x.name === 'JSHeapUsedSize').value / 2 ** 20);
            const bytes = await page.evaluate(() => window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null);
            if (bytes !== null) wasm.push(bytes / 2 ** 20);
          });
          if (m && m.refused) return (refused = m);
        }
      }, 'MB');
      if (refused) row(label(k, view), 'wasm memory', `refused: ${refused.refused}`);
      else row(label(k, view), 'wasm memory', wasm.length ? wasm : 'not found', 'MB');
    }
  }

  // (g) loading (#21): cold and second visits on three networks, at CPU 1x and 4x
  // (benches/loading.mjs), and the step at 4x on the big case.
  let loading = '';
  if (ONLY === 'step') await stepCase({ c: 3, hw: 64, f: 16 }, 'forward', 4);
  if (all || ONLY === 'loading') {
    if (CPU.includes(4)) await stepCase({ c: 3, hw: 64, f: 16 }, 'forward', 4);
    loading = await loadingRows({ browser, serverUrl: server.url, peer, runs: RUNS, dist: DIST, cpuRates: CPU });
  }

  // (i) the gallery page (#24).
  if (all || ONLY === 'gallery') {
    for (const r of await galleryRows({ browser, serverUrl: server.url, dist: DIST, runs: RUNS })) {
      row(r.kase, r.metric, r.values);
    }
  }

  console.log(`\nConvScope browser benchmark: dist=${DIST_ARG}, peer=${peer ?? '(none)'}, chromium ${browser.version()}\n`);
  console.log('| case | metric | median | p95 | min | max | n |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`);
  if (loading) console.log(`\n${loading}`);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(e);
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  if (DIST !== DIST_ARG) await fs.rm(DIST, { recursive: true, force: true });
}
process.exit(code);
