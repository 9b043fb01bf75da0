// Practice in the network view (issue #22): the shape after a layer, the receptive field
// of a layer and a layer's parameter count are asked; the summary table and the layer
// grids keep each answer back until it is answered right (or revealed), and a
// `"reveal": false` link never puts an unanswered one in the page. New problem draws a
// stack by level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

const choose = (page, id) => page.selectOption('select[aria-label="Load an example"]', id);
const ask = (page, key) => page.selectOption('.net-practice select[aria-label="Question"]', key);
const field = (page, axis) => page.locator(`.net-practice input[data-axis="${axis}"]`);
const row = (page, k) => page.locator(`table[data-summary] tr[data-layer="${k}"]`);

/** Row k's `data-` answers: `shape params macs rf jump`, '-' for each left out. */
async function rowData(page, k) {
  return row(page, k).evaluate((r) =>
    ['shape', 'params', 'macs', 'rf', 'jump'].map((a) => r.dataset[a] ?? '-').join(' '));
}

/** Types `numbers` into the question's fields, one per axis, and checks with Enter. */
async function answer(page, axes, numbers) {
  for (const [k, axis] of axes.entries()) await field(page, axis).fill(String(numbers[k]));
  await field(page, axes[axes.length - 1]).press('Enter');
}

// LeNet-5 on 1x32x32, worked out by hand (as in network.test.mjs): layer 1 gives
// 6x28x28 with 6·1·25 + 6 = 156 parameters and 6·28·28·25 = 117600 multiply-adds;
// layer 3 (the 2x2 pool) has the field 5 + (2 − 1)·1·1 = 6, jump 2; layer 4 has
// 16·6·25 + 16 = 2416 parameters.
test('net-lenet: the shape of layer 1 wrong then right, the field of layer 3, a parameter count', async (t) => {
  const { page } = await openApp(t);
  await choose(page, 'net-lenet');
  await row(page, 6).waitFor();
  assert.equal(await rowData(page, 1), '6,28,28 156 117600 5,5 1,1', 'before practice every answer shows');
  await page.locator('.example-note').waitFor();
  await page.getByRole('button', { name: 'Practice' }).click();
  await page.locator('.net-practice').waitFor();

  // Hidden before they are answered: every layer's shape, field, parameters (and the
  // multiply-adds, which count them out), the totals, and the layers' grids.
  for (const k of [1, 2, 3, 4, 5, 6]) {
    const [shape, params, macs, rf, jump] = (await rowData(page, k)).split(' ');
    assert.deepEqual([shape, macs, rf, jump], ['-', '-', '-', '-'], `row ${k}`);
    assert.equal(params, k === 1 || k === 4 ? '-' : '0', `row ${k}: a convolution's parameters are asked, the others have none`);
  }
  assert.equal(await rowData(page, 0), '1,32,32 0 0 1,1 1,1', 'the input is not a question');
  assert.equal(await page.locator('tr[data-total][data-params], tr[data-total][data-macs]').count(), 0);
  assert.equal(await page.locator('[data-matrix="layer_output"]').count(), 0, 'no grid counts a shape out');
  assert.equal(await page.locator('[data-withheld]').count(), 6);
  assert.match(await page.locator('[data-withheld="1"]').innerText(), /Answer the shape of layer 1 first/);
  assert.equal(await page.locator('.example-note').count(), 0, "the example's note gives the shapes: not while practising");
  const table = await page.locator('table[data-summary]').innerText();
  for (const n of ['28', '156', '117,600', '2,416', '16x16']) assert.ok(!table.includes(n), `${n} in the table`);

  // The first question: layer 1's output shape. Wrong, then right.
  assert.equal(await page.locator('.net-practice [data-question]').getAttribute('data-question'), 'layer_shape-1');
  await answer(page, ['C', 'H', 'W'], [6, 27, 27]);
  await page.locator('.net-practice [data-verdict="wrong"]').waitFor();
  assert.equal(await page.locator('.net-practice [data-verdict="wrong"]').innerText(), 'Not (6, 27, 27).');
  // How to work it out: the formula, never the numbers.
  const how = await page.locator('.net-practice [data-how]').innerText();
  assert.match(how, /floor\(\(n \+ 2p - d\(k-1\) - 1\) \/ s\) \+ 1/);
  assert.ok(!how.includes('28'), 'a wrong answer does not give the right one');
  assert.equal(await rowData(page, 1), '- - - - -');
  await answer(page, ['C', 'H', 'W'], [6, 28, 28]);
  await page.locator('.net-practice [data-verdict="right"]').waitFor();
  assert.equal(await page.locator('.net-practice [data-verdict="right"]').innerText(), 'Right: (6, 28, 28).');
  // Its shape shows, and so do its grids; its parameters and field are still questions.
  assert.equal(await rowData(page, 1), '6,28,28 - - - -');
  await page.waitForFunction(() => !document.querySelector('[data-withheld="1"]'));
  assert.match(await page.locator('[data-layer-output="1"] h3').innerText(), /\(6, 28, 28\)/);
  assert.equal(await page.locator('[data-withheld="2"]').count(), 1, 'the ReLU after it is its own question');

  // The receptive field of layer 3, picked from the menu.
  await ask(page, 'layer_rf-3');
  await answer(page, ['RH', 'RW'], [5, 5]);
  await page.locator('.net-practice [data-verdict="wrong"]').waitFor();
  assert.equal(await page.locator('.net-practice [data-verdict="wrong"]').innerText(), 'Not 5x5.');
  assert.match(await page.locator('.net-practice [data-how]').innerText(), /r = r \+ \(k - 1\)·d·j/);
  await answer(page, ['RH', 'RW'], [6, 6]);
  await page.locator('.net-practice [data-verdict="right"]').waitFor();
  assert.equal(await rowData(page, 3), '- 0 - 6,6 2,2', 'its field and jump, not its shape');
  assert.match(await row(page, 3).innerText(), /r = 5 \+ \(2 − 1\)·1·1 = 6/);
  assert.equal(await rowData(page, 2), '- 0 - - -', "the ReLU's field is layer 1's, not yet answered");

  // A parameter count: layer 4.
  await ask(page, 'layer_params-4');
  await answer(page, ['parameters'], [2416]);
  await page.locator('.net-practice [data-verdict="right"]').waitFor();
  assert.equal(await rowData(page, 4), '- 2416 - - -', 'the multiply-adds wait for the shape');
  assert.match(await page.locator('.net-practice .score').innerText(), /Score 3 · streak 2/);
  // The question menu ticks what is answered.
  assert.deepEqual(
    await page.$$eval('.net-practice select[aria-label="Question"] option', (os) => os.filter((o) => o.textContent.includes('✓')).map((o) => o.value)),
    ['layer_shape-1', 'layer_rf-3', 'layer_params-4'],
  );

  // Next question: the first not yet answered after layer 4's parameters.
  await page.getByRole('button', { name: 'Next question' }).click();
  await page.waitForFunction(() => document.querySelector('.net-practice [data-question]')?.dataset.question === 'layer_shape-5');
  assert.equal(await page.locator('.net-practice [data-verdict]').count(), 0);

  // Practice off: every answer shows again.
  await page.getByRole('button', { name: 'Practice' }).click();
  await page.waitForFunction(() => !document.querySelector('.net-practice'));
  assert.equal(await rowData(page, 1), '6,28,28 156 117600 5,5 1,1');
  assert.equal(await rowData(page, 6), '16,5,5 0 0 16,16 4,4');
});

