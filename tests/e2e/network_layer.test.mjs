// Into one layer (issue #22): a convolution layer of the network opens in
// the sliding window on the previous layer's output, and undo returns to the
// network; a pooling layer steps through its own windows inside the network view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

const choose = (page, id) => page.selectOption('select[aria-label="Load an example"]', id);

/** `{ '<data-index>': Number(data-value) }` of the cells matching `selector`. */
async function values(page, selector) {
  const cells = await page.$$eval(selector, (els) => els.map((el) => [el.dataset.index, el.dataset.value]));
  assert.ok(cells.length > 0, `no cells for ${selector}`);
  const map = {};
  for (const [index, value] of cells) {
    assert.ok(index !== undefined && value !== undefined, `${selector}: a cell without data-index/data-value`);
    map[index] = Number(value);
  }
  return map;
}

const layer = (k) => `td[data-matrix="layer_output"][data-layer="${k}"]`;

test("layer 4 of LeNet opens in the sliding window on layer 3's output, and undo returns to the network", async (t) => {
  const { page } = await openApp(t);
  await choose(page, 'net-lenet');
  await page.waitForSelector(layer(6));
  const y3 = await values(page, layer(3));
  const y4 = await values(page, layer(4));
  assert.equal(Object.keys(y3).length, 6 * 14 * 14);
  assert.equal(Object.keys(y4).length, 16 * 10 * 10);
  // A ReLU has no such button; the convolutions and pools have theirs.
  assert.equal(await page.locator('li[data-layer-editor="2"] button.open-layer').count(), 0);
  await page.getByRole('button', { name: 'Open in the sliding window: layer 4' }).click();
  await page.waitForSelector('section.forward-view');
  assert.match(await page.locator('.notice').innerText(),
    /Opened layer 4 of the network on layer 3's output \(6, 14, 14\)\. Edits here are not written back to the network; Undo returns to it\./);
  // conv2d 6→16, 5x5, no padding: the padded input is the input, which is layer 3's output.
  await page.waitForSelector('td[data-matrix="output"]');
  assert.deepEqual(await values(page, 'td[data-matrix="padded_input"]'), y3);
  assert.deepEqual(await values(page, 'td[data-matrix="output"]'), y4);
  assert.equal(await page.locator('section.network-view').count(), 0, 'no stack on screen');
  // The first step is output cell y[0,0,0], layer 4's first cell.
  assert.equal(await page.locator('td[data-matrix="output"][aria-current="true"]').getAttribute('data-index'), '0,0,0');

  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForSelector('section.network-view table[data-summary] tr[data-layer="6"]');
  await page.waitForSelector(layer(6));
  assert.deepEqual(await values(page, layer(4)), y4, 'the very stack is back');
  assert.equal(await page.locator('table[data-summary] tbody tr[data-layer]').count(), 7);
});

/** The window of output cell [c, oi, oj] of a 2x2, stride 2 pool: [[i, j], ...] row by row. */
const window2 = (oi, oj) => [[2 * oi, 2 * oj], [2 * oi, 2 * oj + 1], [2 * oi + 1, 2 * oj], [2 * oi + 1, 2 * oj + 1]];

test("a max pool's own sliding window: the equation and the winner at two steps", async (t) => {
  const { page } = await openApp(t);
  await choose(page, 'net-downsample');
  await page.waitForSelector(layer(3));
  const x = await values(page, layer(2));
  const y = await values(page, layer(3));
  await page.getByRole('button', { name: 'Step through: layer 3' }).click();
  const panel = page.locator('section[data-pool-panel="3"]');
  await panel.waitFor();
  const check = async (oi, oj) => {
    await page.waitForSelector(`td[data-matrix="pool_output"][data-index="0,${oi},${oj}"][aria-current="true"]`);
    const cells = window2(oi, oj);
    const names = cells.map(([i, j]) => `x[0,${i},${j}]`).join(', ');
    const text = await panel.locator('.pool-eq').innerText();
    const head = `y[0,${oi},${oj}] = max(${names}) = max(`;
    assert.ok(text.startsWith(head), `${text} starts with ${head}`);
    const [args, result] = text.slice(head.length).split(') = ');
    const shown = args.split(', ').map(Number);
    const want = cells.map(([i, j]) => x[`0,${i},${j}`]);
    // Written to four significant digits.
    shown.forEach((v, k) => assert.ok(Math.abs(v - want[k]) <= 1e-3 * Math.max(1, Math.abs(want[k])), `${v} is ${want[k]}`));
    const max = Math.max(...want);
    assert.ok(Math.abs(Number(result) - max) <= 1e-3 * Math.max(1, Math.abs(max)), `${result} is ${max}`);
    assert.equal(y[`0,${oi},${oj}`], max, 'the layer output is the max');
    // The winner: the first largest in window order (PyTorch's), ringed in the input.
    const [wi, wj] = cells[want.indexOf(max)];
    const winners = await panel.locator('td[data-matrix="pool_input"][data-winner="true"]').evaluateAll((cs) => cs.map((c) => c.dataset.index));
    assert.deepEqual(winners, [`0,${wi},${wj}`]);
    assert.match(await panel.locator('.pool-note').innerText(), new RegExp(`x\\[0,${wi},${wj}\\] wins`));
    // The window is outlined: its four cells, and only those.
    const window = await panel.locator('td[data-matrix="pool_input"].win').evaluateAll((cs) => cs.map((c) => c.dataset.index));
    assert.deepEqual(window.sort(), cells.map(([i, j]) => `0,${i},${j}`).sort());
  };
  await check(0, 0);
  // The app's keys step the panel: → twice, then the player's own button.
  await page.keyboard.press('ArrowRight');
  await check(0, 1);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await check(0, 2);

  // The gradient for dY = 1: a max pool routes each to its winner, so dX counts the windows a cell won.
  await panel.getByRole('button', { name: 'gradient' }).click();
  await page.waitForSelector('td[data-matrix="pool_grad_input"][aria-current="true"]');
  const dx = await values(page, 'td[data-matrix="pool_grad_input"]');
  const won = {};
  for (let oi = 0; oi < 4; oi++) {
    for (let oj = 0; oj < 4; oj++) {
      const cells = window2(oi, oj).map(([i, j]) => x[`0,${i},${j}`]);
      const [wi, wj] = window2(oi, oj)[cells.indexOf(Math.max(...cells))];
      won[`0,${wi},${wj}`] = 1;
    }
  }
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) assert.equal(dx[`0,${i},${j}`], won[`0,${i},${j}`] ?? 0, `dx[0,${i},${j}]`);
  }
  assert.match(await panel.locator('.pool-eq').innerText(), /^dx\[0,0,0\] = /);
});

