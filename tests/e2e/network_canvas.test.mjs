// The network view's heatmaps keep their pixels when a cell is selected
// (issue #22): on the browser bench's stack (8 layers on 3x64x64, 16
// channels: 131 canvases), a click once left most of the maps blank.
// Selecting and clearing change marks only; every canvas must still hold
// exactly the pixels it held before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

/** The bench's stack: integers in -3..3 from a fixed generator, seeded convolutions. */
export function benchStack() {
  let s = 3 * 1000 + 64 * 10 + 16;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const t = (...dims) => (dims.length ? Array.from({ length: dims[0] }, () => t(...dims.slice(1))) : Math.floor(rnd() * 7) - 3);
  const conv = (seed, c) => ({ op: 'conv2d', weight: { seed, shape: [16, c, 3, 3] }, bias: true, padding: 1 });
  return {
    input: t(3, 64, 64),
    layers: [conv(1, 3), { op: 'relu' }, conv(2, 16), { op: 'relu' }, { op: 'max_pool2d', kernel_size: 2 },
      conv(3, 16), { op: 'relu' }, { op: 'max_pool2d', kernel_size: 2 }],
    view: 'network',
  };
}

/** Each canvas of the view: blank (no pixel drawn) or a checksum of its pixels. */
export function canvases(page) {
  return page.$$eval('.network-view .layer-outputs canvas', (cs) => cs.map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    let drawn = false;
    for (let k = 0; k < data.length; k++) {
      sum = (sum * 31 + data[k]) % 1000000007;
      if (k % 4 === 3 && data[k] !== 0) drawn = true;
    }
    return drawn ? `${c.closest('[data-layer-output]').dataset.layerOutput}:${sum}` : 'blank';
  }));
}

/** Two frames: the marks are in the page and painted. */
const settle = (page) => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 0)))));

test('selecting and clearing a cell leave every heatmap drawn as it was', async (t) => {
  // Every grid of this stack is a heatmap: no [data-matrix] cell shows until one is pointed at.
  const { page } = await openApp(t, { hash: configHash(benchStack()), ready: 'section[data-layer-output="8"] canvas' });
  await settle(page);
  const before = await canvases(page);
  assert.equal(before.length, 3 + 8 * 16, 'a map per channel of the input and of each layer');
  assert.equal(before.filter((c) => c === 'blank').length, 0, 'every map drawn on opening');

  // A cell of the last layer: its field reaches back to the input through every layer.
  const map = page.locator('section[data-layer-output="8"] canvas').first();
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.4);
  await page.waitForSelector('section[data-layer-output="0"] .overlay.receptive');
  await settle(page);
  const selected = await canvases(page);
  assert.equal(selected.filter((c) => c === 'blank').length, 0, 'no map blank after the click');
  assert.deepEqual(selected, before, 'every map keeps its pixels: a selection changes only marks');

  // A second cell, elsewhere, then the selection cleared: still the same pixels.
  await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.1);
  await settle(page);
  assert.deepEqual(await canvases(page), before, 'after a second selection');
  await page.click('button.clear-probe');
  await page.waitForSelector('.overlay.receptive', { state: 'detached' });
  await settle(page);
  assert.deepEqual(await canvases(page), before, 'after clearing the selection');
});
