// Image mode (issue #9): a picture is the input, each filter's output is a
// feature map on canvas, and the pixel under the pointer is explained from
// the core's step. Pictures are generated here (tests/e2e/png.mjs), so every
// pixel is known: the input must be exactly pixel / 255.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp, readMatrix } from './harness.mjs';
import { pointAtMap } from './maps.mjs';
import { png } from './png.mjs';

const SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];

/** y[f,i,j] of a 2D convolution with zero padding `p`, stride 1, computed here. */
function naive(x, w, p, [f, i, j]) {
  const [C, H, W] = [x.length, x[0].length, x[0][0].length];
  let sum = 0;
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < w[f][c].length; a++) {
      for (let b = 0; b < w[f][c][0].length; b++) {
        const [r, s] = [i + a - p, j + b - p];
        if (r >= 0 && r < H && s >= 0 && s < W) sum += x[c][r][s] * w[f][c][a][b];
      }
    }
  }
  return sum;
}

/** The tensor of `[data-matrix=name]` cells as nested arrays (index order). */
async function tensor(page, name) {
  const map = await readMatrix(page, name);
  const out = [];
  for (const [key, v] of Object.entries(map)) {
    const idx = key.split(',').map(Number);
    let level = out;
    for (const k of idx.slice(0, -1)) level = level[k] ??= [];
    level[idx.at(-1)] = v;
  }
  return out;
}

/** Hovers pixel (i, j) of feature map `f` and returns the readout's value. */
async function hover(page, f, i, j) {
  await pointAtMap(page, f, i, j);
  return Number(await page.locator(`.map-readout [data-matrix="output"][data-index="${f},${i},${j}"]`).getAttribute('data-value'));
}

test('an uploaded grey PNG becomes the input, pixel / 255, and every hovered pixel is the core\'s sum', async (t) => {
  const doc = { input: [[1, 2], [3, 4]], weight: SOBEL_X, padding: 1, view: 'image' };
  const { page } = await openApp(t, { hash: configHash(doc) });
  const pixel = (i, j) => (i * 37 + j * 11 + ((i * j) % 7) * 20) % 256;
  await page.setInputFiles('.image-view input[type="file"]', { name: 'ramp.png', mimeType: 'image/png', buffer: png(16, 16, 1, pixel) });
  await page.locator('canvas[data-feature-map="0"][data-shape="16,16"]').waitFor();
  const x = await tensor(page, 'input');
  assert.equal(x.length, 1, 'a grey picture has one channel');
  assert.equal(x[0].length, 16);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) assert.equal(x[0][i][j], pixel(i, j) / 255, `x[0,${i},${j}]`);
  const w = await tensor(page, 'weight');
  for (const [i, j] of [[0, 0], [5, 7], [15, 15], [8, 0]]) {
    const v = await hover(page, 0, i, j);
    assert.ok(Math.abs(v - naive(x, w, 1, [0, i, j])) < 1e-12, `y[0,${i},${j}] = ${v}`);
  }
  // The readout explains it: the window's 9 values and the kernel, then the sum.
  assert.equal(await page.locator('.map-readout td[data-matrix="image_window"]').count(), 9);
  const sum = await page.locator('.map-readout .eq').innerText();
  assert.ok(sum.endsWith(`= ${await page.locator('.map-readout [data-matrix="output"]').innerText().then((t) => t.split(' = ')[1])}`), sum);
  // A click opens that step in the sliding window.
  await page.locator('canvas[data-feature-map="0"]').click({ position: { x: 1, y: 1 } });
  await page.locator('[role="tab"][aria-selected="true"]', { hasText: 'Forward' }).waitFor();
  assert.equal(await page.locator('[data-matrix="output"][aria-current="true"]').getAttribute('data-index'), '0,0,0');
  // The link never carries the uploaded pixels.
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"image":"own"'));
  assert.ok(!decodeURIComponent(await page.evaluate(() => location.hash)).includes('"input"'));
});

