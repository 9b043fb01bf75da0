// The network view (issue #22): a stack of layers on the input, its summary
// table against numbers computed by hand, a stack built with the controls,
// the receptive field of a selected cell, and a link that reopens the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp, typeInto } from './harness.mjs';

const choose = (page, id) => page.selectOption('select[aria-label="Load an example"]', id);

/** The summary table as `{ layer: 'shape params macs rf jump' }` (rf/jump '-' when absent). */
async function summary(page) {
  const rows = await page.$$eval('table[data-summary] tbody tr[data-layer]', (rs) =>
    rs.map((r) => [r.dataset.layer, [r.dataset.shape, r.dataset.params, r.dataset.macs, r.dataset.rf ?? '-', r.dataset.jump ?? '-'].join(' ')]),
  );
  return Object.fromEntries(rows);
}

async function totals(page) {
  return page.$eval('table[data-summary] tr[data-total]', (r) => [Number(r.dataset.params), Number(r.dataset.macs)]);
}

// Each row by hand: shape (C,H,W; 1D C,W), parameters = weights + bias,
// multiply-adds = C_out·OH·OW·(C_in/groups)·KH·KW (transposed: C_in·H·W·(C_out/groups)·KH·KW),
// r_k = r_(k-1) + (K_k − 1)·d_k·j_(k-1), j_k = j_(k-1)·s_k.
const EXAMPLES = {
  'net-lenet': {
    rows: {
      0: '1,32,32 0 0 1,1 1,1',
      1: '6,28,28 156 117600 5,5 1,1', // 6·1·25 + 6; 6·28·28·1·25
      2: '6,28,28 0 0 5,5 1,1',
      3: '6,14,14 0 0 6,6 2,2', // 5 + (2 − 1)·1·1
      4: '16,10,10 2416 240000 14,14 2,2', // 16·6·25 + 16; 16·10·10·6·25; 6 + 4·1·2
      5: '16,10,10 0 0 14,14 2,2',
      6: '16,5,5 0 0 16,16 4,4', // 14 + 1·1·2
    },
    totals: [2572, 357600],
  },
  'net-vgg': {
    rows: {
      0: '8,10,10 0 0 1,1 1,1',
      1: '8,8,8 584 36864 3,3 1,1', // 8·8·9 + 8; 8·8·8·8·9
      2: '8,8,8 0 0 3,3 1,1',
      3: '8,6,6 584 20736 5,5 1,1', // 8·6·6·8·9
      4: '8,6,6 0 0 5,5 1,1',
    },
    totals: [1168, 57600],
  },
  'net-downsample': {
    rows: {
      0: '1,8,8 0 0 1,1 1,1',
      1: '4,8,8 40 2304 3,3 1,1',
      2: '4,8,8 0 0 3,3 1,1',
      3: '4,4,4 0 0 4,4 2,2',
    },
    totals: [40, 2304],
  },
  'net-causal': {
    rows: {
      0: '1,16 0 0 1 1',
      1: '1,17 0 0 1 1', // F.pad (1, 0)
      2: '2,16 6 64 2 1', // 2·1·2 + 2; 2·16·1·2
      3: '2,18 0 0 2 1',
      4: '2,16 10 128 4 1', // 2 + (2 − 1)·2·1
      5: '2,20 0 0 4 1',
      6: '2,16 10 128 8 1',
      7: '2,24 0 0 8 1',
      8: '2,16 10 128 16 1',
    },
    totals: [36, 448],
  },
  'net-separable': {
    rows: {
      0: '8,8,8 0 0 1,1 1,1',
      1: '8,8,8 80 4608 3,3 1,1', // depthwise: 8·1·9 + 8; 8·8·8·1·9
      2: '16,8,8 144 8192 3,3 1,1', // pointwise: 16·8 + 16; 16·8·8·8·1
    },
    totals: [224, 12800],
  },
  'net-autoencoder': {
    rows: {
      0: '1,16,16 0 0 1,1 1,1',
      1: '4,8,8 40 2304 3,3 2,2',
      2: '4,8,8 0 0 3,3 2,2',
      3: '8,4,4 296 4608 7,7 4,4', // 8·4·9 + 8; 8·4·4·4·9; 3 + 2·1·2
      4: '8,4,4 0 0 7,7 4,4',
      5: '4,8,8 292 4608 - -', // transposed: 8·4·9 + 4; 8·4·4·4·9
      6: '4,8,8 0 0 - -',
      7: '1,16,16 37 2304 - -', // 4·1·9 + 1; 4·8·8·1·9
    },
    totals: [665, 13824],
  },
};

