// Practice in the network's pooling panel (issue #22, "the player, practice
// and export work there as for a single op"): the panel asks for each
// output cell of its windows in turn, then for each input cell's gradient.
// Until a cell is answered (or revealed) its value is in no grid of the page:
// not in the panel, not in the layer's own grid below, not in a later layer
// (a ReLU after the pool repeats it); a max pool's winner is not ringed. The
// panel waits while practice still asks for the shapes it would show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';

const choose = (page, id) => page.selectOption('select[aria-label="Load an example"]', id);
const layer = (k) => `td[data-matrix="layer_output"][data-layer="${k}"]`;
const panel = (page) => page.locator('section[data-pool-panel="3"]');

/** `{ '<data-index>': Number(data-value) }` of the cells matching `selector` that show a value. */
async function shown(page, selector) {
  const cells = await page.$$eval(selector, (els) => els.map((el) => [el.dataset.index, el.dataset.value]));
  return Object.fromEntries(cells.filter(([, v]) => v !== undefined).map(([i, v]) => [i, Number(v)]));
}

/** Answers network practice's shape question of layer `k` with `shape`. */
async function answerShape(page, k, shape) {
  await page.selectOption('.net-practice select[aria-label="Question"]', `layer_shape-${k}`);
  for (const [n, axis] of ['C', 'H', 'W'].entries()) {
    await page.locator(`.net-practice input[data-axis="${axis}"]`).fill(String(shape[n]));
  }
  await page.locator('.net-practice input[data-axis="W"]').press('Enter');
  await page.locator('.net-practice [data-verdict="right"]').waitFor();
}

/** The window of output cell [c, oi, oj] of a 2x2, stride 2 pool, row by row. */
const window2 = (c, oi, oj) =>
  [[2 * oi, 2 * oj], [2 * oi, 2 * oj + 1], [2 * oi + 1, 2 * oj], [2 * oi + 1, 2 * oj + 1]].map(([i, j]) => `${c},${i},${j}`);

/** Types `text` as the answer and checks it with Enter; waits for the verdict. */
async function answer(page, matrix, index, text, verdict) {
  const field = page.locator(`input[data-practice="${matrix}"][data-index="${index}"]`);
  await field.fill(text);
  await field.press('Enter');
  await panel(page).locator(`.practice [data-verdict="${verdict}"]`).waitFor();
}

