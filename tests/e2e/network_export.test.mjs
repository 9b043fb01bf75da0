// From and to PyTorch in the network view (issue #22): the export view's
// scripts for a stack, run with target/pyenv's python (NumPy, and torch where
// it imports), leave y1..yn equal to every layer's output the page draws and
// to the .json download; a pasted torch.nn.Sequential builds the stack, and
// what cannot be read is named at its line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configHash, openApp } from './harness.mjs';
import { PY, has, runPython } from './python.mjs';

const TORCH = has('torch');
console.log(TORCH
  ? '# notice: torch imports: the PyTorch scripts of the stacks are run too'
  : '# notice: torch is not installed for the network export tests; the PyTorch runs are skipped');

const choose = (page, id) => page.selectOption('select[aria-label="Load an example"]', id);

const run = (code) => runPython(code, "k == 'x' or (k[:1] == 'y' and k[1:].isdigit())");

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const at = (array, index) => index.split(',').map(Number).reduce((a, i) => a?.[i], array);

/** Every cell of nested lists as `{ 'i,j,k': v }`. */
function cells(array, prefix = []) {
  if (!Array.isArray(array)) return { [prefix.join(',')]: array };
  return Object.assign({}, ...array.map((a, i) => cells(a, [...prefix, i])));
}

/** The .json download of the export view on screen, parsed. */
async function downloadJson(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'All as one .json' }).click()]);
  const saved = path.join(os.tmpdir(), `convscope-net-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  await download.saveAs(saved);
  try {
    return JSON.parse(fs.readFileSync(saved, 'utf8'));
  } finally {
    fs.rmSync(saved, { force: true });
  }
}

/**
 * On the export view of a stack of `layers`: runs its NumPy script (and its
 * PyTorch one where torch imports) and compares every y_k with the model's
 * numbers (the .json download, every cell) and with `shown`, the cells the
 * network view drew (`{ k: { 'c,i,j': value } }`).
 */
async function checkScripts(page, label, layers, shown = {}) {
  const note = await page.locator('[data-export-network]').textContent();
  assert.match(note, new RegExp(`cover the network: its ${layers} layers .* leaves y1 to y${layers}`));
  const numpy = await page.locator('pre[data-export="numpy"]').textContent();
  const pytorch = await page.locator('pre[data-export="pytorch"]').textContent();
  assert.ok(numpy.includes(`y${layers} = `) && !numpy.includes(`y${layers + 1} = `), 'one line per layer');
  // The single op's scripts stay, behind a switch.
  assert.equal(await page.locator('details.export-op pre[data-export="numpy-op"]').count(), 1);
  const model = await downloadJson(page);
  for (let k = 1; k <= layers; k++) assert.ok(model[`y${k}`], `the .json offers y${k}`);
  assert.ok(await page.getByRole('button', { name: `y${layers}.npy`, exact: true }).isVisible());

  const scripts = [['NumPy', numpy]];
  if (TORCH) scripts.push(['PyTorch', pytorch]);
  for (const [who, code] of scripts) {
    const result = run(code);
    assert.deepEqual(result.x, model.input, `${who}: x is the input`);
    for (let k = 1; k <= layers; k++) {
      const got = result[`y${k}`];
      assert.ok(got, `${who}: the script left no y${k}`);
      let n = 0;
      for (const [index, v] of Object.entries(cells(model[`y${k}`]))) {
        assert.ok(close(at(got, index), v), `${who} y${k}[${index}]: model ${v}, script ${at(got, index)}`);
        n++;
      }
      assert.equal(n, Object.keys(cells(got)).length, `${who} y${k}: the shapes agree`);
      for (const [index, v] of Object.entries(shown[k] ?? {})) {
        assert.ok(close(at(got, index), v), `${who} y${k}[${index}]: page ${v}, script ${at(got, index)}`);
      }
    }
    console.log(`# ${label}: ${who} script ran, y1..y${layers} equal (${Object.keys(shown).length} layers drawn cell by cell)`);
  }
}