test('a bundled picture opens from a link, in colour or grey, and the classic kernels apply per channel or to the luminance', async (t) => {
  const doc = { image: 'checkerboard', weight: [[SOBEL_X, SOBEL_X, SOBEL_X]], padding: 1, view: 'image' };
  const { page } = await openApp(t, { hash: configHash(doc) });
  await page.locator('canvas[data-feature-map="0"][data-shape="128,128"]').waitFor();
  assert.match(await page.locator('.side h2, .side h3').first().innerText(), /input \(C=3, H=128, W=128\)/);
  assert.equal(await page.getByRole('button', { name: 'Checkerboard' }).getAttribute('aria-pressed'), 'true');
  // Its values are bytes / 255: every value in a hovered pixel's window.
  await hover(page, 0, 20, 37);
  const window = await page.locator('.map-readout td[data-matrix="image_window"]').evaluateAll((els) => els.map((e) => Number(e.dataset.value)));
  assert.equal(window.length, 27);
  for (const v of window) assert.ok(Math.abs(v * 255 - Math.round(v * 255)) < 1e-9 && v >= 0 && v <= 1, `${v}`);
  // One filter over the three channels: the switch shows "the luminance" (#23, item 14).
  assert.equal(await page.getByRole('button', { name: 'the luminance' }).getAttribute('aria-pressed'), 'true');
  // Each channel: one map per R, G, B (groups = 3); the luminance: one map.
  await page.getByRole('button', { name: 'each channel' }).click();
  await page.getByRole('button', { name: 'Sobel y' }).click();
  await page.locator('canvas[data-feature-map="2"]').waitFor();
  assert.equal(await page.locator('canvas[data-feature-map]').count(), 3);
  // The picture is still drawn after the maps went from one to three (its canvas is not reused as a map's).
  const centre = await page.evaluate(() => Array.from(document.querySelector('canvas.input-picture').getContext('2d').getImageData(64, 64, 1, 1).data));
  assert.equal(centre[3], 255, `the picture's centre pixel: ${centre}`);
  await page.getByRole('button', { name: 'the luminance' }).click();
  await page.getByRole('button', { name: 'Gaussian' }).click();
  await page.waitForFunction(() => document.querySelectorAll('canvas[data-feature-map]').length === 1);
  const w = await readMatrix(page, 'weight');
  for (const [ch, lum] of [[0, 0.299], [1, 0.587], [2, 0.114]]) {
    assert.ok(Math.abs(w[`0,${ch},1,1`] - 0.25 * lum) < 1e-15, `w[0,${ch},1,1] = ${w[`0,${ch},1,1`]}`);
  }

  // Greyscale: one channel, and the filter follows it.
  await page.getByLabel('greyscale (one channel)').check();
  await page.locator('.side', { hasText: 'input (C=1, H=128, W=128)' }).waitFor();
  await page.waitForFunction(() => /"image":"checkerboard"/.test(decodeURIComponent(location.hash))
    && /"greyscale":true/.test(decodeURIComponent(location.hash)));
  // The other pictures are one click each; the link names them, never their pixels.
  await page.getByRole('button', { name: 'Disc' }).click();
  await page.waitForFunction(() => /"image":"disc"/.test(decodeURIComponent(location.hash)));
  const hash = decodeURIComponent(await page.evaluate(() => location.hash));
  assert.ok(!hash.includes('"input"'), hash.slice(0, 200));
  assert.ok(hash.length < 2000, `a short link: ${hash.length} characters`);
  // The luminance weighs the channels like the eye: 0.299, 0.587, 0.114 times the Gaussian's centre 0.25.
  // (Checked before greyscale: its one channel then keeps the first.)
  // Stride and padding apply: the output size is written and drawn.
  await page.fill('input[aria-label="stride width"]', '2');
  await page.press('input[aria-label="stride width"]', 'Enter');
  await page.locator('canvas[data-feature-map="0"][data-shape="128,64"]').waitFor();
  assert.match(await page.locator('.image-view .size-note').innerText(), /output 1×128×64: stride \[1, 2\], padding 1 \(zeros\)/);
});

test('a 512x512 colour upload is opened whole; a larger one is scaled down keeping its aspect', async (t) => {
  const doc = { input: [[1, 2], [3, 4]], weight: [[1]], view: 'image' };
  const { page } = await openApp(t, { hash: configHash(doc) });
  const colour = (i, j) => [(i * 3) % 256, (j * 5) % 256, ((i + j) * 7) % 256];
  await page.setInputFiles('.image-view input[type="file"]', { name: 'big.png', mimeType: 'image/png', buffer: png(512, 512, 3, colour) });
  await page.locator('canvas[data-feature-map="0"][data-shape="512,512"]').waitFor({ timeout: 20_000 });
  await page.locator('.side', { hasText: 'input (C=3, H=512, W=512)' }).waitFor();
  // The 1x1 kernel follows the channels: its weight stays 1 for R and is 0 for the new G and B, so y = R.
  const v = await hover(page, 0, 100, 200);
  assert.equal(v, colour(100, 200)[0] / 255, 'the weight kept 1 for R and 0 for the new channels');
  // Every pixel can be pointed at, odd ones too (a map is drawn at least one CSS pixel per pixel).
  assert.equal(await hover(page, 0, 101, 203), colour(101, 203)[0] / 255);
  await page.setInputFiles('.image-view input[type="file"]', { name: 'wide.png', mimeType: 'image/png', buffer: png(800, 400, 3, colour) });
  await page.locator('canvas[data-feature-map="0"][data-shape="256,512"]').waitFor({ timeout: 20_000 });
  await page.locator('.side', { hasText: 'input (C=3, H=256, W=512)' }).waitFor();
});

test('a file that is not a picture is refused beside the picker, and nothing is lost', async (t) => {
  const doc = { image: 'disc', greyscale: true, weight: SOBEL_X, view: 'image' };
  const { page } = await openApp(t, { hash: configHash(doc) });
  await page.locator('canvas[data-feature-map="0"]').waitFor();
  await page.setInputFiles('.image-view input[type="file"]', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
  await page.locator('.image-view [role="alert"]', { hasText: 'notes.png could not be opened' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Disc' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('canvas[data-feature-map="0"]').getAttribute('data-shape'), '126,126');
});

test('a picture can be dropped on the view or pasted', async (t) => {
  const doc = { input: [[1, 2], [3, 4]], weight: [[1]], view: 'image' };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // The bytes go into the page as a File in a DataTransfer, as a drop or a paste carries it.
  const send = (kind, bytes) => page.evaluate(([kind, bytes]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], `${kind}.png`, { type: 'image/png' }));
    const event = kind === 'drop'
      ? new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })
      : new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    (kind === 'drop' ? document.querySelector('.image-view') : document).dispatchEvent(event);
  }, [kind, [...bytes]]);
  await send('drop', png(20, 10, 1, (i, j) => (i * 20 + j) % 256));
  await page.locator('canvas[data-feature-map="0"][data-shape="10,20"]').waitFor();
  assert.equal((await readMatrix(page, 'input'))['0,3,7'], 67 / 255);
  await send('paste', png(12, 12, 3, (i, j) => [i * 20, j * 20, 100]));
  await page.locator('canvas[data-feature-map="0"][data-shape="12,12"]').waitFor();
  assert.equal((await readMatrix(page, 'input'))['1,0,5'], 100 / 255);
});
