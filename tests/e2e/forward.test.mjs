// The forward views as a learner uses them: type, paste, step with the
// keyboard, hover, change parameters, follow im2col, open presets and links.
// Expected values come from the seeds (shared/seeds/000) or PyTorch (the call
// is in a comment next to each literal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, readMatrix, toGrid, configHash, typeInto } from './harness.mjs';

const cell = (name, index) => `[data-matrix="${name}"][data-index="${index}"]`;
const current = async (page, name = 'output') =>
  page.locator(`[data-matrix="${name}"][aria-current="true"]`).getAttribute('data-index');

test('typing a number recomputes; a bad entry is marked and changes nothing', async (t) => {
  const { page } = await openApp(t);
  await typeInto(page, cell('input', '0,0,0'), '4');
  // y[0,0] = 2 + (4 - 2) * w[0,0] = 2 + 2 * (-2) = -2
  assert.equal((await readMatrix(page, 'output'))['0,0,0'], -2);

  const before = await readMatrix(page, 'output');
  await typeInto(page, cell('input', '0,1,1'), 'abc');
  const bad = page.locator(cell('input', '0,1,1'));
  assert.equal(await bad.getAttribute('aria-invalid'), 'true');
  await page.getByText('input[0,1,1]: “abc” is not a number').waitFor();
  assert.deepEqual(await readMatrix(page, 'output'), before);
  // Tab away and back: the bad text is still there, nothing lost.
  await page.keyboard.press('Tab');
  assert.equal(await bad.inputValue(), 'abc');
  await typeInto(page, cell('input', '0,1,1'), '1');
  assert.equal(await bad.getAttribute('aria-invalid'), null);
});

test('arrow keys move between cells like a spreadsheet', async (t) => {
  const { page } = await openApp(t);
  await page.click(cell('weight', '0,0,1,1'));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '0,0,2,2');
  await page.keyboard.type('9');
  // The whole cell was selected on arrival, so typing replaces it: w[2,2] = 9.
  assert.equal((await readMatrix(page, 'weight'))['0,0,2,2'], 9);
});

test('pasting a NumPy block fills and grows the kernel', async (t) => {
  const { page } = await openApp(t);
  const target = page.locator(cell('weight', '0,0,0,0'));
  await target.focus();
  // A real paste event carrying NumPy's printout of a 2x4 block.
  await target.evaluate((el) => {
    const data = new DataTransfer();
    data.setData('text', '[[ 1  0 -1  0]\n [ 2  0 -2  0]]');
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const w = toGrid(await readMatrix(page, 'weight'));
  assert.deepEqual(w, [[[[1, 0, -1, 0], [2, 0, -2, 0], [-3, -1, -1, 0]]]]);
  // 5x5 input, 3x4 kernel -> 3x2 output.
  assert.equal(Object.keys(await readMatrix(page, 'output')).length, 6);
});

test('keyboard player: arrows, End, Home, Space', async (t) => {
  const { page } = await openApp(t);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await current(page), '0,0,2');
  await page.locator('.eq').getByText('= 2', { exact: false }).waitFor();
  await page.keyboard.press('End');
  assert.equal(await current(page), '0,2,2');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await current(page), '0,2,1');
  await page.keyboard.press('Home');
  assert.equal(await current(page), '0,0,0');
  await page.keyboard.press('Space');
  await page.waitForFunction(
    () => document.querySelector('[data-matrix="output"][aria-current="true"]')?.dataset.index !== '0,0,0',
  );
  await page.keyboard.press('Space');
  assert.equal(await page.getByRole('button', { name: 'Play' }).count(), 1);
});

test('hovering an output cell jumps there; hovering an input cell shows what it feeds', async (t) => {
  const { page } = await openApp(t);
  await page.hover(cell('output', '0,2,1'));
  assert.equal(await current(page), '0,2,1');
  // seeds/000: y[2,1] = 8, and the step's arithmetic is written out.
  assert.match(await page.locator('.eq').innerText(), /= 8$/);
  await page.hover(cell('padded_input', '0,2,2'));
  // The centre of a 5x5 input lies in all nine 3x3 windows.
  assert.equal(await page.locator('[data-matrix="output"].fed').count(), 9);
  await page.hover(cell('padded_input', '0,0,0'));
  assert.equal(await page.locator('[data-matrix="output"].fed').count(), 1);
  await page.getByText('x[0,0,0] feeds 1 output cell(s)').waitFor();
});

test('parameters: padding grows the output, an impossible dilation is explained', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('button', { name: 'increase padding height' }).click();
  await page.getByRole('button', { name: 'increase padding width' }).click();
  // floor((5 + 2 - 2 - 1)/1) + 1 = 5
  assert.equal(Object.keys(await readMatrix(page, 'output')).length, 25);
  assert.equal(await page.locator('[data-matrix="padded_input"].pad').count(), 49 - 25);
  await typeInto(page, 'input[aria-label="dilation height"]', '4');
  const alert = page.locator('.result-error');
  await alert.waitFor();
  assert.match(await alert.innerText(), /kernel 3x3 with dilation \(4, 1\) spans 9x3, larger than the padded input 7x7/);
  assert.equal(await page.locator('input[aria-label="weight filter 0, channel 0, row 0, column 0"]').count(), 1, 'editors stay');
  // The control that caused it is marked.
  assert.equal(await page.locator('input[aria-label="dilation height"]').getAttribute('aria-invalid'), 'true');
  await typeInto(page, 'input[aria-label="dilation height"]', '2');
  // floor((5 + 2 - 4 - 1)/1) + 1 = 3 rows, 5 columns
  assert.equal(Object.keys(await readMatrix(page, 'output')).length, 15);
  await typeInto(page, 'input[aria-label="stride width"]', 'x');
  assert.equal(await page.locator('input[aria-label="stride width"]').getAttribute('aria-invalid'), 'true');
});

