// Real sizes: a 3x64x64 input with 16 filters 3x3, padding 1 (refused before
// traces were on demand). Grids this large draw as canvas heatmaps; the DOM
// contract holds through their readouts. Every number is checked against a
// plain JavaScript convolution of the same document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, configHash, readMatrix } from './harness.mjs';

/** Deterministic small integers in -3..3. */
function ints(n, seed) {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return ((s >> 16) % 7) - 3;
  });
}

const [C, H, W, F, K] = [3, 64, 64, 16, 3];
const xs = ints(C * H * W, 7);
const ws = ints(F * C * K * K, 11);
const input = [...Array(C)].map((_, c) => [...Array(H)].map((_, i) => xs.slice((c * H + i) * W, (c * H + i + 1) * W)));
const weight = [...Array(F)].map((_, f) =>
  [...Array(C)].map((_, c) => [...Array(K)].map((_, i) => ws.slice(((f * C + c) * K + i) * K, ((f * C + c) * K + i + 1) * K))),
);

/** y[f, i, j] with padding 1, stride 1 (cross-correlation), from `inp`. */
function y(inp, f, i, j) {
  let sum = 0;
  for (let c = 0; c < C; c++)
    for (let a = 0; a < K; a++)
      for (let b = 0; b < K; b++) {
        const [p, q] = [i + a - 1, j + b - 1];
        if (p >= 0 && p < H && q >= 0 && q < W) sum += inp[c][p][q] * weight[f][c][a][b];
      }
  return sum;
}

const current = async (page) =>
  page.$eval('[data-matrix="output"][aria-current="true"]', (el) => [el.dataset.index, Number(el.dataset.value)]);

test('3x64x64 with 16 filters opens, steps, hovers and edits', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ input, weight, padding: 1 }) });
  // One heatmap per filter, each the 64x64 output.
  const shapes = await page.$$eval('canvas[data-shape]', (els) => els.map((e) => e.dataset.shape));
  assert.equal(shapes.filter((s) => s === '64,64').length, 16 + 3, 'output and input-editor maps');
  assert.equal(shapes.filter((s) => s === '66,66').length, 3, 'padded-input maps');
  assert.deepEqual(await current(page), ['0,0,0', y(input, 0, 0, 0)]);

  // A keyboard step moves the current cell and its readout.
  await page.mouse.click(5, 5);
  await page.keyboard.press('End');
  assert.deepEqual(await current(page), ['15,63,63', y(input, 15, 63, 63)]);
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await current(page), ['15,63,62', y(input, 15, 63, 62)]);

  // Hovering a pixel of filter 5's map reads that cell (and steps there).
  const map = page.locator('figure.heatmap', { hasText: 'output, filter 5' }).locator('canvas');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  const [i, j] = [40, 17];
  await page.mouse.move(box.x + ((j + 0.5) * box.width) / 64, box.y + ((i + 0.5) * box.height) / 64);
  assert.deepEqual(await current(page), ['5,40,17', y(input, 5, 40, 17)]);
  const eq = await page.locator('.equation .eq.total').innerText();
  assert.match(eq, new RegExp(`= ${y(input, 5, 40, 17)}$`));

  // Editing: click input channel 1's map at (40, 17), type 9 in the cell editor.
  const inMap = page.locator('.large-editor figure.heatmap', { hasText: 'channel 1' }).locator('canvas');
  await inMap.scrollIntoViewIfNeeded();
  const inBox = await inMap.boundingBox();
  await page.mouse.click(inBox.x + ((17 + 0.5) * inBox.width) / 64, inBox.y + ((40 + 0.5) * inBox.height) / 64);
  const cell = page.locator('input[data-matrix="input"][data-index="1,40,17"]');
  await cell.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('9');
  const edited = input.map((ch) => ch.map((row) => [...row]));
  edited[1][40][17] = 9;
  await page.waitForFunction(
    (v) => document.querySelector('[data-matrix="output"][aria-current="true"]')?.dataset.value === String(v),
    y(edited, 5, 40, 17),
  );
  assert.deepEqual(await current(page), ['5,40,17', y(edited, 5, 40, 17)]);
  assert.deepEqual(await readMatrix(page, 'input'), { '1,40,17': 9 });

  // Without a mouse: the map is a focusable group; arrows pick a cell, Enter goes to its field.
  const group = page.locator('.large-editor .heatmap-keys', { hasText: 'channel 2' });
  await group.focus();
  const step = await page.locator('[data-matrix="output"][aria-current="true"]').getAttribute('data-index');
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowLeft']) await page.keyboard.press(key);
  assert.equal(await page.locator('[data-matrix="output"][aria-current="true"]').getAttribute('data-index'), step, 'the player did not move');
  await page.keyboard.press('Enter');
  const picked = page.locator('input[data-matrix="input"][data-index="2,2,0"]');
  assert.equal(await picked.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.type('-5');
  await page.waitForFunction(() => document.querySelector('input[data-matrix="input"][data-index="2,2,0"]')?.dataset.value === '-5');
});

test('3x64x64 opens in im2col and backprop views with heatmaps', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ input, weight, padding: 1, view: 'im2col' }) });
  const shapes = await page.$$eval('.im2col-view canvas[data-shape]', (els) => els.map((e) => e.dataset.shape));
  assert.ok(shapes.includes('4096,27'), `patch matrix drawn: ${shapes}`);
  assert.ok(shapes.includes('4096,16'), `product drawn: ${shapes}`);
  // The row in use is written out as cells: window of output (0, 0).
  const row = await readMatrix(page, 'im2col_row');
  assert.equal(Object.keys(row).length, 27);
  assert.equal(row['0,4'], input[0][0][0], 'centre tap of channel 0 is x[0,0,0]');
  assert.deepEqual(await current(page), ['0,0,0', y(input, 0, 0, 0)]);

  await page.click('button[role="tab"]:has-text("Backprop")');
  // dL/db[f] with dY = ones: 64*64 per filter; grad_input cell (0,0,0) is current.
  await page.click('button:has-text("db (grad_bias)")');
  const gb = await readMatrix(page, 'grad_bias');
  assert.deepEqual(Object.values(gb), Array(16).fill(4096));
  const eq = await page.locator('.equation .eq').innerText();
  assert.match(eq, /more\)/, 'a 4096-term sum is elided in the middle');
});
