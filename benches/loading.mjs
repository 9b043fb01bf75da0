// Loading rows of the browser benchmark (issue #21): what a learner waits for on a
// real network, ours against the peer, cold and on a second visit. Used by
// benches/browser.mjs (`--only loading` runs just these rows).
//
// For each CPU rate (1x, then 4x through Emulation.setCPUThrottlingRate) and each
// network profile (CDP Network.emulateNetworkConditions on the page's own session,
// set before the navigation), RUNS alternating cold loads (a fresh context each:
// empty cache, no storage, no service worker yet) of ours and the peer:
//   first paint   performance.now() (origin: the navigation start) at the first
//                 animation frame where the first result cell exists with a non-empty
//                 box. Ours: the snapshot's `[data-snapshot] [data-snap="output"]` cell
//                 or the live `td[data-matrix="output"]`, whichever comes first; the
//                 peer: the first <td> of its third grid (Output). Both are polled by
//                 the same init script every requestAnimationFrame.
//   interactive   ours: from the start of the load, as soon as the live
//                 weight[0,0,0,0] input exists outside any [inert] subtree, click it,
//                 select all and type a new value as a person does (Playwright's mouse
//                 and keyboard); retried until the output's first cell changes; the time
//                 is when the page saw that change (a MutationObserver). It includes the
//                 few CDP round trips of the typing (a few ms on localhost). The peer is
//                 interactive when rendered: its interactive is its first render.
//   live          ours: when the live weight input first stood outside any [inert]
//                 subtree with a box (the app rendered, its handlers attached):
//                 interactive less the typing's own CDP round trips (pointerdown
//                 comes 10-70 ms after it on localhost), comparable to the peer's
//                 first render, which is when the peer is interactive.
//   bytes         the sum of encodedDataLength of CDP Network.loadingFinished for the
//                 page's requests that finished by then (the ribbon image the peer
//                 links from camo.githubusercontent.com is counted if it loads).
// Second visit (per app and CPU rate): in one context, load once unthrottled, wait
// until a service worker controls the page or 3 s pass (and, if one is installing,
// until it is active), then (a) 3G: open the app again in a new tab of that context
// (a second visit; a reload would revalidate every subresource) and measure as above;
// (b) offline (context.setOffline plus CDP offline): open it again; did it open, how
// many same-origin requests failed, and for ours every view tab, practice and image
// mode, each opened with no failed request and no retry shown.
//
// Service workers and throttling, as observed in Chromium 156: the page session's
// Network.emulateNetworkConditions throttles the page's requests, including the
// navigation. A response the service worker answers from its cache arrives without
// the emulated latency or bandwidth (encodedDataLength 0; a second visit painted in
// 142 ms on "3G" with its 150 ms RTT), as it would on a real link. But the service
// worker's own fetches (precaching, network fallbacks) are NOT throttled by the
// page's session: a fetch passed through a service worker took 18-37 ms where the
// page's own took 168 ms at 150 ms latency. So its install traffic would not compete
// for the emulated bandwidth as it does on a real link. throttleServiceWorkers()
// therefore attaches to every service-worker target (a browser CDP session,
// Target.attachToTarget) and gives it the same conditions: then the same fetch took
// 165-172 ms. A service worker's first requests may still start before the
// conditions reach it (a few ms after the target is created).
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PEER_PREFIX, gzipSize } from './serve.mjs';

export const PROFILES = [
  { name: 'localhost', conditions: null },
  { name: '4G (9 Mbps, 60 ms RTT)', conditions: { latency: 60, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 } },
  { name: '3G (1.6 Mbps, 150 ms RTT)', conditions: { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 1.6e6 / 8 } },
];
const THREE_G = PROFILES[2];
export const CPU_RATES = [1, 4];

const OURS_CELLS = ['[data-snapshot] [data-snap="output"]', 'td[data-matrix="output"], [data-matrix="output"] td'];
const PEER_CELLS = ['.viewport > .grid-container:nth-of-type(3) td'];
const LIVE_OUT = 'td[data-matrix="output"], [data-matrix="output"] td';
const LIVE_WEIGHT = 'input[data-matrix="weight"][data-index="0,0,0,0"]';
const TABS = ['Forward', 'im2col', 'Backprop', 'Its transpose', 'Image', 'Export'];
const LOAD_TIMEOUT = 60_000;

