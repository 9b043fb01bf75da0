// The convolution-arithmetic gallery (gallery.html, #24): one card per figure
// of vdumoulin/conv_arithmetic (and four beyond it), each with its picture,
// downloads and an Open link. Every card's link opens, in the live app, a
// set-up whose output has the figure's shape (bin/generate_makefile); the
// numerical figures show the paper's numbers (bin/produce_figure,
// numpy.random.seed(1234)). The page works under a sub-path and in an iframe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBrowser, openApp, readMatrix, startServer, toGrid } from './harness.mjs';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

// name -> [where the output is drawn, its (C, H, W)], in the page's order (generate_makefile's,
// then the four beyond the paper): the direct figures map i to o, the transposed ones o back to i.
const OUTPUT = 'output';
const layer = (k) => `layer ${k}`;
const CARDS = {
  no_padding_no_strides: [OUTPUT, [1, 2, 2]],
  no_padding_no_strides_transposed: [OUTPUT, [1, 4, 4]],
  arbitrary_padding_no_strides: [OUTPUT, [1, 6, 6]],
  arbitrary_padding_no_strides_transposed: [OUTPUT, [1, 5, 5]],
  same_padding_no_strides: [OUTPUT, [1, 5, 5]],
  same_padding_no_strides_transposed: [OUTPUT, [1, 5, 5]],
  full_padding_no_strides: [OUTPUT, [1, 7, 7]],
  full_padding_no_strides_transposed: [OUTPUT, [1, 5, 5]],
  no_padding_strides: [OUTPUT, [1, 2, 2]],
  no_padding_strides_transposed: [OUTPUT, [1, 5, 5]],
  padding_strides: [OUTPUT, [1, 3, 3]],
  padding_strides_transposed: [OUTPUT, [1, 5, 5]],
  padding_strides_odd: [OUTPUT, [1, 3, 3]],
  padding_strides_odd_transposed: [OUTPUT, [1, 6, 6]],
  dilation: [OUTPUT, [1, 3, 3]],
  numerical_no_padding_no_strides: [OUTPUT, [1, 3, 3]],
  numerical_padding_strides: [OUTPUT, [1, 3, 3]],
  numerical_average_pooling: [layer(1), [1, 3, 3]],
  numerical_max_pooling: [layer(1), [1, 3, 3]],
  grouped_two_groups: [OUTPUT, [2, 3, 3]],
  depthwise: [OUTPUT, [3, 3, 3]],
  pointwise: [OUTPUT, [2, 4, 4]],
  tensorflow_same_strides: [layer(2), [1, 3, 3]],
};

// The paper's numbers: the input and kernel every numerical figure draws, and what each figure prints.
const PAPER_INPUT = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]];
const PAPER_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]];
const PAPER_OUTPUT = {
  numerical_no_padding_no_strides: [[12, 12, 17], [10, 17, 19], [9, 6, 14]],
  numerical_padding_strides: [[6, 17, 3], [8, 17, 13], [6, 4, 4]],
  // The figure prints one decimal: 1.7 1.7 1.7 / 1.0 1.2 1.8 / 1.1 0.8 1.3.
  numerical_average_pooling: [[15 / 9, 15 / 9, 15 / 9], [1, 11 / 9, 16 / 9], [10 / 9, 7 / 9, 12 / 9]],
  numerical_max_pooling: [[3, 3, 3], [3, 3, 3], [3, 2, 3]],
};

const shape = (cells) => Object.keys(cells).map((k) => k.split(',').map(Number))
  .reduce((max, idx) => idx.map((v, a) => Math.max(v + 1, max[a] ?? 0)), []);

async function readLayer(page, k) {
  await page.waitForSelector(`td[data-matrix="layer_output"][data-layer="${k}"]`);
  const cells = await page.$$eval(`td[data-matrix="layer_output"][data-layer="${k}"]`, (tds) =>
    tds.map((td) => [td.dataset.index, td.dataset.value]));
  return Object.fromEntries(cells.map(([i, v]) => [i, Number(v)]));
}