test('a "reveal": false link never puts an unanswered answer in the page', async (t) => {
  // The LeNet example's own document, as a link with practice on, reveal off and a probe on layer 6.
  const { page: first } = await openApp(t);
  await choose(first, 'net-lenet');
  await first.waitForFunction(() => location.hash.includes('layers'), null, { timeout: 5000 });
  const config = JSON.parse(decodeURIComponent((await first.evaluate(() => location.hash)).replace('#config=', '')));
  const { page } = await openApp(t, { hash: configHash({ ...config, practice: true, reveal: false, probe: [6, 0, 0, 0] }) });
  await page.locator('.net-practice').waitFor();
  await row(page, 6).waitFor();

  /** Every hidden answer's attribute, anywhere in the page's markup. */
  const leaks = async () => {
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    const found = [];
    for (const m of html.matchAll(/data-(shape|rf|jump|macs|params)="([^"]*)"/g)) {
      if (!(m[1] === 'shape' && m[2] === '1,32,32') && !['1,1', '0'].includes(m[2])) found.push(m[0]);
    }
    for (const text of ['6,28,28', '6, 28, 28', '6x28x28', '16x16', '117600', '2416', 'layer_output']) {
      if (html.includes(text)) found.push(text);
    }
    return found;
  };
  assert.deepEqual(await leaks(), []);
  assert.equal(await page.getByRole('button', { name: 'Reveal' }).count(), 0);
  // The probe's marks would count layer 6's field out: none, and the words say why.
  assert.equal(await page.locator('[data-receptive], [data-decided]').count(), 0);
  assert.match(await page.locator('.receptive-note').innerText(), /answer the receptive field of layer 6 first/);

  // Answered right, layer 1's shape (and nothing else) shows.
  await answer(page, ['C', 'H', 'W'], [6, 28, 28]);
  await page.locator('.net-practice [data-verdict="right"]').waitFor();
  assert.equal(await rowData(page, 1), '6,28,28 - - - -');
  // Its grids (heatmaps at 6x28x28) are drawn; the ReLU's after it are not.
  await page.locator('[data-layer-output="1"] canvas').first().waitFor();
  assert.equal(await page.locator('[data-withheld="1"]').count(), 0);
  assert.equal(await page.locator('[data-withheld="2"]').count(), 1);
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  assert.ok(!/data-shape="6,14,14"|data-params="156"|data-rf="5,5"/.test(html), 'the other answers stay out');
  // The Practice button stays on with reveal off.
  assert.ok(await page.getByRole('button', { name: 'Practice' }).isDisabled());
});

