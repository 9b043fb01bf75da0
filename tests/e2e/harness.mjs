// End-to-end harness: a static server for dist/, one Debian Chromium per test
// file (driven by playwright-core), and helpers to read the matrices the app
// renders. Any console error, page error or failed request fails the test.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// Resolve from this file, not the cwd, so tests run from any folder.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  // Must be exact: WebAssembly.instantiateStreaming rejects any other type.
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serve `dir` on 127.0.0.1 at a free port. Returns `{ url, close }`.
 * E2E_DIST overrides the default, e.g. to test a copy of dist/ elsewhere.
 */
export async function startServer(dir = process.env.E2E_DIST || path.join(ROOT, 'dist')) {
  const root = path.resolve(dir);
  try {
    await fs.access(path.join(root, 'index.html'));
  } catch {
    throw new Error(
      `${path.join(root, 'index.html')} is missing: run \`trunk build --release\` ` +
        '(or `make dist`) first, the end-to-end tests use the release build.',
    );
  }

  const server = http.createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      // no-store: a rebuilt dist/ must never be hidden behind a cached file.
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (pathname.includes('\0')) return send(400, 'bad request');
    let file = path.join(root, pathname); // join normalises any "..".
    // Traversal guard: whatever the URL says, stay inside root.
    if (file !== root && !file.startsWith(root + path.sep)) return send(403, 'forbidden');
    try {
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      send(200, body, TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
    } catch {
      send(404, 'not found');
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections(); // keep-alive sockets would hold close() open.
        server.close(() => resolve());
      }),
  };
}

// One browser and one dist/ server per test file (node --test runs each file
// in its own process), started on first use and stopped after the last test.
let browserPromise = null;
let serverPromise = null;

export function getBrowser() {
  browserPromise ??= chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--no-sandbox',
    ],
  });
  return browserPromise;
}

/** Close the shared browser and server (also done by an `after` hook). */
export async function closeBrowser() {
  const [browser, server] = [browserPromise, serverPromise];
  browserPromise = serverPromise = null;
  // A failed launch/start already failed its test; don't fail the hook too.
  await (await browser?.catch(() => null))?.close();
  await (await server?.catch(() => null))?.close();
}

after(closeBrowser);

/**
 * Open the app in a fresh context and wait until a matrix is rendered.
 * `hash` is e.g. configHash(doc); `url` overrides the dist/ server (used to
 * test the harness itself). Fails `t` if anything went wrong in the page.
 */
export async function openApp(
  t,
  {
    hash = '',
    viewport = { width: 1400, height: 900 },
    url,
    permissions = [],
    expectedError = null,
    colorScheme = 'light',
    deviceScaleFactor = 1,
    // For injecting a test script (axe-core) past the page's own CSP.
    bypassCSP = false,
    // The release build registers a service worker (scripts/post_build.mjs). Tests
    // block it unless they test it: each context is a first visit anyway.
    serviceWorkers = 'block',
    // Runs before the page is opened, e.g. to route or refuse a request.
    beforeGoto = null,
    // What shows the app rendered: a view drawn on canvases alone has no [data-matrix] cell.
    ready = '[data-matrix]',
  } = {},
) {
  if (!url) {
    serverPromise ??= startServer();
    url = (await serverPromise).url;
  }
  const browser = await getBrowser();
  const context = await browser.newContext({
    viewport, reducedMotion: 'reduce', permissions, colorScheme, deviceScaleFactor, bypassCSP, serviceWorkers,
  });
  const page = await context.newPage();

  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    // ERR_ABORTED is the browser cancelling a request, not a failure: a navigation
    // (reload, a new link) cancels what was in flight, such as the idle-time fetch
    // of the chunks. Any answer that failed (404, refused, offline) still counts.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  // A 404 (e.g. a missing favicon) is a broken build, not a detail.
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  t.after(async () => {
    // Let late requests (the favicon is fetched after load) report first.
    await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => {});
    // snapshot: closing may abort requests in flight. A test that provokes an
    // error on purpose names it (expectedError, a RegExp); any other still fails.
    const seen = errors.filter((e) => !(expectedError && expectedError.test(e)));
    await context.close();
    assert.deepEqual(seen, [], 'the page reported errors');
  });

  if (beforeGoto) await beforeGoto(page, context);
  await page.goto(`${url}/index.html${hash}`);
  try {
    await page.waitForSelector(ready, { timeout: 20_000 });
    // Yew renders nested components over several scheduler passes: wait for
    // the view (or its error) and a frame, so reads see the finished page.
    await page.waitForSelector('section.view, .result-error', { timeout: 20_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  } catch (err) {
    // A wasm panic shows up as a timeout; say what the page said instead.
    throw new Error(`app did not render ${ready}; page errors: ${JSON.stringify(errors)}`, {
      cause: err,
    });
  }
  return { page, errors, context, url };
}

/** `{ '<data-index>': Number(data-value) }` for every `[data-matrix=name]`. */
export async function readMatrix(page, name) {
  const cells = await page.$$eval(`[data-matrix="${name}"]`, (els) =>
    els.map((el) => [el.getAttribute('data-index'), el.getAttribute('data-value')]),
  );
  const map = {};
  for (const [index, value] of cells) {
    // Number(null) is 0: a missing attribute must not pass as a zero.
    if (index === null || value === null) throw new Error(`${name}: cell without data-index/data-value`);
    if (index in map) throw new Error(`${name}: duplicate cell ${index}`);
    map[index] = Number(value);
  }
  return map;
}

/** `{ '0,1': 5, ... }` to nested arrays by index: `[[?, 5], ...]`. */
export function toGrid(map) {
  const grid = [];
  let depth = null;
  for (const [key, value] of Object.entries(map)) {
    const idx = key.split(',').map(Number);
    depth ??= idx.length;
    if (idx.length !== depth || idx.some((i) => !Number.isInteger(i) || i < 0)) {
      throw new Error(`toGrid: bad index "${key}"`);
    }
    let level = grid;
    for (const i of idx.slice(0, -1)) level = level[i] ??= [];
    level[idx.at(-1)] = value;
  }
  return grid;
}

/** URL hash that loads a config document. */
export function configHash(doc) {
  return '#config=' + encodeURIComponent(JSON.stringify(doc));
}

/** Replace the content of a field the way a person does; no Enter. */
export async function typeInto(page, selector, text) {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  // Typing '' would leave the selection in place; a person deletes it.
  if (text === '') await page.keyboard.press('Backspace');
  else await page.keyboard.type(text);
}

/** Save a full-page PNG to tests/e2e/artifacts/<name>.png; returns the path. */
export async function screenshot(page, name) {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