/** Opens gallery.html at `url` in a fresh context; fails on any page error or failed request. */
async function openGallery(t, url) {
  const browser = await getBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => { if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`); });
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, [], 'the gallery reported errors');
  });
  await page.goto(url);
  return page;
}

let server = null;
const serve = async () => (server ??= await startServer());
test.after(async () => server?.close());

test('the gallery has every figure, each with a picture, its numbers and its links', async (t) => {
  const { url } = await serve();
  const page = await openGallery(t, `${url}/gallery.html`);
  const names = await page.$$eval('[data-figure]', (cards) => cards.map((c) => c.dataset.figure));
  assert.deepEqual(names, Object.keys(CARDS));
  const cards = await page.$$eval('[data-figure]', (cards) => cards.map((c) => ({
    name: c.dataset.figure,
    open: c.querySelector('a.open')?.getAttribute('href'),
    img: c.querySelector('img')?.getAttribute('src'),
    downloads: [...c.querySelectorAll('a[download]')].map((a) => a.getAttribute('href')),
    relationship: c.querySelector('.relationship')?.innerText,
    parameters: c.querySelector('.parameters')?.innerText,
  })));
  for (const card of cards) {
    assert.match(card.open, /^index\.html#config=%7B/, `${card.name}: a relative link to the app`);
    assert.equal(card.img, `gallery/${card.name}.gif`);
    assert.deepEqual(card.downloads, [`gallery/${card.name}.gif`, `gallery/${card.name}.svg`]);
    const size = CARDS[card.name][1][1];
    assert.match(card.relationship, new RegExp(`= ${size}$`, 'm'), `${card.name}: the relationship gives ${size}`);
    assert.match(card.parameters, /kernel/);
  }
  const ps = cards.find((c) => c.name === 'padding_strides');
  assert.equal(ps.relationship, 'o = \u230A(i + 2p \u2212 k)/s\u230B + 1\n= \u230A(5 + 2 \u2212 3)/2\u230B + 1 = 3');
  // Every picture and download is served; the lazy pictures load once scrolled to.
  for (const card of cards) {
    for (const href of card.downloads) {
      const res = await page.request.get(`${url}/${href}`);
      assert.equal(res.status(), 200, href);
      const body = await res.body();
      if (href.endsWith('.gif')) assert.equal(body.subarray(0, 6).toString('latin1'), 'GIF89a');
      else assert.match(body.toString('utf8'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
  }
  const last = page.locator('[data-figure="tensorflow_same_strides"] img');
  await last.scrollIntoViewIfNeeded();
  await last.evaluate((img) => img.decode());
  assert.ok(await last.evaluate((img) => img.naturalWidth > 0), 'the picture is drawn');
  // The credit and the licence.
  const credit = await page.locator('header .credit').innerText();
  assert.match(credit, /Dumoulin and Francesco Visin/);
  assert.match(credit, /MIT licence/);
  // The app's header links here.
  await page.getByRole('link', { name: 'Open ConvScope' }).click();
  await page.waitForSelector('header.top a.gallery-link');
  assert.equal(await page.locator('header.top a.gallery-link').getAttribute('href'), 'gallery.html');
});

test('every card opens a set-up with the figure\'s output shape', async (t) => {
  const { url } = await serve();
  const gallery = await openGallery(t, `${url}/gallery.html`);
  const links = Object.fromEntries(await gallery.$$eval('[data-figure]', (cards) =>
    cards.map((c) => [c.dataset.figure, c.querySelector('a.open').getAttribute('href')])));
  for (const [name, [where, expected]] of Object.entries(CARDS)) {
    await t.test(name, async (t) => {
      const { page } = await openApp(t, { hash: links[name].slice('index.html'.length) });
      const cells = where === OUTPUT ? await readMatrix(page, 'output') : await readLayer(page, where.split(' ')[1]);
      assert.deepEqual(shape(cells), expected, `${name}: output shape`);
      if (name.endsWith('_transposed')) {
        // The zero-inserted explanation, which the paper's drawings show.
        assert.ok(await page.locator('[data-matrix="zero_inserted"]').count() > 0, `${name}: the zero-inserted input`);
      }
      if (name in PAPER_OUTPUT) {
        // The editor's cells (the network view draws the input again, as layer 0).
        const input = await page.$$eval('input[data-matrix="input"]', (cells) =>
          Object.fromEntries(cells.map((c) => [c.dataset.index, Number(c.dataset.value)])));
        assert.deepEqual(toGrid(input)[0], PAPER_INPUT, `${name}: the paper's input`);
        const got = toGrid(cells)[0];
        PAPER_OUTPUT[name].forEach((row, i) => row.forEach((v, j) =>
          assert.ok(Math.abs(got[i][j] - v) < 1e-12, `${name}[${i},${j}] = ${got[i][j]}, the paper's ${v}`)));
        if (where === OUTPUT) assert.deepEqual(toGrid(await readMatrix(page, 'weight'))[0][0], PAPER_KERNEL);
      }
    });
  }
});

