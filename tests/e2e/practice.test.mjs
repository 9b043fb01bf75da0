// Practice mode (issue #13). In the sliding window: the output cell of each step is asked for
// before it is shown; Enter checks; a right answer reveals it and moves on,
// a wrong one says so and lets the learner try again, take hints or reveal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

// y = [[-4, -4], [-4, -4]] + 1: every window's sum is x[i,j] - x[i+1,j+1].
const DOC = { input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], weight: [[1, 0], [0, -1]], bias: [1], practice: true };

test('predict, check, hint, reveal: the numbers stay hidden until answered', async (t) => {
  const { page } = await openApp(t, { hash: configHash(DOC) });
  const answer = page.locator('input[data-practice="output"]');
  assert.equal(await answer.getAttribute('data-index'), '0,0,0');
  // Nothing gives the numbers away: every output cell is "?" without a value.
  assert.equal(await page.locator('[data-matrix="output"][data-value]').count(), 0);
  assert.deepEqual(await page.locator('td[data-matrix="output"]').allInnerTexts(), ['?', '?', '?', '?']);
  // The window is outlined at every step, as outside practice (#23).
  const windowAt = () => page.$$eval('td[data-matrix="padded_input"].tap', (tds) => tds.map((td) => td.dataset.index).sort());
  assert.deepEqual(await windowAt(), ['0,0,0', '0,0,1', '0,1,0', '0,1,1']);
  // Nor does any text, label or title: -3 (every output's value) is nowhere in the page.
  assert.ok(!(await page.locator('main').innerText()).includes('-3'), 'no -3 in the text');
  assert.equal(await page.locator('[aria-label*="-3"], [title*="-3"], [data-value="-3"]').count(), 0);

  // Wrong, then hints one at a time, then right.
  await answer.fill('5');
  await answer.press('Enter');
  await page.locator('[data-verdict="wrong"]').waitFor();
  await page.getByRole('button', { name: 'Hint' }).click();
  assert.ok((await page.locator('td.et').count()) > 0, 'hint 1: the window');
  await page.getByRole('button', { name: 'Hint' }).click();
  await page.getByText('First product: x[0,0]*w[0,0] = 1*1 = 1').waitFor();
  await page.getByRole('button', { name: 'Hint' }).click();
  await page.getByText('All products: 1*1 + 2*0 + 4*0 + 5*(-1) + bias 1').waitFor();
  await answer.fill('-3');
  await answer.press('Enter');
  await page.locator('[data-verdict="right"]').waitFor();
  // Revealed, and the next cell is asked.
  assert.equal(await page.locator('[data-matrix="output"][data-index="0,0,0"]').getAttribute('data-value'), '-3');
  assert.equal(await answer.getAttribute('data-index'), '0,0,1');
  assert.match(await page.locator('.quiz .score').innerText(), /Score 1 · streak 1/);
  // Reveal shows the number without a point, and the streak ends.
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.locator('[data-matrix="output"][data-index="0,0,1"][data-value="-3"]').waitFor();
  assert.equal(await answer.getAttribute('data-index'), '0,1,0');
  assert.match(await page.locator('.quiz .score').innerText(), /Score 1 · streak 0/);
  // Turning practice off shows everything again.
  await page.getByRole('button', { name: 'Practice' }).click();
  assert.equal(await page.locator('td[data-matrix="output"][data-value]').count(), 4);
  assert.equal(await page.locator('input[data-practice]').count(), 0);
});

/** The sum the third hint writes out ("All products: 1*1 + (-1)*3 + bias 1"), evaluated. */
async function sumOfHint(page) {
  const text = await page.locator('.hint-line', { hasText: 'All products:' }).innerText();
  const expr = text.replace('All products:', '').replace('bias', '').trim();
  assert.match(expr, /^[-+*() 0-9.]*$/, `only numbers in ${expr}`);
  return expr === '' ? 0 : Function(`return (${expr});`)();
}

/** Answers the asked cell: wrong first, then from the hints, and checks both verdicts. */
async function answerWrongThenRight(page) {
  const answer = page.locator('input[data-practice]').first();
  await answer.fill('9999');
  await answer.press('Enter');
  await page.locator('.practice [data-verdict="wrong"]').waitFor();
  for (let k = 0; k < 3; k++) await page.getByRole('button', { name: 'Hint' }).click();
  const value = await sumOfHint(page);
  await answer.fill(String(value));
  await answer.press('Enter');
  await page.locator('.practice [data-verdict="right"]').waitFor();
  return value;
}