test('im2col follows the window step by step', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: 'im2col' }).click();
  // The im2col view is a chunk: it may still be fetched.
  await page.waitForSelector('[data-matrix="im2col_product"]');
  const patches = await readMatrix(page, 'im2col');
  assert.equal(Object.keys(patches).length, 81);
  // seeds/000 In [14], first row of Xhat.
  assert.deepEqual(toGrid(patches)[0], [2, 1, -1, -1, 1, 0, -1, 0, -1]);
  assert.deepEqual(Object.values(await readMatrix(page, 'im2col_product')), [2, -5, 2, 12, 2, -5, -2, 8, 12]);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('[data-matrix="im2col_product"].selected').getAttribute('data-index'), '1,0');
  assert.equal(await page.locator('[aria-current="true"]').count(), 1, 'only the output cell is current');
  assert.equal(await current(page), '0,0,1');
  assert.match(await page.locator('.eq').innerText(), /= -5$/);
  await page.getByRole('tab', { name: 'Forward' }).click();
  assert.equal(await current(page), '0,0,0', 'a new view starts at its first step');
});

test('seed presets reproduce the seed numbers', async (t) => {
  const { page } = await openApp(t);
  const choose = (id) => page.selectOption('select[aria-label="Load an example"]', id);
  await choose('seed-1d-channels');
  // seeds/000 In [6]-[9]: the intended Xhat @ W.
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [[-5, 1, 3, 1, 0]]);
  await choose('seed-2d-filters');
  // seeds/000 In [24].
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [
    [[18, 28, 5], [5, -3, 26], [-21, 15, 29]],
    [[-4, 25, 15], [4, 12, 3], [12, -9, 5]],
  ]);
  await choose('seed-nchw');
  assert.equal(Object.keys(await readMatrix(page, 'output')).length, 32 * 32);
  await choose('kernel-sobel-x');
  // Sobel x on the bright square: strongest response at its left and right edges.
  // F.conv2d(F.pad(img[None, None], (1, 1, 1, 1), mode='replicate'), sobel_x[None, None])[0, 0]
  // with img = ones(7, 7), img[2:5, 2:5] = 9: row 3 is [0, 32, 32, 0, -32, -32, 0].
  const y = toGrid(await readMatrix(page, 'output'))[0];
  assert.deepEqual(y[3], [0, 32, 32, 0, -32, -32, 0]);
});

test('a link opens its state; a bad link says why and keeps the example', async (t) => {
  // F.conv2d(x[None], w, b, stride=2, padding=1)[0] with x = arange(16).reshape(1,4,4), w = ones(1,1,3,3), b = [1]
  const doc = {
    op: 'conv2d',
    input: [[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]],
    weight: [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]],
    bias: [1],
    stride: 2,
    padding: 1,
    view: 'im2col',
    step: 3,
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [[[11, 25], [52, 91]]]);
  assert.equal(await current(page), '0,1,1');
  assert.equal(await page.getByRole('tab', { name: 'im2col' }).getAttribute('aria-selected'), 'true');
  // The address bar follows the state (once it has been still for a moment).
  await page.keyboard.press('Home');
  await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('"step"'));
  assert.match(decodeURIComponent(await page.evaluate(() => location.hash)), /"stride":2/);

  const bad = await openApp(t, { hash: configHash({ input: [[1, 2], [3]], weight: [[1]] }) });
  const alert = bad.page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /input\[1\]/);
  assert.deepEqual(toGrid(await readMatrix(bad.page, 'output')), [[[2, -5, 2], [12, 2, -5], [-2, 8, 12]]]);
});

test('homework size: 4 channels of 16x16, 4 filters, groups 2', async (t) => {
  const rnd = (n, k) => Array.from({ length: n }, (_, i) => ((i * 7 + k * 3) % 7) - 3);
  const input = Array.from({ length: 4 }, (_, c) => Array.from({ length: 16 }, (_, i) => rnd(16, c * 16 + i)));
  const weight = Array.from({ length: 4 }, (_, f) => Array.from({ length: 2 }, (_, c) => Array.from({ length: 3 }, (_, i) => rnd(3, f * 6 + c * 3 + i))));
  const { page } = await openApp(t, { hash: configHash({ input, weight, groups: 2, padding: 1 }) });
  assert.equal(Object.keys(await readMatrix(page, 'output')).length, 4 * 16 * 16);
  await page.keyboard.press('End');
  assert.equal(await current(page), '3,15,15');
});
