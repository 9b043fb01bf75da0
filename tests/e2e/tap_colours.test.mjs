// Geometry at a glance (#23, item 8): each kernel tap has a colour, and at
// each step the input cells it multiplies wear the same one, so dilation
// (gaps between the coloured cells) and stride (how far they move) show
// before a number is read. The colours stay readable in both themes, and
// each coloured cell's label names its tap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

// A 3x3 kernel, dilation 2, stride 2 on a 7x7 input: 2x2 outputs, windows 5x5.
const DOC = {
  input: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => i * 10 + j)),
  weight: [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
  dilation: 2,
  stride: 2,
};

/** `{ colour, name, background, ink }` of every cell of `matrix` that wears a tap colour, by data-index. */
async function coloured(page, matrix) {
  return await page.$$eval(`td[data-matrix="${matrix}"][data-tap]`, (cells) => Object.fromEntries(cells.map((c) => {
    const style = getComputedStyle(c);
    const name = c.getAttribute('aria-label').match(/tap (w\[[\d,]+\])/)?.[1];
    return [c.dataset.index, { colour: c.dataset.tap, name, background: style.backgroundColor, ink: style.color }];
  })));
}

/** WCAG contrast of two `rgb(r, g, b)` colours. */
function contrast(a, b) {
  const lum = (rgb) => {
    const [r, g, bl] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** At the step on screen: the input cells under tap w[i,j] are at `window + 2*(i, j)` and wear its colour. */
async function checkStep(page, [top, left]) {
  const kernel = await coloured(page, 'kernel');
  const input = await coloured(page, 'padded_input');
  assert.equal(Object.keys(kernel).length, 9, 'every kernel cell has a colour');
  assert.equal(Object.keys(input).length, 9, `nine input cells are multiplied: ${Object.keys(input)}`);
  assert.equal(new Set(Object.values(kernel).map((k) => k.colour)).size, 9, 'nine taps, nine colours');
  assert.equal(new Set(Object.values(kernel).map((k) => k.background)).size, 9, 'nine different fills');
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const tap = kernel[`0,0,${i},${j}`];
      assert.equal(tap.name, `w[${i},${j}]`, 'the kernel cell is labelled with its tap');
      // Dilation 2: the taps land two apart; the window's corner moves by the stride.
      const cell = input[`0,${top + 2 * i},${left + 2 * j}`];
      assert.ok(cell, `x[${top + 2 * i},${left + 2 * j}] is under w[${i},${j}]`);
      assert.deepEqual([cell.colour, cell.name, cell.background], [tap.colour, tap.name, tap.background]);
      assert.ok(contrast(cell.ink, cell.background) >= 4.5, `text on ${cell.background}: ${contrast(cell.ink, cell.background)}`);
    }
  }
}

for (const colorScheme of ['light', 'dark']) {
  test(`each kernel tap and the input cells it multiplies share a colour, step by step (${colorScheme})`, async (t) => {
    const { page } = await openApp(t, { hash: configHash(DOC), colorScheme });
    await checkStep(page, [0, 0]);
    await page.keyboard.press('ArrowRight');
    await page.locator('td[data-matrix="output"][data-index="0,0,1"][aria-current="true"]').waitFor();
    await checkStep(page, [0, 2]);
    await page.keyboard.press('ArrowRight');
    await page.locator('td[data-matrix="output"][data-index="0,1,0"][aria-current="true"]').waitFor();
    await checkStep(page, [2, 0]);
    // The legend says what the colours mean.
    await page.locator('.legend', { hasText: 'share a colour' }).waitFor();
  });
}

test('with flip on, each input cell wears the colour of the weight it meets', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...DOC, flip: true }) });
  const kernel = await coloured(page, 'kernel');
  const input = await coloured(page, 'padded_input');
  // The window's first cell meets the kernel's last weight, w[2,2].
  assert.equal(input['0,0,0'].name, 'w[2,2]');
  const w22 = Object.values(kernel).find((k) => k.name === 'w[2,2]');
  assert.equal(input['0,0,0'].colour, w22.colour);
});