test("the pooling panel asks each window's max, then each cell's gradient, and shows no answer early", async (t) => {
  const { page } = await openApp(t);
  // 1x8x8 -> conv2d 1->4, 3x3, padding 1 -> relu -> max_pool2d 2; a ReLU after the pool, added by hand.
  await choose(page, 'net-downsample');
  await page.waitForSelector(layer(3));
  await page.selectOption('select[aria-label="Add a layer"]', 'relu');
  await page.waitForSelector(layer(4));
  const x = await shown(page, layer(2));
  const y = await shown(page, layer(3));
  assert.equal(Object.keys(x).length, 4 * 8 * 8);
  await page.getByRole('button', { name: 'Step through: layer 3' }).click();
  await panel(page).locator('.pool-eq').waitFor();

  await page.getByRole('button', { name: 'Practice' }).click();
  await page.locator('.net-practice').waitFor();
  // The panel's grids and step count would give away the shapes asked.
  await panel(page).locator('.size-hidden').waitFor();
  assert.equal(await panel(page).locator('.size-hidden').innerText(),
    'Answer the shapes of layers 2 and 3 first: the steps of layer 3 show then.');
  assert.equal(await page.locator('td[data-matrix^="pool_"]').count(), 0);
  await answerShape(page, 2, [4, 8, 8]);
  assert.equal(await panel(page).locator('.size-hidden').innerText(),
    'Answer the shape of layer 3 first: the steps of layer 3 show then.');
  await answerShape(page, 3, [4, 4, 4]);
  await answerShape(page, 4, [4, 4, 4]);

  // The first window's max is asked: nowhere in the page yet.
  const asked = panel(page).locator('input[data-practice="pool_output"]');
  await asked.waitFor();
  assert.equal(await asked.getAttribute('data-index'), '0,0,0');
  assert.match(await panel(page).locator('.eq-title').innerText(), /^Practice: what is y3\[0,0,0\]\? It is the largest value of its window/);
  assert.equal(await page.locator('td[data-matrix="pool_output"]').count(), 4 * 4, "the step's channel");
  assert.deepEqual(await shown(page, 'td[data-matrix="pool_output"]'), {}, 'every cell from the current step on is hidden');
  assert.deepEqual(await shown(page, layer(3)), {}, "the layer's own grid below");
  assert.equal(await page.locator(layer(3)).count(), 4 * 4 * 4);
  assert.equal(await page.locator(layer(4)).count(), 0, 'the ReLU after it repeats its values');
  assert.match(await page.locator('[data-withheld="4"]').innerText(), /Held back while you practise layer 3's cells/);
  assert.equal(await panel(page).locator('td[data-winner]').count(), 0, 'the winner is the answer: not ringed');
  assert.equal(await panel(page).locator('.pool-eq').count(), 0, 'no equation: it would give the value');
  assert.deepEqual(await shown(page, layer(2)), x, "the layer's input stays: it is what the answer is worked out from");
  // The window is outlined, as outside practice.
  const window = await panel(page).locator('td[data-matrix="pool_input"].win').evaluateAll((cs) => cs.map((c) => c.dataset.index));
  assert.deepEqual(window.sort(), window2(0, 0, 0).sort());

  // Wrong, a hint, then right: the cell shows in the panel and in the layer's grid.
  const max0 = Math.max(...window2(0, 0, 0).map((i) => x[i]));
  assert.equal(y['0,0,0'], max0);
  await answer(page, 'pool_output', '0,0,0', String(max0 + 1), 'wrong');
  assert.match(await panel(page).locator('.verdict').innerText(), /^Not .*\. Find the largest value in the window; then try again, take a hint, or reveal\.$/);
  assert.equal(await panel(page).locator('.products-check').count(), 0, 'a max has no products to check');
  for (let n = 0; n < 3; n++) await panel(page).getByRole('button', { name: 'Hint' }).click();
  assert.match(await panel(page).locator('.hint-line').last().innerText(), /^All values: max\(/);
  await answer(page, 'pool_output', '0,0,0', String(max0), 'right');
  await page.waitForSelector('input[data-practice="pool_output"][data-index="0,0,1"]');
  assert.deepEqual(await shown(page, 'td[data-matrix="pool_output"]'), { '0,0,0': max0 });
  assert.deepEqual(await shown(page, layer(3)), { '0,0,0': max0 });
  assert.equal(await panel(page).locator('td[data-matrix="pool_output"][aria-current="true"]').getAttribute('data-index'), '0,0,1');

  // Reveal shows the next one and moves on.
  await panel(page).getByRole('button', { name: 'Reveal' }).click();
  await page.waitForSelector('input[data-practice="pool_output"][data-index="0,0,2"]');
  assert.deepEqual(await shown(page, layer(3)), { '0,0,0': max0, '0,0,1': y['0,0,1'] });
  assert.match(await page.locator('.net-practice .score').innerText(), /Score 4 · streak 0/);

  // The gradient walk (dY = 1): each input cell's dX, asked from the first.
  await panel(page).getByRole('button', { name: 'gradient' }).click();
  const grad = panel(page).locator('input[data-practice="pool_grad_input"]');
  await grad.waitFor();
  assert.equal(await grad.getAttribute('data-index'), '0,0,0');
  assert.deepEqual(await shown(page, 'td[data-matrix="pool_grad_input"]'), {});
  // A max pool sends the window's gradient to its first largest cell (PyTorch's): x[0,0,0] gets 1 if it won.
  const cells = window2(0, 0, 0);
  const winner = cells[cells.map((i) => x[i]).indexOf(max0)];
  const dx0 = winner === '0,0,0' ? 1 : 0;
  await answer(page, 'pool_grad_input', '0,0,0', String(1 - dx0), 'wrong');
  await answer(page, 'pool_grad_input', '0,0,0', String(dx0), 'right');
  assert.deepEqual(await shown(page, 'td[data-matrix="pool_grad_input"]'), { '0,0,0': dx0 });
  // The layers' grids are not the gradient walk's questions: they show.
  assert.deepEqual(await shown(page, layer(3)), y);
  await page.waitForSelector(layer(4));

  // Practice off: everything shows, the equation and the winner again.
  await page.getByRole('button', { name: 'Practice' }).click();
  await page.waitForFunction(() => !document.querySelector('.net-practice'));
  await panel(page).getByRole('button', { name: 'forward', exact: true }).click();
  await panel(page).locator('.pool-eq').waitFor();
  assert.equal(await panel(page).locator('td[data-matrix="pool_input"][data-winner="true"]').count(), 1);
  assert.equal(Object.keys(await shown(page, 'td[data-matrix="pool_output"]')).length, 16);
});