// --- in the page (serialised by addInitScript) -----------------------------------
function loadProbe({ cells, out }) {
  if (window.top !== window) return; // the course page's frames are not the measured page
  const L = (window.__load = { paint: null, base: undefined, changed: null, down: null, input: null });
  // When the typing reached the page: its round trips from Node are not the app's.
  addEventListener('pointerdown', () => { if (L.base !== undefined) L.down ??= performance.now(); }, true);
  addEventListener('input', () => { if (L.base !== undefined) L.input = performance.now(); }, true);
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const tick = () => {
    for (const s of cells) {
      const el = document.querySelector(s);
      if (el && visible(el)) { L.paint = performance.now(); return; }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const value = () => { const el = document.querySelector(out); return el ? (el.dataset.value ?? el.textContent) : null; };
  window.__outValue = value;
  // Armed by the typing: the first change of the output's first cell after it.
  const mo = new MutationObserver(() => {
    if (L.base === undefined || L.changed !== null) return;
    const v = value();
    if (v !== null && v !== L.base) { L.changed = performance.now(); mo.disconnect(); }
  });
  mo.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

// Resolves when the live weight input can take typing: present, outside [inert],
// with a box, and the live output is there to watch. Arms the change detector.
function liveWeight({ weight, out }) {
  return new Promise((resolve) => {
    const tick = () => {
      const el = document.querySelector(weight);
      const o = document.querySelector(out);
      if (el && o && !el.closest('[inert]')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) {
          window.__load.base = window.__outValue();
          return resolve({ x: r.x + r.width / 2, y: r.y + r.height / 2, current: el.value, at: performance.now() });
        }
      }
      requestAnimationFrame(tick);
    };
    tick();
  });
}

// --- one measured page ------------------------------------------------------------

// A page with the probe, its CDP session throttled (network, CPU) before navigation,
// and a log of finished requests to sum bytes by time.
async function newMeasuredPage(context, { who, conditions, offline = false, cpu = 1 }) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const net = { finished: [], docTs: null, fromSW: 0 };
  cdp.on('Network.requestWillBeSent', (e) => { if (net.docTs === null && e.type === 'Document') net.docTs = e.timestamp; });
  cdp.on('Network.responseReceived', (e) => { if (e.response.fromServiceWorker) net.fromSW++; });
  cdp.on('Network.loadingFinished', (e) => net.finished.push([e.timestamp, e.encodedDataLength]));
  await cdp.send('Network.enable');
  if (conditions || offline) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline, latency: conditions?.latency ?? 0,
      downloadThroughput: conditions?.downloadThroughput ?? -1, uploadThroughput: conditions?.uploadThroughput ?? -1,
    });
  }
  if (cpu !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  await page.addInitScript(loadProbe, { cells: who === 'ours' ? OURS_CELLS : PEER_CELLS, out: LIVE_OUT });
  // Bytes of the requests finished by `ms` after the navigation's request.
  const bytesUntil = (ms) => net.finished
    .filter(([ts]) => net.docTs !== null && (ts - net.docTs) * 1000 <= ms + 1)
    .reduce((s, [, b]) => s + b, 0);
  return { page, cdp, net, bytesUntil };
}

// Navigates and measures first paint, interactive (ours: by typing) and bytes.
// type: false only waits for the live input (a first visit that must not store an edit).
async function measureLoad(m, url, who, type = true) {
  const { page } = m;
  await page.goto(url, { waitUntil: 'commit', timeout: LOAD_TIMEOUT });
  const paint = page.waitForFunction(() => window.__load && window.__load.paint !== null, null, { timeout: LOAD_TIMEOUT, polling: 20 })
    .then(() => page.evaluate(() => window.__load.paint));
  paint.catch(() => {}); // awaited below; not an unhandled rejection if typing fails first
  let interactive, ready = null, attempts = 0;
  if (who === 'ours') {
    interactive = null;
    const deadline = Date.now() + LOAD_TIMEOUT;
    for (let attempt = 0; interactive === null; attempt++) {
      if (Date.now() > deadline) throw new Error('typing into weight[0,0,0,0] never changed the output');
      const w = await page.evaluate(liveWeight, { weight: LIVE_WEIGHT, out: LIVE_OUT });
      ready ??= w.at;
      attempts++;
      if (!type) break;
      const value = w.current.trim() === '1' ? '2' : '1';
      await page.mouse.click(w.x, w.y);
      await page.keyboard.press('Control+A');
      await page.keyboard.type(value);
      // The app had its handlers if the output changes; else (a dead or replaced
      // input) try again.
      interactive = await page.waitForFunction(() => window.__load.changed, null, { timeout: 1000, polling: 20 })
        .then((h) => h.jsonValue()).catch(() => null);
    }
  }
  const p = await paint;
  if (who !== 'ours' || !type) interactive = p;
  await page.waitForTimeout(50); // let loadingFinished events of that moment arrive
  if (process.env.BENCH_VERBOSE) {
    const t = await page.evaluate(() => window.__load);
    console.error(`${who}: paint ${p?.toFixed(0)}, input ready ${ready?.toFixed(0)}, pointerdown ${t.down?.toFixed(0)}, last input event ${t.input?.toFixed(0)}, interactive ${interactive?.toFixed(0)} after ${attempts} attempt(s)`);
  }
  return { paint: p, interactive, bytes: m.bytesUntil(interactive), ready, attempts };
}

