// The gallery page's rows of the browser benchmark (#24): what gallery.html
// costs a learner who follows a course's link to it.
//
//   size         gallery.html and gallery.css gzipped (-9, as benches/serve.mjs
//                sends them), and the pictures (gallery/*.gif, *.svg) raw: GIF
//                and SVG as fetched when scrolled to (the <img> are lazy).
//   first paint  cold loads (fresh context, empty cache, no service worker) on
//                localhost and on 3G (CDP network emulation, PROFILES of
//                benches/loading.mjs): the browser's first-contentful-paint entry,
//                and the first card's picture decoded (its `img.complete`), both
//                from performance.now() in the page, whose origin is navigation start.
import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSize } from './serve.mjs';
import { PROFILES } from './loading.mjs';

// Resolves with { fcp, picture } once both are known (polled in the page).
function probe() {
  return new Promise((resolve) => {
    const tick = () => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      const img = document.querySelector('[data-figure] img');
      if (img?.complete && img.naturalWidth > 0 && !window.__picture) window.__picture = performance.now();
      if (fcp !== undefined && window.__picture !== undefined) resolve({ fcp, picture: window.__picture });
      else setTimeout(tick, 10);
    };
    tick();
  });
}

/** The rows: `[{ kase, metric, values, unit }]`; `values` is a list of numbers or a string. */
export async function galleryRows({ browser, serverUrl, dist, runs, log = console.error }) {
  const out = [];
  const html = await fs.readFile(path.join(dist, 'gallery.html')).catch(() => null);
  if (!html) return [{ kase: 'gallery', metric: 'size', values: 'no gallery.html in the build' }];
  const css = await fs.readFile(path.join(dist, 'gallery.css'));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  out.push({ kase: 'gallery', metric: 'gallery.html gzipped', values: `${kb(gzipSize(html))} (${kb(html.length)} raw)` });
  out.push({ kase: 'gallery', metric: 'gallery.css gzipped', values: kb(gzipSize(css)) });
  const pictures = await fs.readdir(path.join(dist, 'gallery'));
  for (const ext of ['gif', 'svg']) {
    let total = 0;
    let gz = 0;
    for (const f of pictures.filter((p) => p.endsWith(`.${ext}`))) {
      const bytes = await fs.readFile(path.join(dist, 'gallery', f));
      total += bytes.length;
      gz += gzipSize(bytes);
    }
    out.push({ kase: 'gallery', metric: `${ext.toUpperCase()} pictures (${pictures.filter((p) => p.endsWith(ext)).length})`,
      values: `${kb(total)} raw, ${kb(gz)} gzipped` });
  }
  for (const profile of [PROFILES[0], PROFILES[2]]) {
    const fcp = [];
    const picture = [];
    for (let r = 0; r < runs; r++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
      try {
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        if (profile.conditions) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.conditions });
        await page.goto(`${serverUrl}/gallery.html`, { waitUntil: 'commit' });
        const times = await page.evaluate(probe);
        fcp.push(times.fcp);
        picture.push(times.picture);
      } catch (e) {
        log(`gallery ${profile.name}, run ${r + 1}: ${e.message.split('\n')[0]}`);
      } finally {
        await context.close().catch(() => {});
      }
    }
    out.push({ kase: `gallery, ${profile.name}`, metric: 'first paint (FCP)', values: fcp });
    out.push({ kase: `gallery, ${profile.name}`, metric: 'first card\'s picture shown', values: picture });
  }
  return out;
}
