// Fast loading (#21): the prerendered first screen, the features fetched when
// first opened (and what a learner sees when one cannot be), and a second
// visit offline through the service worker. All on the release build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, readMatrix, configHash, getBrowser, startServer, typeInto } from './harness.mjs';

// The seed's 2D example (first_page.test.mjs, worked in the seed tutorial): its output.
const SEED_OUTPUT = [2, -5, 2, 12, 2, -5, -2, 8, 12];
const WEIGHT = 'input[data-matrix="weight"][data-index="0,0,0,0"]';

/** A page of the release build with no wasm at all: only the snapshot can show. */
async function withoutWasm(t, suffix = '') {
  const server = await startServer();
  const context = await (await getBrowser()).newContext({ serviceWorkers: 'block' });
  t.after(async () => {
    await context.close();
    await server.close();
  });
  const page = await context.newPage();
  await page.route(/\.wasm$/, (route) => route.abort());
  await page.goto(`${server.url}/index.html${suffix}`);
  await page.waitForSelector('[data-snapshot]', { state: 'attached' });
  return { page, server };
}

test('the first screen is prerendered: the default example, inert, and none of the DOM contract', async (t) => {
  const { page, server } = await withoutWasm(t);
  const html = await (await fetch(`${server.url}/index.html`)).text();
  assert.match(html, /<div data-snapshot="" inert="" aria-busy="true">/);
  // The stylesheet is in the page: nothing but the page stands before the first paint.
  const head = html.slice(0, html.indexOf('<body'));
  assert.match(head, /<style>[\s\S]*\.heatmap-box[\s\S]*<\/style>/);
  assert.doesNotMatch(head, /<link[^>]*rel="stylesheet"/, 'no stylesheet to fetch before the first paint');
  // The body: the head's inline stylesheet names these attributes in its selectors.
  const body = html.slice(html.indexOf('<body'));
  assert.match(body, /data-snap="output"/, 'the snapshot names its grids by data-snap');
  assert.doesNotMatch(body, /data-matrix=|data-value=/, 'the snapshot carries no data-matrix / data-value');
  // What shows with no script run: the seed's output, read as the learner sees it.
  const shown = await page.$$eval('[data-snapshot] [data-snap="output"]', (cells) =>
    cells.map((c) => [c.getAttribute('data-index'), Number(c.textContent.trim()), c.getBoundingClientRect().width]),
  );
  assert.deepEqual(shown.map(([, v]) => v), SEED_OUTPUT);
  assert.ok(shown.every(([, , w]) => w > 0), 'the cells are drawn');
  assert.equal(await page.$eval('[data-snapshot]', (s) => s.inert), true);
  assert.equal(await page.locator('[data-matrix]').count(), 0);
  // The live app shows the same numbers at the same indices (nothing false was on screen).
  const { page: live } = await openApp(t);
  const output = await readMatrix(live, 'output');
  assert.deepEqual(shown.map(([i, v]) => [i, v]), Object.entries(output));
  assert.equal(await live.locator('[data-snapshot]').count(), 0, 'the app replaced the snapshot');
  assert.equal(await live.evaluate(() => document.documentElement.dataset.boot ?? null), null);
});

test('a link, a stored problem or an embed never shows the default example', async (t) => {
  const transparent = (page) =>
    page.$eval('[data-snapshot] [data-snap="output"]', (c) => getComputedStyle(c).color);
  const link = await withoutWasm(t, configHash({ input: [[1, 2], [3, 4]], weight: [[1]] }));
  assert.equal(await link.page.evaluate(() => document.documentElement.dataset.boot), 'other');
  assert.equal(await transparent(link.page), 'rgba(0, 0, 0, 0)', 'a link: the layout, no numbers');

  const stored = await withoutWasm(t);
  await stored.page.evaluate(() => localStorage.setItem('convscope.document', '{}'));
  await stored.page.reload();
  await stored.page.waitForSelector('[data-snapshot]', { state: 'attached' });
  assert.equal(await transparent(stored.page), 'rgba(0, 0, 0, 0)', 'stored work: no numbers');

  const embed = await withoutWasm(t, '?embed');
  assert.equal(await embed.page.$eval('[data-snapshot]', (s) => getComputedStyle(s).display), 'none');

  const plain = await withoutWasm(t);
  assert.notEqual(await transparent(plain.page), 'rgba(0, 0, 0, 0)', 'the default page shows its numbers');
  // The first open's strip, as the app shows it: only until this browser closed it.
  assert.equal(await plain.page.locator('[data-snapshot] .intro').isVisible(), true);
  await plain.page.evaluate(() => localStorage.setItem('convscope.intro', 'closed'));
  await plain.page.reload();
  await plain.page.waitForSelector('[data-snapshot]', { state: 'attached' });
  assert.equal(await plain.page.locator('[data-snapshot] .intro').isVisible(), false);
});