for (const [id, layers] of [['net-lenet', 6], ['net-causal', 8], ['net-autoencoder', 7]]) {
  test(`export of ${id}: the scripts leave y1..y${layers}, every layer's output`, async (t) => {
    assert.ok(fs.existsSync(PY) && has('numpy'), `${PY} with numpy is missing: scripts/setup.sh test installs it`);
    const { page } = await openApp(t);
    await choose(page, id);
    await page.waitForSelector('table[data-summary]');
    // What the network view draws (big layers are heatmaps: their drawn cells only).
    const shown = await page.$$eval('[data-matrix="layer_output"][data-layer]', (els) => {
      const out = {};
      for (const el of els) (out[el.dataset.layer] ??= {})[el.dataset.index] = Number(el.dataset.value);
      return out;
    });
    assert.ok(Object.keys(shown).length >= 1, 'the network view draws layer outputs');
    await page.getByRole('tab', { name: 'Export' }).click();
    await checkScripts(page, id, layers, shown);
  });
}

// Every setting the scripts write: reflect/replicate/circular/constant F.pad with a value,
// a grouped, flipped, dilated, strided conv with a padding mode, max pooling with
// padding, dilation and ceil_mode, average pooling with ceil_mode and count_include_pad
// false, a grouped transposed conv with output_padding; in 2D and in 1D.
const EVERY_SETTING = {
  '2D': [{
    input: [[[1, -2, 0, 3, 1, 2], [2, 1, -1, 0, 2, 0], [0, 3, 1, -2, 1, 1], [1, 0, 2, 1, -1, 3], [-1, 2, 0, 1, 3, 0]],
      [[0, 1, 2, -1, 1, 0], [1, -1, 0, 2, 0, 1], [2, 0, 1, 1, -2, 2], [0, 1, -1, 0, 1, 1], [1, 2, 0, -1, 0, 0]]],
    layers: [
      { op: 'conv2d', weight: { seed: 3, shape: [4, 1, 3, 2] }, bias: true, padding: [1, 2], groups: 2, padding_mode: 'reflect', flip: true, stride: [1, 2] },
      { op: 'relu' },
      { op: 'pad', pad: [1, 0, 2, 1], value: 0.5 },
      { op: 'max_pool2d', kernel_size: [3, 2], stride: [2, 1], padding: 1, dilation: [1, 2], ceil_mode: true },
      { op: 'avg_pool2d', kernel_size: 3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false },
      { op: 'pad', pad: [1, 1, 1, 1], mode: 'circular' },
      { op: 'conv_transpose2d', weight: { seed: 5, shape: [4, 1, 2, 3] }, bias: true, stride: 2, padding: 1, output_padding: [1, 0], groups: 2, dilation: [1, 2] },
      { op: 'avg_pool2d', kernel_size: 2, padding: 1 },
    ],
  }, 8],
  '1D': [{
    op: 'conv1d', input: [[1, 2, -1, 0, 3, 1, 2, 0, 1], [0, 1, 1, -2, 1, 2, 1, 1, -1]],
    layers: [
      { op: 'pad', pad: [2, 1], mode: 'reflect' },
      { op: 'conv1d', weight: { seed: 4, shape: [3, 2, 3] }, bias: true, dilation: 2, padding_mode: 'replicate', padding: 1 },
      { op: 'max_pool1d', kernel_size: 3, stride: 2, padding: 1, ceil_mode: true },
      { op: 'relu' },
      { op: 'avg_pool1d', kernel_size: 2, count_include_pad: false, padding: 1, ceil_mode: true },
      { op: 'conv_transpose1d', weight: { seed: 9, shape: [3, 2, 2] }, stride: 3 },
    ],
  }, 6],
};

for (const [name, [doc, layers]] of Object.entries(EVERY_SETTING)) {
  test(`export of a ${name} stack with every setting: the scripts leave y1..y${layers}`, async (t) => {
    assert.ok(fs.existsSync(PY) && has('numpy'), `${PY} with numpy is missing: scripts/setup.sh test installs it`);
    const { page } = await openApp(t, { hash: configHash({ ...doc, view: 'network' }) });
    await page.waitForSelector('table[data-summary]');
    const shown = await page.$$eval('[data-matrix="layer_output"][data-layer]', (els) => {
      const out = {};
      for (const el of els) (out[el.dataset.layer] ??= {})[el.dataset.index] = Number(el.dataset.value);
      return out;
    });
    assert.equal(Object.keys(shown).length, layers, 'every layer drawn cell by cell');
    await page.getByRole('tab', { name: 'Export' }).click();
    await checkScripts(page, `${name} stack`, layers, shown);
  });
}