test("an average pool's divisor is PyTorch's: a ceil-mode window clipped to the border, and count_include_pad", async (t) => {
  const doc = (pool) => ({ input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], layers: [{ op: 'avg_pool2d', kernel_size: 2, ...pool }], view: 'network' });
  // F.avg_pool2d(x, 2, ceil_mode=True) on 1..9 as 3x3: [[3, 4.5], [7.5, 9]].
  const { page } = await openApp(t, { hash: configHash(doc({ ceil_mode: true })) });
  await page.getByRole('button', { name: 'Step through: layer 1' }).click();
  const eq = page.locator('section[data-pool-panel="1"] .pool-eq');
  const note = page.locator('section[data-pool-panel="1"] .pool-note');
  await eq.waitFor();
  assert.equal(await eq.innerText(), 'y[0,0] = (x[0,0] + x[0,1] + x[1,0] + x[1,1]) / 4 = (1 + 2 + 4 + 5) / 4 = 3');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.pool-eq')?.textContent.startsWith('y[0,1]'));
  assert.equal(await eq.innerText(), 'y[0,1] = (x[0,2] + x[1,2]) / 2 = (3 + 6) / 2 = 4.5');
  assert.match(await note.innerText(), /Divided by 2, not 4: the window runs past the padded border \(ceil_mode\)/);
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('.pool-eq')?.textContent.startsWith('y[1,1]'));
  assert.equal(await eq.innerText(), 'y[1,1] = (x[2,2]) / 1 = (9) / 1 = 9');
  // Padding 1: with count_include_pad the corner window divides its one input cell by 4, without it by 1.
  for (const [include, text, why] of [
    [true, 'y[0,0] = (x[0,0]) / 4 = (1) / 4 = 0.25', /Divided by 4: its 3 padding cell\(s\) count too \(count_include_pad=True\)/],
    [false, 'y[0,0] = (x[0,0]) / 1 = (1) / 1 = 1', /Divided by 1: the window's input cells only \(count_include_pad=False/],
  ]) {
    const { page: p } = await openApp(t, { hash: configHash(doc({ stride: 2, padding: 1, count_include_pad: include })) });
    await p.getByRole('button', { name: 'Step through: layer 1' }).click();
    await p.locator('.pool-eq').waitFor();
    assert.equal(await p.locator('.pool-eq').innerText(), text);
    assert.match(await p.locator('.pool-note').innerText(), why);
    // Padding is drawn as padding: the padded input is 5x5, its border marked.
    assert.equal(await p.locator('td[data-matrix="pool_input"]').count(), 25);
    assert.equal(await p.locator('td[data-matrix="pool_input"].pad').count(), 16);
  }
});
