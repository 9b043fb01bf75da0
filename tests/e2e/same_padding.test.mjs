// padding='same' and 'valid', as PyTorch's Conv1d/Conv2d take them: a link with
// "same" and an even kernel keeps the input's size and draws the odd padding
// row and column at the bottom and right; the control refuses "same" with a
// stride, with PyTorch's reason beside it, and the problem stays as it was.
// (The export tests run the exported scripts for "same" and "valid".)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp, readMatrix } from './harness.mjs';

const X = [[1, -2, 0, 3, 1], [2, 1, -1, 0, 2], [0, 3, 1, -2, 1], [1, 0, 2, 1, -1], [-1, 2, 0, 1, 3]];
const W4 = [[1, 0, -1, 2], [0, 1, 1, 0], [2, -1, 0, 1], [1, 1, 0, -2]];
const shape = (cells) => Object.keys(cells).map((k) => k.split(',').map(Number))
  .reduce((max, idx) => idx.map((v, a) => Math.max(v + 1, max[a] ?? 0)), []);

test('"same" with a 4x4 kernel keeps 5x5 and pads 1 before, 2 after', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ input: X, weight: W4, padding: 'same' }) });
  assert.deepEqual(shape(await readMatrix(page, 'output')), [1, 5, 5], 'the output has the input\'s shape');
  const padded = await readMatrix(page, 'padded_input');
  assert.deepEqual(shape(padded), [1, 8, 8], '5 + 1 + 2 on each axis');
  const pads = await page.$$eval('[data-matrix="padded_input"].pad', (tds) => tds.map((td) => td.dataset.index));
  const isPad = ([, i, j]) => [0, 6, 7].includes(i) || [0, 6, 7].includes(j);
  const expected = Object.keys(padded).filter((k) => isPad(k.split(',').map(Number)));
  assert.deepEqual(pads.sort(), expected.sort(), 'padding: row and column 0, and rows and columns 6 and 7');
  // The input sits at rows/columns 1..5: x[0, 0] at (1, 1), x[4, 4] at (5, 5).
  assert.equal(padded['0,1,1'], X[0][0]);
  assert.equal(padded['0,5,5'], X[4][4]);
  // The formula panel says what "same" chose.
  const said = await page.locator('.formula .same-padding').allInnerTexts();
  assert.deepEqual(said, [
    'height same: total 1\u00B7(4 \u2212 1) = 3, 1 before and 2 after',
    'width same: total 1\u00B7(4 \u2212 1) = 3, 1 before and 2 after',
  ]);
  assert.equal(await page.locator('#padding-rule').inputValue(), 'same');
});

test('the control refuses "same" with stride 2, with PyTorch\'s reason, and nothing changes', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ input: X, weight: W4, stride: 2, padding: 1 }) });
  const before = await readMatrix(page, 'output');
  await page.selectOption('#padding-rule', 'same');
  const reason = page.locator('#padding-rule-error');
  await reason.waitFor();
  assert.match(await reason.innerText(), /^padding='same' is not supported for strided convolutions/);
  assert.equal(await page.getAttribute('#padding-rule', 'aria-invalid'), 'true');
  assert.equal(await page.locator('#padding-rule').inputValue(), 'numbers', 'the rule in force is shown');
  assert.deepEqual(await readMatrix(page, 'output'), before, 'the last good problem stays');
  assert.match(decodeURIComponent(page.url()), /"stride":2,"padding":1\}$/, 'the link keeps padding 1');
  // "valid" takes a stride: no padding, floor((5 - 4) / 2) + 1 = 1.
  await page.selectOption('#padding-rule', 'valid');
  await page.waitForFunction(() => !document.querySelector('#padding-rule-error'));
  await page.waitForFunction(() => document.querySelectorAll('[data-matrix="output"]').length === 1);
  assert.deepEqual(shape(await readMatrix(page, 'output')), [1, 1, 1]);
  // The address bar follows (written when the page settles): the link says "valid".
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"stride":2,"padding":"valid"'));
});