test('a feature that cannot be fetched says so with a retry; the rest of the app keeps working', async (t) => {
  let refuse = true;
  const { page } = await openApp(t, {
    // The refused fetch is reported by the browser and by the split loader.
    expectedError: /split_im2col|Failed to fetch|failed to load|ERR_FAILED|TypeError/,
    beforeGoto: (p) => p.route(/split_im2col\.wasm$/, (route) => (refuse ? route.abort() : route.continue())),
  });
  await page.getByRole('tab', { name: 'im2col' }).click();
  const missing = page.locator('[data-chunk-missing]');
  await missing.waitFor({ timeout: 10_000 });
  assert.match(await missing.textContent(), /Could not load the im2col view/);
  // The rest works: back to the sliding window, an edit still recomputes.
  await page.getByRole('tab', { name: 'Forward' }).click();
  const before = await readMatrix(page, 'output');
  await typeInto(page, WEIGHT, '5');
  await page.keyboard.press('Enter');
  await page.waitForFunction((v) => document.querySelector('[data-matrix="output"][data-index="0,0,0"]')?.getAttribute('data-value') !== v,
    String(before['0,0,0']));
  // Opened again, it tries again (and says so again while refused).
  await page.getByRole('tab', { name: 'im2col' }).click();
  await missing.waitFor({ timeout: 10_000 });
  // Back online: Retry fetches it.
  refuse = false;
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.waitForSelector('[data-matrix="im2col"]', { timeout: 10_000 });
  assert.equal(await missing.count(), 0);
});

test('the first screen needs no document reader; without it, a link and stored work are kept, not overwritten', async (t) => {
  // The reader (Document::parse and the examples, split_reader.wasm) is fetched only to read something.
  let refuse = true;
  const reader = /split_reader\.wasm$/;
  const { page, context } = await openApp(t, {
    expectedError: /split_reader|Failed to fetch|failed to load|ERR_FAILED|TypeError/,
    beforeGoto: (p) => p.route(reader, (route) => (refuse ? route.abort() : route.continue())),
  });
  // A first visit works without it: the seed's output, and an edit recomputes.
  assert.deepEqual(Object.values(await readMatrix(page, 'output')), SEED_OUTPUT);
  await typeInto(page, WEIGHT, '5');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-matrix="output"][data-index="0,0,0"]')?.getAttribute('data-value') !== '2');
  const edited = await readMatrix(page, 'output');
  // The examples menu needs it: it says so, and the problem stays.
  await page.selectOption('select[aria-label="Load an example"]', 'seed-6x6');
  await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await readMatrix(page, 'output'), edited);
  // Stored once still (400 ms), and at once when the page goes.
  const origin = new URL(page.url()).origin;
  await page.close({ runBeforeUnload: true });
  const link = configHash({ input: [[1, 2], [3, 4]], weight: [[1]] });
  const opener = await context.newPage();
  await opener.route(reader, (route) => (refuse ? route.abort() : route.continue()));
  await opener.goto(`${origin}/index.html${link}`);
  const own = await opener.evaluate(() => localStorage.getItem('convscope.document'));
  assert.equal(JSON.parse(own ?? '{}').weight?.flat(Infinity)[0], 5, `the edited problem was stored: ${own}`);
  // A link, with the reader refused: said, the default example shown, nothing overwritten.
  await opener.getByRole('alert').filter({ hasText: 'reads saved problems and links' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(Object.values(await readMatrix(opener, 'output')), SEED_OUTPUT);
  assert.equal(await opener.locator('[data-snapshot]').count(), 0);
  // Longer than the address bar's (150 ms) and storage's (400 ms) delays, then the page goes.
  await opener.waitForTimeout(1500);
  assert.equal(await opener.evaluate(() => location.hash), link, 'the address keeps the link');
  await opener.close({ runBeforeUnload: true });
  const after = await context.newPage();
  await after.route(reader, (route) => (refuse ? route.abort() : route.continue()));
  // Back online: the link opens, over the stored work (which one undo brings back).
  refuse = false;
  await after.goto(`${origin}/index.html${link}`);
  await after.waitForSelector('[data-matrix="output"]', { timeout: 20_000 });
  assert.equal(await after.evaluate(() => localStorage.getItem('convscope.document')), own, 'stored work kept');
  assert.deepEqual(Object.values(await readMatrix(after, 'output')), [1, 2, 3, 4]);
  await after.close();
});

test('a return with only the default example stored opens without the reader', async (t) => {
  // A first visit stores the default example's own text; reading it back needs no chunk.
  const reader = /split_reader\.wasm$/;
  const { page, context } = await openApp(t, {
    expectedError: /split_reader|Failed to fetch|failed to load|ERR_FAILED|TypeError/,
    beforeGoto: (p) => p.route(reader, (route) => route.abort()),
  });
  await page.waitForFunction(() => localStorage.getItem('convscope.document') !== null, null, { timeout: 10_000 });
  const origin = new URL(page.url()).origin;
  await page.close({ runBeforeUnload: true });
  const again = await context.newPage();
  await again.route(reader, (route) => route.abort());
  await again.goto(`${origin}/index.html`);
  await again.waitForSelector('input[data-matrix="weight"]', { timeout: 20_000 });
  assert.deepEqual(Object.values(await readMatrix(again, 'output')), SEED_OUTPUT);
  assert.equal(await again.getByRole('alert').count(), 0, 'no reader was needed');
  await again.close();
});

