// Reading image mode (#23, item 14): the luminance switch acts at once, the
// hover readout stands beside the map pointed at, a colour picture's three
// per-channel maps are R, G and B, and a map with no negative value is drawn
// on a one-sided scale (black at 0 to white), not in the signed colours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp, readMatrix } from './harness.mjs';
import { pointAtMap } from './maps.mjs';

const SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];
const LUMINANCE = [0.299, 0.587, 0.114];
// Sobel x on each channel: three filters of one channel, groups 3.
const DOC = { image: 'disc', weight: [[SOBEL_X], [SOBEL_X], [SOBEL_X]], groups: 3, padding: 1, view: 'image' };

const mapCount = (page, n) => page.waitForFunction((n) => document.querySelectorAll('canvas[data-feature-map]').length === n, n);

/** The RGB of every pixel drawn on map `f`. */
async function pixels(page, f) {
  return await page.locator(`canvas[data-feature-map="${f}"]`).evaluate((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const out = [];
    for (let k = 0; k < data.length; k += 4) out.push([data[k], data[k + 1], data[k + 2]]);
    return out;
  });
}

test('the luminance switch changes the kernel at once, and back; per channel the maps are R, G and B', async (t) => {
  const { page } = await openApp(t, { hash: configHash(DOC) });
  const pressed = (name) => page.getByRole('button', { name, exact: true }).getAttribute('aria-pressed');
  await mapCount(page, 3);
  assert.equal(await pressed('each channel'), 'true');
  assert.deepEqual(await page.locator('.feature-map .map-name').allInnerTexts(), ['R', 'G', 'B']);
  assert.match(await page.locator('canvas[data-feature-map="1"]').getAttribute('aria-label'), /^feature map G,/);
  // The switch alone, no kernel picked again: one filter over the luminance.
  await page.getByRole('button', { name: 'the luminance' }).click();
  await mapCount(page, 1);
  const w = await readMatrix(page, 'weight');
  for (const [c, lum] of LUMINANCE.entries()) {
    assert.ok(Math.abs(w[`0,${c},1,2`] - 2 * lum) < 1e-12, `w[0,${c},1,2] = ${w[`0,${c},1,2`]}`);
  }
  assert.deepEqual(await page.locator('.feature-map .map-name').allInnerTexts(), ['filter 0']);
  assert.equal(await pressed('the luminance'), 'true');
  await page.getByRole('button', { name: 'each channel' }).click();
  await mapCount(page, 3);
  const back = await readMatrix(page, 'weight');
  for (let f = 0; f < 3; f++) assert.ok(Math.abs(back[`${f},0,1,2`] - 2) < 1e-12, `w[${f},0,1,2] = ${back[`${f},0,1,2`]}`);
  assert.deepEqual(await page.locator('.feature-map .map-name').allInnerTexts(), ['R', 'G', 'B']);
  // Undo goes back to the luminance kernel, and the switch says so.
  await page.getByRole('button', { name: 'Undo' }).click();
  await mapCount(page, 1);
  assert.equal(await pressed('the luminance'), 'true');
});

test('a map with no negative value is drawn black to white from 0; a signed one keeps the signed colours', async (t) => {
  const { page } = await openApp(t, { hash: configHash(DOC) });
  await page.getByRole('button', { name: 'Box blur' }).click();
  await mapCount(page, 3);
  for (let f = 0; f < 3; f++) {
    const map = page.locator(`canvas[data-feature-map="${f}"]`);
    assert.equal(await map.getAttribute('data-scale'), 'one-sided');
    const drawn = await pixels(page, f);
    assert.ok(drawn.every(([r, g, b]) => r === g && g === b), `map ${f} is drawn in greys`);
    // The map's largest value is white.
    const grey = drawn.map(([r]) => r);
    assert.ok(Math.max(...grey) >= 254, `map ${f}: up to ${Math.max(...grey)}`);
    const legend = page.locator(`.feature-map:has(canvas[data-feature-map="${f}"]) .scale`);
    assert.match(await legend.getAttribute('aria-label'), /^grey scale from 0 \(black\) to /);
  }
  // R: the disc's bright inside (250) is light, its dark outside (15) dark: the picture, not its negative.
  const [oh, ow] = (await page.locator('canvas[data-feature-map="0"]').getAttribute('data-shape')).split(',').map(Number);
  const red = await pixels(page, 0);
  const [centre, corner] = [red[(oh >> 1) * ow + (ow >> 1)][0], red[0][0]];
  assert.ok(centre >= 240 && corner <= 40, `the disc's centre ${centre}, the corner ${corner}`);
  // Sobel has both signs: the signed (blue-white-red) scale, from -m to m.
  await page.getByRole('button', { name: 'Sobel x' }).click();
  await page.waitForFunction(() => document.querySelector('canvas[data-feature-map="0"]').dataset.scale === 'signed');
  const signed = await pixels(page, 0);
  assert.ok(signed.some(([r, , b]) => b > r + 40), 'negative values are blue');
  assert.match(await page.locator('.feature-map:has(canvas[data-feature-map="0"]) .scale').getAttribute('aria-label'), /^colour scale from -/);
});

test('at 1400x900 the hover readout stands beside the map pointed at, on screen', async (t) => {
  const { page } = await openApp(t, { hash: configHash(DOC) });
  await page.getByRole('button', { name: 'Sobel x' }).click();
  await mapCount(page, 3);
  for (const f of [0, 1, 2]) {
    const map = await pointAtMap(page, f, 40, 60);
    const box = await page.locator('.map-readout').evaluate((e) => {
      const b = e.getBoundingClientRect();
      return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
    });
    const vw = 1400;
    const vh = 900;
    assert.ok(box.left >= map.right - 1, `map ${f}: the readout (from x = ${box.left}) is right of the map (to ${map.right})`);
    assert.ok(box.right <= vw && box.top >= 0 && box.bottom <= vh, `map ${f}: the readout is on screen: ${JSON.stringify(box)}`);
    // Beside: it shares rows of the screen with the map, not far below it.
    assert.ok(box.top < map.bottom && box.bottom > map.y, `map ${f} ${map.y}..${map.bottom}, readout ${box.top}..${box.bottom}`);
  }
});