// Gives every service worker the network conditions of the load being measured
// (loads run one at a time, so one current setting is enough).
async function throttleServiceWorkers(browser) {
  const bs = await browser.newBrowserCDPSession();
  const sessions = new Set();
  let current = null;
  let id = 1;
  const apply = (sessionId) => {
    const c = current ?? { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
    return Promise.all([['Network.enable', {}], ['Network.emulateNetworkConditions', c]].map(([method, params]) =>
      bs.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: id++, method, params }) }).catch(() => {})));
  };
  bs.on('Target.targetCreated', async ({ targetInfo }) => {
    if (targetInfo.type !== 'service_worker') return;
    try {
      const { sessionId } = await bs.send('Target.attachToTarget', { targetId: targetInfo.targetId, flatten: false });
      sessions.add(sessionId);
      await apply(sessionId);
    } catch { /* gone already */ }
  });
  bs.on('Target.detachedFromTarget', ({ sessionId }) => sessions.delete(sessionId));
  await bs.send('Target.setDiscoverTargets', { discover: true });
  return {
    set: async (conditions, offline = false) => {
      current = conditions || offline ? {
        offline, latency: conditions?.latency ?? 0,
        downloadThroughput: conditions?.downloadThroughput ?? -1, uploadThroughput: conditions?.uploadThroughput ?? -1,
      } : null;
      await Promise.all([...sessions].map(apply));
    },
  };
}

// --- the rows -------------------------------------------------------------------

const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (v) => v == null ? 'n/a' : `${Math.round(v).toLocaleString('en-US')} ms`;
const kb = (v) => v == null ? 'n/a' : `${(v / 1000).toFixed(1)} KB`;
const ratio = (a, b) => a == null || b == null ? 'n/a' : `${(a / b).toFixed(2)}x`;
const short = (e) => String(e && e.message || e).split('\n')[0].slice(0, 120);