test("each network example's summary equals the numbers worked out by hand", async (t) => {
  const { page } = await openApp(t);
  for (const [id, { rows, totals: sums }] of Object.entries(EXAMPLES)) {
    await choose(page, id);
    const last = Math.max(...Object.keys(rows).map(Number));
    await page.waitForSelector(`table[data-summary] tr[data-layer="${last}"]`);
    assert.deepEqual(await summary(page), Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v])), id);
    assert.deepEqual(await totals(page), sums, `${id}: totals`);
  }
  // Past the first transposed layer, the page says in words what the recurrence does not cover.
  assert.match(await page.locator('.transposed-note').innerText(), /From layer 5 on, the recurrence does not apply/);
});

test('a stack built with the controls, a layer that cannot take its input, undo, and a link that reopens it', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: 'Network' }).click();
  await page.waitForSelector('section.network-view');
  assert.match(await page.locator('section.network-view').innerText(), /No layers yet/);
  const add = (kind) => page.selectOption('select[aria-label="Add a layer"]', kind);
  await add('conv2d');
  await page.waitForSelector('table[data-summary] tr[data-layer="1"]');
  await add('relu');
  await page.waitForSelector('table[data-summary] tr[data-layer="2"]');
  await add('max_pool2d');
  await page.waitForSelector('table[data-summary] tr[data-layer="3"]');
  // The default 5x5 input: a 3x3 convolution with padding 1 keeps 5x5; pooling 2 gives 2x2.
  let rows = await summary(page);
  assert.equal(rows[1].split(' ')[0], '1,5,5');
  assert.equal(rows[3], '1,2,2 0 0 4,4 2,2');
  // Four output channels: every later shape follows.
  await typeInto(page, 'li[data-layer-editor="1"] label:has-text("out channels") input', '4');
  await page.keyboard.press('Tab');
  await page.waitForSelector('table[data-summary] tr[data-layer="3"][data-shape="4,2,2"]');
  rows = await summary(page);
  assert.equal(rows[1], '4,5,5 40 900 3,3 1,1', '4·1·9 + 4 parameters, 4·5·5·1·9 multiply-adds');
  assert.equal(await page.locator('td[data-matrix="layer_output"][data-layer="3"]').count(), 4 * 2 * 2);
  // A pooling window larger than its input: the layer says why, the layers above stay.
  await typeInto(page, 'li[data-layer-editor="3"] label:has-text("kernel") input', '6');
  await page.keyboard.press('Tab');
  const error = page.locator('li[data-layer-editor="3"] .layer-error');
  await error.waitFor();
  assert.match(await error.innerText(), /Layer 3 cannot take its input: .*6/);
  assert.equal(await page.locator('table[data-summary] tr[data-layer="3"]').count(), 0, 'no row for a layer without an output');
  assert.equal(await page.locator('td[data-matrix="layer_output"][data-layer="2"]').count(), 4 * 5 * 5, 'layer 2 still drawn');
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForSelector('table[data-summary] tr[data-layer="3"][data-shape="4,2,2"]');
  // Reorder: the pool above the ReLU; then remove the ReLU.
  await page.getByRole('button', { name: 'Move layer 3 up' }).click();
  await page.waitForFunction(() => document.querySelector('table[data-summary] tr[data-layer="2"]')?.dataset.shape === '4,2,2');
  await page.getByRole('button', { name: 'Remove layer 3' }).click();
  await page.waitForFunction(() => !document.querySelector('table[data-summary] tr[data-layer="3"]'));
  // The link reopens the stack in a new tab.
  // The address bar follows after a delay: wait for the stack of two (the hash held layers before the removal too).
  await page.waitForFunction(() => {
    const m = location.hash.match(/config=(.*)/);
    return m !== null && JSON.parse(decodeURIComponent(m[1])).layers?.length === 2;
  }, null, { timeout: 5000 });
  const hash = await page.evaluate(() => location.hash);
  const { page: again } = await openApp(t, { hash });
  await again.waitForSelector('table[data-summary] tr[data-layer="2"]');
  assert.deepEqual(await summary(again), await summary(page));
  assert.deepEqual(await again.$$eval('td[data-matrix="layer_output"]', (cs) => cs.map((c) => c.dataset.value)),
    await page.$$eval('td[data-matrix="layer_output"]', (cs) => cs.map((c) => c.dataset.value)));
});