test('im2col: the product entries are asked; a wrong answer lists the products to find the wrong one', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...DOC, view: 'im2col' }) });
  const answer = page.locator('input[data-practice="im2col_product"]');
  assert.equal(await answer.getAttribute('data-index'), '0,0');
  assert.equal(await page.locator('[data-matrix="im2col_product"][data-value]').count(), 0, 'X̂W is hidden');
  assert.equal(await page.locator('[data-matrix="output"][data-value]').count(), 0, 'and so is the output');
  // Row 0 of X̂ is 1 2 4 5 and W's column is 1 0 0 -1: 1 + 0 + 0 - 5 = -4 (the bias comes after the product).
  await answer.fill('-3');
  await answer.press('Enter');
  await page.locator('.practice > [data-verdict="wrong"]').waitFor();
  const products = page.locator('.products-check li');
  assert.deepEqual(
    (await page.locator('.products-check label').allInnerTexts()).map((s) => s.trim()),
    ['X[0,0]*W[0,0] =', 'X[0,1]*W[1,0] =', 'X[0,2]*W[2,0] =', 'X[0,3]*W[3,0] ='],
  );
  const product = (k) => page.locator(`input[data-practice-product="${k}"]`);
  await product(0).fill('1');
  await product(0).press('Enter');
  await product(3).fill('5');
  await product(3).press('Enter');
  await page.locator('.products-check li[data-verdict="wrong"]').waitFor();
  assert.equal(await products.nth(0).getAttribute('data-verdict'), 'right');
  assert.equal(await products.nth(3).getAttribute('data-verdict'), 'wrong', '5*(-1) is -5');
  await product(3).fill('-5');
  await product(3).press('Enter');
  await page.waitForFunction(() => document.querySelector('.products-check li:nth-child(4)')?.dataset.verdict === 'right');
  await answer.fill('-4');
  await answer.press('Enter');
  await page.locator('.practice > [data-verdict="right"]').waitFor();
  await page.locator('[data-matrix="im2col_product"][data-index="0,0"][data-value="-4"]').waitFor();
  assert.equal(await answer.getAttribute('data-index'), '1,0');
});

test('transposed: each output cell is its overlap sum; the first hint outlines its sources', async (t) => {
  const doc = { op: 'conv_transpose2d', input: [[1, 2], [3, 4]], weight: [[1, 1], [1, 1]], practice: true };
  const { page } = await openApp(t, { hash: configHash(doc) });
  const answer = page.locator('input[data-practice="output"]');
  assert.equal(await answer.getAttribute('data-index'), '0,0,0');
  assert.equal(await page.locator('td[data-matrix="output"]').count(), 9);
  assert.equal(await page.locator('td[data-matrix="output"][data-value]').count(), 0);
  await answer.fill('1');
  await answer.press('Enter');
  await page.locator('[data-verdict="right"]').waitFor();
  // y[0,1] = x[0,0]*w[0,1] + x[0,1]*w[0,0] = 3: a wrong answer, then the sources.
  assert.equal(await answer.getAttribute('data-index'), '0,0,1');
  await answer.fill('2');
  await answer.press('Enter');
  await page.locator('.practice > [data-verdict="wrong"]').waitFor();
  await page.getByRole('button', { name: 'Hint' }).click();
  assert.deepEqual(
    await page.locator('td.source[data-matrix="transposed_input"]').evaluateAll((els) => els.map((e) => e.dataset.index)),
    ['0,0,0', '0,0,1'],
  );
  await answer.fill('3');
  await answer.press('Enter');
  await page.locator('[data-matrix="output"][data-index="0,0,1"][data-value="3"]').waitFor();
  // The centre takes all four copies.
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.getByRole('button', { name: 'Reveal' }).click();
  assert.equal(await answer.getAttribute('data-index'), '0,1,1');
  await answer.fill('10');
  await answer.press('Enter');
  await page.locator('[data-matrix="output"][data-index="0,1,1"][data-value="10"]').waitFor();
});