test('a practice link that hides the answers offers no layer output', async (t) => {
  const doc = {
    input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], weight: [[1]],
    layers: [{ op: 'conv2d', weight: [[[[1, -1], [0, 2]]]], bias: [0.5] }, { op: 'relu' }],
    view: 'export', practice: true, reveal: false,
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  await page.waitForSelector('pre[data-export="numpy"]');
  const buttons = await page.$$eval('.export-buttons button', (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(buttons, ['input.npy', 'w1.npy', 'b1.npy', 'All as one .json']);
  assert.deepEqual(Object.keys(await downloadJson(page)), ['input', 'w1', 'b1']);
});

test('a pasted torch.nn.Sequential builds the stack; what cannot be read is named where it is', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: 'Network' }).click();
  const area = page.getByRole('textbox', { name: 'torch.nn.Sequential code' });
  // The example, as a learner copies it from a notebook.
  await area.fill('model = None  # not read\n');
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  assert.match(await page.locator('#sequential-error').textContent(), /line 1, column 7: /);
  await area.fill('nn.Sequential(\n    nn.Conv2d(3, 16, 3, padding=1),\n    nn.Dropout(0.5),\n)');
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  assert.equal(await page.locator('#sequential-error').textContent(), 'Not built: line 3, column 5: unknown layer nn.Dropout.');
  assert.equal(await page.locator('table[data-summary] tbody tr[data-layer]').count(), 1, 'nothing built: the input row alone');

  const pasted = 'torch.nn.Sequential(\n    nn.Conv2d(3, 16, 3, padding=1),  # keeps 5x5\n    nn.ReLU(),\n    nn.MaxPool2d(2),\n)';
  await area.fill(pasted);
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  await page.waitForSelector('table[data-summary] tr[data-layer="3"]');
  assert.equal(await page.locator('#sequential-error').count(), 0);
  const rows = await page.$$eval('table[data-summary] tbody tr[data-layer]', (rs) =>
    rs.map((r) => [r.dataset.layer, r.dataset.shape, r.dataset.params, r.dataset.macs].join(' ')));
  // The default 5x5 input takes the conv's 3 channels. Conv: 16·3·9 + 16 = 448 parameters,
  // 16·5·5·3·9 = 10800 multiply-adds; max pooling 2 gives floor(5/2) = 2.
  assert.deepEqual(rows, ['0 3,5,5 0 0', '1 16,5,5 448 10800', '2 16,5,5 0 0', '3 16,2,2 0 0']);
  assert.deepEqual(await page.$eval('table[data-summary] tr[data-total]', (r) => [r.dataset.params, r.dataset.macs]), ['448', '10800']);
  if (TORCH) {
    // PyTorch's own reading of the same text: each layer's output shape and parameter count.
    const torchRows = JSON.parse(execFileSync(PY, ['-c', `import json, torch
from torch import nn
model = eval(${JSON.stringify(pasted)})
y, rows = torch.zeros(1, 3, 5, 5), ['0 3,5,5 0']
for k, layer in enumerate(model, 1):
    y = layer(y)
    rows.append(f"{k} {','.join(map(str, y.shape[1:]))} {sum(p.numel() for p in layer.parameters())}")
print(json.dumps(rows))`], { encoding: 'utf8' }));
    assert.deepEqual(rows.map((r) => r.split(' ').slice(0, 3).join(' ')), torchRows);
    console.log('# the pasted Sequential, built by torch: the same shapes and parameters');
  } else {
    console.log('# notice: torch is not installed: the pasted Sequential is not built by torch');
  }
  // One undo brings back the empty stack and the one-channel input.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table[data-summary] tbody tr[data-layer]').length === 1);
  assert.equal(await page.$eval('table[data-summary] tr[data-layer="0"]', (r) => r.dataset.shape), '1,5,5');
});