test('selecting a cell marks every cell it depends on, and the ones that decided it', async (t) => {
  const { page } = await openApp(t);
  // Two 3x3 layers over 8 channels: one cell of layer 3 depends on 8 channels x 5x5 of the input.
  await choose(page, 'net-vgg');
  await page.locator('td[data-matrix="layer_output"][data-layer="3"][data-index="0,2,2"]').click();
  await page.waitForSelector('td[data-matrix="input"][data-receptive="true"]');
  const count = (sel) => page.locator(sel).count();
  assert.equal(await count('td[data-matrix="input"][data-receptive="true"]'), 8 * 5 * 5);
  const rows = await page.$$eval('td[data-matrix="input"][data-receptive="true"]', (cs) => [...new Set(cs.map((c) => c.dataset.index.split(',')[1]))].sort());
  assert.deepEqual(rows, ['2', '3', '4', '5', '6'], 'rows 2..6 around the cell at 2 + 2');
  assert.equal(await count('td[data-matrix="layer_output"][data-layer="1"][data-receptive="true"]'), 8 * 3 * 3);
  assert.equal(await count('td[data-matrix="layer_output"][data-layer="4"][data-receptive="true"]'), 0, 'nothing after the cell');
  // Decided cells are receptive cells too.
  assert.equal(await count('td[data-decided="true"]:not([data-receptive="true"])'), 0);
  assert.match(await page.locator('.receptive-note').innerText(), /depends on 200 input cells \(within a 5x5 patch\)/);
  // The layer-1 cells whose ReLU gave 0 did not decide the value: every one of them is left unfilled.
  const cut = await page.$$eval('td[data-matrix="layer_output"][data-layer="1"][data-receptive="true"]', (cs) =>
    cs.filter((c) => Number(c.dataset.value) <= 0).map((c) => c.dataset.decided ?? 'no'));
  assert.ok(cut.length > 0 && cut.every((d) => d === 'no'), `cut cells: ${cut}`);

  // Max pooling passes only its winner: fewer input cells decided than depended on.
  await choose(page, 'net-downsample');
  await page.locator('td[data-matrix="layer_output"][data-layer="3"][data-index="0,1,1"]').click();
  await page.waitForSelector('td[data-matrix="input"][data-receptive="true"]');
  // The pool's 2x2 window on 8x8 at (2..3, 2..3), each 3x3 with padding 1: input rows and columns 1..4.
  assert.equal(await count('td[data-matrix="input"][data-receptive="true"]'), 16);
  const decided = await count('td[data-matrix="input"][data-decided="true"]');
  assert.ok(decided <= 9, `only the winner's 3x3 window decides: ${decided}`);
  assert.match(await page.locator('.receptive-note').innerText(), /The two differ: a max pool passes only its largest cell/);
  assert.equal(await count('td[data-matrix="layer_output"][data-layer="2"][data-decided="true"]'), 1, 'one winner in layer 2');

  // A causal stack never looks ahead: output 3 depends on inputs 0..3 alone.
  await choose(page, 'net-causal');
  await page.locator('td[data-matrix="layer_output"][data-layer="8"][data-index="0,3"]').click();
  await page.waitForSelector('td[data-matrix="input"][data-receptive="true"]');
  const inputs = await page.$$eval('td[data-matrix="input"][data-receptive="true"]', (cs) => cs.map((c) => c.dataset.index));
  assert.deepEqual(inputs.sort(), ['0,0', '0,1', '0,2', '0,3']);
  // The probe is in the link.
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"probe":[8,0,3]'), null, { timeout: 5000 });
});

test('a link with a stack opens in the network view with its probe marked', async (t) => {
  const doc = {
    input: [[1, -2, 3, 0], [0, 1, -1, 2], [2, 0, 1, -3], [1, 1, 0, 2]],
    layers: [{ op: 'conv2d', weight: [[[[1, 0], [0, 1]]]] }, { op: 'relu' }, { op: 'max_pool2d', kernel_size: 2, stride: 1 }],
    probe: [3, 0, 0, 0],
    view: 'network',
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  await page.waitForSelector('td[data-matrix="layer_output"][data-layer="3"]');
  // conv: y1[i,j] = x[i,j] + x[i+1,j+1]: [[2,-3,5],[0,2,-4],[3,0,3]]; relu; max over 2x2 windows with stride 1.
  const values = await page.$$eval('td[data-matrix="layer_output"][data-layer="1"]', (cs) => cs.map((c) => Number(c.dataset.value)));
  assert.deepEqual(values, [2, -3, 5, 0, 2, -4, 3, 0, 3]);
  const pooled = await page.$$eval('td[data-matrix="layer_output"][data-layer="3"]', (cs) => cs.map((c) => Number(c.dataset.value)));
  assert.deepEqual(pooled, [2, 5, 3, 3]);
  // y3[0,0,0] = max(relu(2), relu(-3), relu(0), relu(2)): the first 2 wins (PyTorch keeps the first maximum).
  const winners = await page.$$eval('td[data-matrix="layer_output"][data-layer="2"][data-decided="true"]', (cs) => cs.map((c) => c.dataset.index));
  assert.deepEqual(winners, ['0,0,0']);
  assert.equal(await page.locator('td[data-matrix="input"][data-receptive="true"]').count(), 9);
  // Back from the winner (2 > 0, so its ReLU passes) through all four taps: a weight of 0 does not cut a path.
  assert.deepEqual(await page.$$eval('td[data-matrix="input"][data-decided="true"]', (cs) => cs.map((c) => c.dataset.index)),
    ['0,0,0', '0,0,1', '0,1,0', '0,1,1']);
});