export async function loadingRows({ browser, serverUrl, peer, runs, dist, cpuRates = CPU_RATES, log = console.error }) {
  const apps = [['ours', `${serverUrl}/index.html`]];
  if (peer) apps.push(['peer', `${serverUrl}${PEER_PREFIX}`]);
  const ctxOpts = { viewport: { width: 1400, height: 900 } };
  const swNet = await throttleServiceWorkers(browser);
  const table = [];
  const notes = [];

  for (const cpu of cpuRates) {
    for (const profile of PROFILES) {
      const got = { ours: [], peer: [] };
      for (let r = 0; r < runs; r++) {
        for (const [who, url] of apps) {
          const context = await browser.newContext(ctxOpts);
          try {
            await swNet.set(profile.conditions);
            const m = await newMeasuredPage(context, { who, conditions: profile.conditions, cpu });
            got[who].push(await measureLoad(m, url, who));
          } catch (e) {
            log(`cold load ${who}, ${profile.name}, CPU ${cpu}x, run ${r + 1}: ${short(e)}`);
          } finally {
            await context.close().catch(() => {});
          }
        }
      }
      const med = (who, k) => median(got[who].map((x) => x[k]));
      const [op, oi, or, pp] = [med('ours', 'paint'), med('ours', 'interactive'), med('ours', 'ready'), med('peer', 'paint')];
      table.push([`${cpu}x`, `cold, ${profile.name}`, ms(op), ms(or), ms(oi), ms(pp), ratio(op, pp), ratio(or, pp), ratio(oi, pp),
        kb(med('ours', 'bytes')), kb(med('peer', 'bytes')), `${got.ours.length}/${got.peer.length}`]);
      log(`done: CPU ${cpu}x, ${profile.name}`);
    }

    // Second visits.
    const second = { ours: [], peer: [] };
    const offline = {};
    const sw = {};
    for (let r = 0; r < runs; r++) {
      for (const [who, url] of apps) {
        const context = await browser.newContext(ctxOpts);
        const failed = [];
        context.on('requestfailed', (req) => failed.push(req.url()));
        try {
          await swNet.set(null);
          const first = await newMeasuredPage(context, { who, cpu });
          // No typing: an edit would be stored, and a stored state is not the
          // default page (ours then shows a placeholder, not the snapshot).
          await measureLoad(first, url, who, false);
          const state = await first.page.evaluate(() => new Promise((done) => {
            if (!('serviceWorker' in navigator)) return done({ controlled: false, active: false });
            const report = async () => {
              const reg = await navigator.serviceWorker.getRegistration();
              if (reg && !reg.active && (reg.installing || reg.waiting)) {
                // A learner's second visit comes later than the install: let it finish.
                const w = reg.installing || reg.waiting;
                await new Promise((ok) => { w.addEventListener('statechange', () => w.state === 'activated' && ok()); setTimeout(ok, 10_000); });
              }
              done({ controlled: !!navigator.serviceWorker.controller, active: !!(reg && reg.active), scope: reg ? reg.scope : null });
            };
            if (navigator.serviceWorker.controller) return report();
            navigator.serviceWorker.addEventListener('controllerchange', report, { once: true });
            setTimeout(report, 3000);
          }));
          sw[who] = state;
          await first.page.close();

          // (a) 3G, a new tab of the same browser: HTTP cache and service worker as left.
          await swNet.set(THREE_G.conditions);
          const again = await newMeasuredPage(context, { who, conditions: THREE_G.conditions, cpu });
          const res = await measureLoad(again, url, who);
          res.fromSW = again.net.fromSW;
          second[who].push(res);
          await again.page.evaluate(() => localStorage.clear()).catch(() => {}); // forget the typed edit
          await again.page.close();

          // (b) offline, once per app and CPU rate.
          if (r === 0) {
            await swNet.set(null, true);
            offline[who] = await offlineVisit(context, who, url, cpu, failed, serverUrl);
          }
        } catch (e) {
          log(`second visit ${who}, CPU ${cpu}x, run ${r + 1}: ${short(e)}`);
        } finally {
          await context.close().catch(() => {});
        }
      }
    }
    const med = (who, k) => median(second[who].map((x) => x[k]));
    const [op, oi, or, pp] = [med('ours', 'paint'), med('ours', 'interactive'), med('ours', 'ready'), med('peer', 'paint')];
    table.push([`${cpu}x`, `second visit, ${THREE_G.name}`, ms(op), ms(or), ms(oi), ms(pp), ratio(op, pp), ratio(or, pp), ratio(oi, pp),
      kb(med('ours', 'bytes')), kb(med('peer', 'bytes')), `${second.ours.length}/${second.peer.length}`]);
    const swText = (who) => sw[who] ? `${sw[who].controlled ? 'controlled by a service worker' : 'not controlled'}${sw[who].active && !sw[who].controlled ? ' (one is active for the next visit)' : ''}${sw[who].active ? '' : ', none active'}` : 'n/a';
    const fromSW = (who) => second[who].length ? `, ${median(second[who].map((x) => x.fromSW))} responses from it on the 3G visit` : '';
    notes.push(`CPU ${cpu}x, after the first visit: ours ${swText('ours')}${fromSW('ours')}; peer ${swText('peer')}${fromSW('peer')}.`);
    const off = (who) => offline[who] ?? 'not measured';
    table.push([`${cpu}x`, 'second visit, offline', off('ours'), '', '', off('peer'), '', '', '', '', '', '1/1']);
    log(`done: CPU ${cpu}x, second visits`);
  }

  // Sizes of what dist/ ships, gzipped as served.
  const sizes = await distSizes(dist);
  const out = [];
  out.push(`Loading, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}: ${os.cpus()[0].model}, ${os.cpus().length} cores, Chromium ${browser.version()}; medians of ${runs} alternating loads per cell; times from the navigation start; the peer is interactive when rendered, so its first render is both its first paint and its interactive.`);
  out.push('');
  out.push('| CPU | load | ours first paint | ours live | ours interactive | peer first render (= interactive) | first paint ours/peer | live ours/peer | interactive ours/peer | bytes ours (to interactive) | bytes peer (to render) | runs ours/peer |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of table) out.push(`| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`);
  for (const s of sizes) out.push(`| size | ${s.name} | ${kb(s.gz)} gzipped | ${kb(s.raw)} raw | | | | | | | | |`);
  out.push('');
  for (const n of notes) out.push(n);
  return out.join('\n');
}

// Opens the app again with the network off; for ours, visits every tab and mode.
async function offlineVisit(context, who, url, cpu, failed, serverUrl) {
  failed.length = 0;
  await context.setOffline(true);
  const local = () => failed.filter((u) => u.startsWith(serverUrl));
  const m = await newMeasuredPage(context, { who, offline: true, cpu });
  try {
    try {
      await m.page.goto(url, { waitUntil: 'commit', timeout: 15_000 });
      await m.page.waitForFunction(() => window.__load && window.__load.paint !== null, null, { timeout: 10_000, polling: 50 });
    } catch (e) {
      return `did not open (${short(e).replace(/^page\.goto: /, '').split(' at ')[0]}); ${local().length} failed requests`;
    }
    const opened = `opened in ${ms(await m.page.evaluate(() => window.__load.paint))}`;
    if (who !== 'ours') return `${opened}; ${local().length} failed requests`;
    // Each step must open with no failed request of its own, no retry (a chunk that
    // did not load) and no alert (the crash banner).
    const bad = [];
    const step = async (what, act) => {
      const before = local().length;
      try {
        await act();
        await m.page.waitForTimeout(300); // a chunk's request, if any, starts and ends
        await m.page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
        const retry = await m.page.getByRole('button', { name: /retry/i }).count();
        const alert = await m.page.locator('[role="alert"]').count();
        const failedHere = local().length - before;
        if (retry || alert || failedHere) bad.push(`${what} (${[retry && 'retry shown', alert && 'alert shown', failedHere && `${failedHere} failed`].filter(Boolean).join(', ')})`);
      } catch (e) { bad.push(`${what} (${short(e).slice(0, 60)})`); }
    };
    await m.page.locator(LIVE_OUT).first().waitFor({ timeout: 20_000 });
    const atOpen = local().length;
    for (const tab of TABS) {
      await step(tab, async () => {
        await m.page.getByRole('tab', { name: tab, exact: true }).click({ timeout: 5000 });
        await m.page.waitForFunction((name) => document.querySelector('[role="tab"][aria-selected="true"]')?.textContent === name, tab, { timeout: 5000 });
      });
    }
    await step('practice', async () => {
      await m.page.getByRole('tab', { name: 'Forward', exact: true }).click({ timeout: 5000 });
      await m.page.getByRole('button', { name: 'Practice', exact: true }).click({ timeout: 5000 });
      await m.page.locator('.practice').first().waitFor({ timeout: 5000 });
    });
    const names = [...new Set(local().map((u) => new URL(u).pathname))].join(' ');
    return `${opened}${atOpen ? ` (${atOpen} failed on opening)` : ''}; ${bad.length ? `not clean: ${bad.join(', ')}` : `every tab (${TABS.length}, image mode included) and practice opened`}; ${local().length} failed requests${names ? `: ${names}` : ''}`;
  } finally {
    await m.page.close().catch(() => {});
    await context.setOffline(false);
  }
}

// The main wasm (the one index.html loads, else the largest) and every other .wasm
// and .js file in dist/, gzipped as the server sends them.
async function distSizes(dist) {
  const files = (await fs.readdir(dist, { recursive: true })).filter((f) => /\.(wasm|js)$/.test(f)).sort();
  const html = await fs.readFile(path.join(dist, 'index.html'), 'utf8').catch(() => '');
  const wasm = [];
  for (const f of files) {
    const raw = await fs.readFile(path.join(dist, f));
    wasm.push({ file: f, raw: raw.length, gz: gzipSize(raw) });
  }
  const ws = wasm.filter((x) => x.file.endsWith('.wasm'));
  const main = ws.find((x) => html.includes(path.basename(x.file))) ?? ws.sort((a, b) => b.raw - a.raw)[0];
  return [
    ...(main ? [{ name: `main wasm ${main.file}`, raw: main.raw, gz: main.gz }] : []),
    ...wasm.filter((x) => x !== main).map((x) => ({ name: x.file, raw: x.raw, gz: x.gz })),
  ];
}