test('the gallery works under a sub-path and in a course page\'s iframe', async (t) => {
  // A course site: the build under /course/convscope/, and a page of its own with an iframe.
  const site = await fs.mkdtemp(path.join(os.tmpdir(), 'convscope-course-'));
  t.after(() => fs.rm(site, { recursive: true, force: true }));
  await fs.mkdir(path.join(site, 'course'));
  await fs.symlink(DIST, path.join(site, 'course', 'convscope'));
  await fs.writeFile(path.join(site, 'index.html'),
    '<!doctype html><title>Course</title><link rel="icon" href="data:,"><iframe src="course/convscope/gallery.html" width="900" height="700"></iframe>');
  const course = await startServer(site);
  t.after(() => course.close());

  const page = await openGallery(t, `${course.url}/course/convscope/gallery.html`);
  assert.equal(await page.locator('[data-figure]').count(), Object.keys(CARDS).length);
  // Open goes to the app under the same sub-path, with the card's set-up.
  await page.locator('[data-figure="numerical_padding_strides"] a.open').click();
  await page.waitForSelector('[data-matrix="output"]');
  assert.ok(page.url().startsWith(`${course.url}/course/convscope/index.html#config=`));
  assert.deepEqual(toGrid(await readMatrix(page, 'output'))[0], PAPER_OUTPUT.numerical_padding_strides);

  const framed = await openGallery(t, `${course.url}/index.html`);
  const frame = framed.frameLocator('iframe');
  await frame.locator('[data-figure="dilation"] img').waitFor();
  assert.equal(await frame.locator('[data-figure]').count(), Object.keys(CARDS).length);
});

test('after one visit, the gallery and the pictures it showed open offline', async (t) => {
  const { url } = await serve();
  const browser = await getBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'allow' });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${url}/gallery.html`);
  // gallery.js registers the site's worker; it installs and takes control.
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20_000 });
  // The first card's picture, fetched again now that the worker controls the page, is kept.
  const first = `${url}/gallery/no_padding_no_strides.gif`;
  await page.evaluate((src) => fetch(src).then((r) => r.arrayBuffer()), first);
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith('convscope-')));
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  assert.ok(cached.includes('/gallery.html') && cached.includes('/gallery.css'), cached.join(' '));
  assert.ok(cached.includes('/gallery/no_padding_no_strides.gif'), 'a picture shown is kept');
  assert.ok(!cached.includes('/gallery/dilation.svg'), 'pictures are not fetched ahead');
  await context.setOffline(true);
  await page.reload();
  assert.equal(await page.locator('[data-figure]').count(), Object.keys(CARDS).length);
  const img = page.locator('[data-figure="no_padding_no_strides"] img');
  await img.evaluate((el) => el.decode());
  assert.ok(await img.evaluate((el) => el.naturalWidth > 0), 'the picture shows offline');
});