test('New problem draws a stack at a level as one undoable change; Reveal shows every answer', async (t) => {
  const { page } = await openApp(t);
  await choose(page, 'net-lenet');
  await row(page, 6).waitFor();
  await page.getByRole('button', { name: 'Practice' }).click();
  await page.locator('.net-practice').waitFor();
  await page.selectOption('.net-practice select[aria-label="Level of a new stack"]', { index: 3 });
  await page.getByRole('button', { name: 'New problem' }).click();
  // Level 4: down with a stride, back up with a transposed convolution to the input's size.
  await page.locator('.transposed-note').waitFor();
  assert.equal(await page.locator('table[data-summary] tbody tr').count() >= 4, true);
  const input = (await rowData(page, 0)).split(' ')[0];
  const keys = await page.$$eval('.net-practice select[aria-label="Question"] option', (os) => os.map((o) => o.value));
  assert.ok(keys.includes('layer_shape-1') && keys.some((k) => k.startsWith('layer_params-')), keys.join());
  // The last layer is the transposed one: no field is asked there (the recurrence stops).
  const layers = await page.locator('table[data-summary] tbody tr').count() - 1;
  assert.ok(!keys.includes(`layer_rf-${layers}`) && keys.includes(`layer_shape-${layers}`), keys.join());
  // Reveal each answer in turn: each says it, and shows in the table.
  for (const key of keys) {
    await ask(page, key);
    await page.getByRole('button', { name: 'Reveal' }).click();
    await page.locator('.net-practice [data-verdict="revealed"]').waitFor();
  }
  assert.equal(await page.locator('.withheld-cell, [data-withheld]').count(), 0, 'every answer shown');
  const last = await page.$$eval('table[data-summary] tbody tr[data-layer]', (rs) => rs.at(-1).dataset.shape);
  assert.equal(last.split(',').slice(1).join(), input.split(',').slice(1).join(), 'the transposed layer brings the size back');
  assert.match(await page.locator('.net-practice .score').innerText(), /streak 0/);
  // One undo: back to LeNet.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => document.querySelector('table[data-summary] tr[data-layer="0"]')?.dataset.shape === '1,32,32');
  assert.equal(await row(page, 6).count(), 1);
});