test('the views\' chunks are fetched one by one, from 1.5 s after the reader: a first keystroke never waits for one', async (t) => {
  const asked = []; // [ms since the page was live, file]
  let live = null;
  const { page } = await openApp(t, {
    beforeGoto: (p) => p.on('request', (r) => {
      const file = r.url().split('/').pop();
      if (/^(split_|chunk_).*\.wasm$/.test(file)) asked.push([live === null ? -1 : Date.now() - live, file]);
    }),
  });
  // openApp returns once the live app's view is there.
  live = Date.now();
  // An edit at once recomputes, with no view's chunk asked for (the examples menu's reader may be).
  await typeInto(page, WEIGHT, '4');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-matrix="output"][data-index="0,0,0"]')?.getAttribute('data-value') !== '2');
  // (The reader's own shared chunk_* files come with it.)
  const views = () => asked.filter(([, f]) => /^split_/.test(f) && f !== 'split_reader.wasm');
  assert.deepEqual(views(), [], 'no view fetched before the edit was shown');
  // Then all of them, in idle moments (the figures' encoders come last).
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /split_figures\.wasm$/.test(e.name)), null, { timeout: 15_000 });
  const files = asked.map(([, f]) => f);
  for (const chunk of ['split_reader', 'split_im2col', 'split_transposed', 'split_backprop', 'split_practice', 'split_export', 'split_image', 'split_network', 'split_figures']) {
    assert.ok(files.includes(`${chunk}.wasm`), `${chunk} preloaded: ${files.join(' ')}`);
  }
  // The first view's chunk came after the wait.
  assert.ok(views()[0][0] >= 1000, `first view's chunk asked for ${views()[0][0]} ms after the page was live`);
});

/** How the snapshot stood at the first frame it was in the page: its display and the page's data-boot. */
function recordSnapshot() {
  const tick = () => {
    const s = document.querySelector('[data-snapshot]');
    if (s) window.__snapshot = { boot: document.documentElement.dataset.boot ?? null, display: getComputedStyle(s).display };
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

test('a second visit with this build cached opens without drawing the snapshot; a page of another build draws it', async (t) => {
  const { page, context } = await openApp(t, { serviceWorkers: 'allow' });
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20_000 });
  // Once the worker holds the build whole, the boot script names it.
  const build = await page.waitForFunction(() => localStorage.getItem('convscope.warm'), null, { timeout: 20_000 }).then((h) => h.jsonValue());
  assert.ok(await page.evaluate((b) => caches.has(b), build), `${build} is the worker's cache`);
  const visit = async () => {
    const tab = await context.newPage();
    await tab.addInitScript(recordSnapshot);
    await tab.goto(page.url());
    await tab.waitForSelector('[data-matrix="output"]', { timeout: 20_000 });
    assert.deepEqual(Object.values(await readMatrix(tab, 'output')), SEED_OUTPUT);
    const seen = await tab.evaluate(() => window.__snapshot);
    await tab.close();
    return seen;
  };
  assert.deepEqual(await visit(), { boot: 'warm', display: 'none' });
  // A page of a build the worker does not hold (as after a deploy) draws it, as a first visit does.
  await page.evaluate(() => localStorage.setItem('convscope.warm', 'convscope-0000000000000000'));
  const other = await visit();
  assert.notEqual(other.boot, 'warm');
  assert.equal(other.display, 'block');
});

test('after one visit, every view and mode opens offline with no failed request', async (t) => {
  const { page, context } = await openApp(t, { serviceWorkers: 'allow' });
  // The worker installs (caching every file of the build) and takes control.
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20_000 });
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith('convscope-')));
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  assert.ok(cached.some((p) => /split_im2col\.wasm$/.test(p)), `the chunks are cached: ${cached.join(' ')}`);
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('[data-matrix="output"]', { timeout: 20_000 });
  const views = { im2col: 'im2col', Backprop: 'grad_input', 'Its transpose': 'canvas', Export: null, Image: null, Forward: 'output' };
  for (const [tab, matrix] of Object.entries(views)) {
    await page.getByRole('tab', { name: tab }).click();
    if (matrix) await page.waitForSelector(`[data-matrix="${matrix}"]`, { timeout: 10_000 });
    else await page.waitForSelector('section.view', { timeout: 10_000 });
    assert.equal(await page.locator('[data-chunk-missing], .chunk-loading').count(), 0, `${tab} opened offline`);
  }
  await page.getByRole('tab', { name: 'Export' }).click();
  await page.waitForSelector('[data-export="numpy"]', { timeout: 10_000 });
  await page.getByRole('tab', { name: 'Image' }).click();
  await page.waitForSelector('.image-view, canvas', { timeout: 10_000 });
  await page.getByRole('tab', { name: 'Forward' }).click();
  const download = page.waitForEvent('download', { timeout: 10_000 });
  await page.getByRole('button', { name: 'SVG' }).click();
  assert.match((await download).suggestedFilename(), /\.svg$/, 'the figure encoders work offline');
  await page.getByRole('button', { name: 'Practice' }).click();
  await page.waitForSelector('.quiz', { timeout: 10_000 });
});