test('backprop: gradient cells are asked for, right and wrong, in each gradient', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...DOC, view: 'backprop' }) });
  const answer = page.locator('input[data-practice]');
  assert.equal(await answer.getAttribute('data-practice'), 'grad_input');
  assert.equal(await page.locator('.view [data-matrix^="grad_"][data-value]').count(), 0, 'no gradient shows');
  // dX[0,0] is read by one window, at w[0,0] = 1, with dY = 1.
  await answer.fill('0');
  await answer.press('Enter');
  await page.locator('.practice > [data-verdict="wrong"]').waitFor();
  assert.deepEqual((await page.locator('.products-check label').allInnerTexts()).map((s) => s.trim()), ['dy[0,0]*w[0,0] =']);
  await answer.fill('1');
  await answer.press('Enter');
  await page.locator('[data-matrix="grad_input"][data-index="0,0,0"][data-value="1"]').waitFor();
  // dW[0,0] = 1 + 2 + 4 + 5 (x under the tap at each window, times dY = 1).
  await page.getByRole('button', { name: 'dW (grad_weight)' }).click();
  assert.equal(await answer.getAttribute('data-practice'), 'grad_weight');
  assert.equal(await answer.getAttribute('data-index'), '0,0,0,0');
  await answer.fill('12');
  await answer.press('Enter');
  await page.locator('[data-matrix="grad_weight"][data-index="0,0,0,0"][data-value="12"]').waitFor();
  await page.getByRole('button', { name: 'db (grad_bias)' }).click();
  await answer.fill('4');
  await answer.press('Enter');
  await page.locator('[data-matrix="grad_bias"][data-index="0"][data-value="4"]').waitFor();
  assert.match(await page.locator('.quiz .score').innerText(), /Score 3 · streak 3/);
});

test('shape questions: the output size, the window\'s input cells, and whether a combination is possible', async (t) => {
  const doc = { input: [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15], [16, 17, 18, 19, 20], [21, 22, 23, 24, 25]],
    weight: [[1, 0, -1], [1, 0, -1], [1, 0, -1]], stride: 2, padding: 1, practice: true };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // Output size: floor((5 + 2 - 3) / 2) + 1 = 3. The output and the formula's result are hidden until answered.
  await page.getByRole('button', { name: 'Output size' }).click();
  await page.locator('.size-hidden').waitFor();
  assert.equal(await page.locator('[data-matrix="output"]').count(), 0);
  assert.match(await page.locator('.formula').innerText(), /\?/);
  await page.fill('input[data-axis="H_out"]', '3');
  await page.fill('input[data-axis="W_out"]', '2');
  await page.press('input[data-axis="W_out"]', 'Enter');
  await page.locator('.shape-question [data-verdict="wrong"]').waitFor();
  assert.match(await page.locator('.shape-question [data-verdict="wrong"]').innerText(), /floor/);
  await page.fill('input[data-axis="W_out"]', '3');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.locator('.shape-question [data-verdict="right"]').waitFor();
  assert.equal(await page.locator('td[data-matrix="output"]').count(), 9);

  // Which input cells does y[0,0] use? The window at the padded input's top-left, 3x3.
  await page.getByRole('button', { name: 'Which input cells' }).click();
  const pick = (i, j) => page.locator(`td[data-matrix="padded_input"][data-index="0,${i},${j}"]`).click();
  for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1]]) await pick(i, j);
  await page.getByRole('button', { name: 'Check cells' }).click();
  await page.locator('.practice [data-verdict="wrong"]').waitFor();
  for (const [i, j] of [[0, 2], [1, 2], [2, 0], [2, 1], [2, 2]]) await pick(i, j);
  await page.getByText('9 picked').waitFor();
  await page.getByRole('button', { name: 'Check cells' }).click();
  await page.locator('.practice [data-verdict="right"]').waitFor();

  // Is this combination possible? The answer is the core's: an output shape or its error.
  await page.getByRole('button', { name: 'Possible?' }).click();
  const combination = await page.locator('.combination').innerText();
  assert.match(combination, /^input \d+×\d+×\d+; \d+ filter\(s\) of \d+×\d+×\d+; stride \d+, padding \d+, dilation \d+, groups \d+$/);
  await page.getByRole('button', { name: 'Possible', exact: true }).click();
  const verdict = page.locator('.possible-question [data-verdict]');
  await verdict.waitFor();
  const text = await verdict.innerText();
  assert.match(text, /It is possible: the output is \d+×\d+×\d+\.|It is not possible: .+/);
  assert.equal(await verdict.getAttribute('data-verdict'), /It is possible/.test(text) ? 'right' : 'wrong');
  await page.getByRole('button', { name: 'Another' }).click();
  assert.equal(await page.locator('.possible-question [data-verdict]').count(), 0);
});

