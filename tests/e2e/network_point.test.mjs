// Pointing at a cell in the network view (issue #22): the cell under the
// pointer marks its receptive field as a selection does, without becoming
// the selection (no probe in the link, no "Clear the selection"), and the
// sentence above the maps keeps its height, so nothing below it moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';

const INPUT_MARKED = 'td[data-matrix="input"][data-receptive="true"]';

/** Where the maps start, and the sentence's height: both must hold still. */
const layout = (page) => page.evaluate(() => ({
  maps: Math.round(document.querySelector('.layer-outputs').getBoundingClientRect().top + window.scrollY),
  note: Math.round(document.querySelector('.receptive-note').getBoundingClientRect().height),
}));

test('pointing at a cell marks its receptive field, leaves the selection alone, and moves nothing', async (t) => {
  const { page } = await openApp(t);
  await page.selectOption('select[aria-label="Load an example"]', 'net-vgg');
  await page.waitForSelector('td[data-matrix="layer_output"][data-layer="3"]');
  const count = (sel) => page.locator(sel).count();
  const note = () => page.locator('.receptive-note').innerText();
  const still = await layout(page);
  assert.equal(await count(INPUT_MARKED), 0, 'no marks before');

  // Two 3x3 layers over 8 channels: layer 3's cell (0,2,2) sees 8 x 5x5 input cells.
  await page.hover('td[data-matrix="layer_output"][data-layer="3"][data-index="0,2,2"]');
  await page.waitForSelector(INPUT_MARKED);
  assert.equal(await count(INPUT_MARKED), 8 * 5 * 5);
  assert.equal(await count('td[data-matrix="layer_output"][data-layer="1"][data-receptive="true"]'), 8 * 3 * 3);
  assert.match(await note(), /The cell \[0,2,2\] of layer 3 depends on 200 input cells/);
  assert.deepEqual(await layout(page), still, 'the sentence changed, the maps did not move');
  // Pointing is not selecting: the document (and so the link) has no probe.
  assert.equal(await count('button.clear-probe'), 0);
  await page.waitForTimeout(400); // past the address bar's debounce
  assert.ok(!decodeURIComponent(await page.evaluate(() => location.hash)).includes('"probe"'), 'no probe in the link');

  // Another cell: the marks follow the pointer (a corner cell sees a 5x5 patch at the corner).
  await page.hover('td[data-matrix="layer_output"][data-layer="3"][data-index="1,0,0"]');
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].every((c) => {
    const [, i, j] = c.dataset.index.split(',').map(Number);
    return i < 5 && j < 5;
  }), INPUT_MARKED);
  assert.equal(await count(INPUT_MARKED), 8 * 5 * 5);

  // Away from the grids: no marks again, and the sentence says what to do.
  await page.mouse.move(2, 2);
  await page.waitForSelector(INPUT_MARKED, { state: 'detached' });
  assert.match(await note(), /Select a cell of any layer, or point at one/);
  assert.deepEqual(await layout(page), still);

  // With a selection: pointing elsewhere shows the pointed cell's field, leaving shows the selection's.
  await page.click('td[data-matrix="layer_output"][data-layer="1"][data-index="0,0,0"]');
  await page.waitForSelector('button.clear-probe');
  await page.mouse.move(2, 2);
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 8 * 3 * 3, INPUT_MARKED);
  assert.deepEqual(await layout(page), still, 'the clear button appeared in a row of its own height');
  await page.hover('td[data-matrix="layer_output"][data-layer="3"][data-index="0,2,2"]');
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 8 * 5 * 5, INPUT_MARKED);
  assert.equal(await count('td[data-matrix="layer_output"][data-layer="1"][data-index="0,0,0"].selected'), 0,
    'the marks are the pointed cell\'s');
  await page.mouse.move(2, 2);
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 8 * 3 * 3, INPUT_MARKED);
  assert.match(await note(), /The cell \[0,0,0\] of layer 1 depends on 72 input cells/);
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"probe":[1,0,0,0]'), null, { timeout: 5000 });
});