test('New problem draws a problem at each level; its first cell can be worked out by hand', async (t) => {
  const { page } = await openApp(t, { hash: configHash(DOC) });
  const levels = await page.locator('select[aria-label="Level of a new problem"] option').allInnerTexts();
  assert.equal(levels.length, 5);
  const kinds = [];
  for (const level of levels) {
    await page.selectOption('select[aria-label="Level of a new problem"]', { label: level });
    // Each new problem is a new link: wait for it, so what follows reads the new problem.
    const before = await page.evaluate(() => location.hash);
    await page.getByRole('button', { name: 'New problem' }).click();
    await page.waitForFunction((old) => location.hash !== old, before);
    await page.locator('input[data-practice]').waitFor();
    const tab = await page.locator('[role="tab"][aria-selected="true"]').innerText();
    // The menu names the level of the problem shown, in whatever view it opened (#23).
    const shown = await page.locator('select[aria-label="Level of a new problem"] option:checked').innerText();
    assert.equal(shown, level);
    for (const name of ['input', 'weight']) {
      const values = await page.locator(`.side input[data-matrix="${name}"]`).evaluateAll((els) => els.map((e) => Number(e.value)));
      assert.ok(values.length > 0 && values.every((v) => Number.isInteger(v) && Math.abs(v) <= 3), `${name}: small integers: ${values}`);
    }
    const value = await answerWrongThenRight(page);
    assert.ok(Number.isInteger(value));
    kinds.push(`${tab}/${await page.locator('input[data-practice]').getAttribute('data-practice')}`);
  }
  assert.deepEqual(kinds, ['Forward/output', 'Forward/output', 'Forward/output',
    'Transposed convolution/output', 'Backprop/grad_input']);
  // Level 1 is 1D: its input has one row.
  await page.selectOption('select[aria-label="Level of a new problem"]', { index: 0 });
  await page.getByRole('button', { name: 'New problem' }).click();
  assert.match(await page.locator('input[data-practice]').getAttribute('data-index'), /^0,0$/);
});

test("an instructor's link hides every cell until answered, and the score is kept in this browser", async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...DOC, reveal: false }) });
  assert.equal(await page.getByRole('button', { name: 'Reveal' }).count(), 0);
  assert.ok(await page.getByRole('button', { name: 'Practice' }).isDisabled(), 'the link keeps practice on');
  // Stepping past a cell does not show it; at step 2 the window is outlined where it is (#23).
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('input[data-practice]').getAttribute('data-index'), '0,1,0');
  const outlined = await page.$$eval('td[data-matrix="padded_input"].tap', (tds) => tds.map((td) => td.dataset.index).sort());
  assert.deepEqual(outlined, ['0,1,0', '0,1,1', '0,2,0', '0,2,1']);
  assert.equal(await page.locator('td[data-matrix="padded_input"].et').count(), 2, 'its top edge');
  assert.equal(await page.locator('td[data-matrix="output"][data-value]').count(), 0);
  const answer = page.locator('input[data-practice]');
  await answer.fill('-3');
  await answer.press('Enter');
  await page.locator('[data-matrix="output"][data-index="0,1,0"][data-value="-3"]').waitFor();
  assert.equal(await page.locator('td[data-matrix="output"][data-value]').count(), 1, 'only the answered cell');
  assert.match(await page.locator('.quiz .score').innerText(), /Score 1 · streak 1/);
  // The link keeps the key; the score is this browser's, kept across a reload, and can be reset.
  assert.match(decodeURIComponent(await page.evaluate(() => location.hash)), /"reveal":false/);
  assert.equal(await page.evaluate(() => localStorage.getItem('convscope.practice')), '1,1');
  await page.waitForLoadState('networkidle');
  await page.reload();
  await page.locator('.quiz .score').waitFor();
  assert.match(await page.locator('.quiz .score').innerText(), /Score 1 · streak 1/);
  await page.getByRole('button', { name: 'Reset score' }).click();
  assert.match(await page.locator('.quiz .score').innerText(), /Score 0 · streak 0/);
  assert.equal(await page.evaluate(() => localStorage.getItem('convscope.practice')), '0,0');
});

test("the transpose of a convolution does not give the convolution's outputs away", async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...DOC, view: 'transposed' }) });
  // Its input is y: hidden until answered in the sliding window.
  assert.equal(await page.locator('td[data-matrix="transposed_input"]').count(), 4);
  assert.equal(await page.locator('td[data-matrix="transposed_input"][data-value]').count(), 0);
  assert.match(await page.locator('input[data-practice]').getAttribute('aria-label'), /z\[0,0\]/);
  await page.getByRole('tab', { name: 'Forward' }).click();
  const answer = page.locator('input[data-practice="output"]');
  await answer.fill('-3');
  await answer.press('Enter');
  await page.locator('[data-verdict="right"]').waitFor();
  await page.getByRole('tab', { name: 'Its transpose' }).click();
  await page.locator('td[data-matrix="transposed_input"][data-index="0,0,0"][data-value="-3"]').waitFor();
  assert.equal(await page.locator('td[data-matrix="transposed_input"][data-value]').count(), 1);
});
