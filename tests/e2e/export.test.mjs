// The export view's code recomputes the page's numbers: for a range of states
// (every op, groups, dilation, each padding mode, padding 'same'/'valid', flip, bias, a custom dY), the
// NumPy script is run with python3 + NumPy (a venv the test command installs)
// and the PyTorch script with torch where it is installed; y, dx, dw and db
// are compared with the cells the page shows. The .npy files load in NumPy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configHash, openApp, readMatrix } from './harness.mjs';
import { PY, has, runPython } from './python.mjs';

const TORCH = has('torch');
if (!TORCH) console.log('# notice: torch is not installed for the export tests; the PyTorch runs are skipped');

const X = [[[1, -2, 0, 3, 1], [2, 1, -1, 0, 2], [0, 3, 1, -2, 1], [1, 0, 2, 1, -1], [-1, 2, 0, 1, 3]],
  [[0, 1, 2, -1, 1], [1, -1, 0, 2, 0], [2, 0, 1, 1, -2], [0, 1, -1, 0, 1], [1, 2, 0, -1, 0]]];
const W2 = [[[[1, 0, -1], [2, 1, 0], [0, -1, 1]], [[0.5, 1, 0], [-1, 0, 2], [1, 1, -0.25]]]];
const CASES = [
  ['conv2d, bias, stride 2, padding 1', { input: X, weight: W2, bias: [0.5], stride: 2, padding: 1 }],
  ['conv2d, dilation 2, groups 2, a custom dY', {
    input: X, weight: [[[[1, 2], [0, -1]]], [[[2, 0], [1, 1]]]], dilation: 2, groups: 2,
    grad_output: [[[1, 2, 0], [0, 1, -1], [2, 1, 1]], [[-1, 0, 1], [1, 1, 0], [0, 2, 1]]],
  }],
  ['conv2d, reflect padding', { input: X, weight: W2, padding: 1, padding_mode: 'reflect' }],
  ['conv2d, replicate padding, [h, w] padding', { input: X, weight: W2, padding: [2, 1], padding_mode: 'replicate' }],
  ['conv2d, circular padding, flip', { input: X, weight: W2, bias: [-1], padding: 2, padding_mode: 'circular', flip: true }],
  ['conv1d, stride 2, padding 1, bias', { op: 'conv1d', input: [[1, 2, -1, 0, 3, 1], [0, 1, 1, -2, 1, 2]], weight: [[[1, 0, -1], [2, 1, 0]], [[0, 1, 1], [-1, 0, 2]]], bias: [1, -0.5], stride: 2, padding: 1 }],
  // padding='same' pads the odd cell after (bottom/right); 'valid' none.
  ['conv2d, padding same, an even 2x4 kernel, bias', { input: X, weight: [[[[1, 0, -1, 2], [0, 1, 1, 0]], [[2, -1, 0, 1], [1, 1, 0, -2]]]], bias: [0.5], padding: 'same' }],
  ['conv2d, padding same, dilation 2, reflect', { input: X, weight: W2, dilation: 2, padding: 'same', padding_mode: 'reflect' }],
  ['conv1d, padding same, kernel 4, circular', { op: 'conv1d', input: [[1, 2, -1, 0, 3, 1]], weight: [[[1, 0, -1, 2]]], padding: 'same', padding_mode: 'circular' }],
  ['conv2d, padding valid, stride 2', { input: X, weight: W2, stride: 2, padding: 'valid' }],
  ['conv_transpose2d, stride 2, padding 1, output_padding 1, bias', { op: 'conv_transpose2d', input: [[1, 2], [3, 4]], weight: [[1, 0, 1], [0, 1, 0], [1, 0, 1]], bias: [0.25], stride: 2, padding: 1, output_padding: 1 }],
  ['conv_transpose2d, groups 2, dilation 2', { op: 'conv_transpose2d', input: [[[1, 2], [0, -1]], [[2, 1], [1, 0]]], weight: [[[[1, 2], [0, 1]]], [[[0, 1], [1, -1]]]], groups: 2, dilation: 2 }],
  ['conv_transpose1d, stride 3', { op: 'conv_transpose1d', input: [[1, -2, 3]], weight: [[[1, 2, -1]]], stride: 3 }],
];

const run = (code) => runPython(code, "k in ('y', 'dx', 'dw', 'db')");

/** Each page cell `{ 'i,j,k': v }` equals the script's array at that index. */
function same(label, page, array) {
  assert.ok(array, `${label}: the script left nothing`);
  let n = 0;
  for (const [index, v] of Object.entries(page)) {
    const got = index.split(',').map(Number).reduce((a, i) => a?.[i], array);
    assert.ok(Math.abs(got - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${label}[${index}]: page ${v}, script ${got}`);
    n++;
  }
  assert.ok(n > 0, `${label}: no cells on the page`);
}

for (const [name, doc] of CASES) {
  test(`export: ${name}`, async (t) => {
    assert.ok(fs.existsSync(PY) && has('numpy'), `${PY} with numpy is missing: scripts/setup.sh test installs it`);
    const { page } = await openApp(t, { hash: configHash({ ...doc, view: 'export' }) });
    const numpy = await page.locator('pre[data-export="numpy"]').textContent();
    const pytorch = await page.locator('pre[data-export="pytorch"]').textContent();
    const transposed = doc.op?.startsWith('conv_transpose');
    await page.getByRole('tab', { name: transposed ? 'Transposed convolution' : 'Forward' }).click();
    // The transposed view is a chunk: it may still be fetched.
    await page.waitForSelector('[data-matrix="output"]');
    const shown = { y: await readMatrix(page, 'output') };
    if (!transposed) {
      await page.getByRole('tab', { name: 'Backprop' }).click();
      // The backprop view is a chunk: it may still be fetched.
      await page.waitForSelector('[data-matrix="grad_input"]');
      shown.dx = await readMatrix(page, 'grad_input');
      shown.dw = await readMatrix(page, 'grad_weight');
      if (doc.bias) shown.db = await readMatrix(page, 'grad_bias');
    }
    const scripts = [['NumPy', numpy]];
    if (TORCH) scripts.push(['PyTorch', pytorch]);
    for (const [who, code] of scripts) {
      const result = run(code);
      for (const [k, cells] of Object.entries(shown)) same(`${who} ${k}`, cells, result[k]);
      if (!doc.bias) assert.equal(result.db ?? null, null, `${who}: no db without a bias`);
    }
  });
}

test('the .npy downloads load in NumPy with the shown numbers', async (t) => {
  const doc = CASES[0][1];
  const { page } = await openApp(t, { hash: configHash({ ...doc, view: 'export' }) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convscope-npy-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const name of ['input', 'output', 'grad_weight']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `${name}.npy`, exact: true }).click()]);
    assert.equal(download.suggestedFilename(), `${name}.npy`);
    await download.saveAs(path.join(dir, `${name}.npy`));
  }
  const loaded = JSON.parse(execFileSync(PY, ['-c', `import json, numpy as np
print(json.dumps({n: np.load('${dir}/' + n + '.npy').tolist() for n in ['input', 'output', 'grad_weight']}))`], { encoding: 'utf8' }));
  assert.deepEqual(loaded.input, doc.input);
  await page.getByRole('tab', { name: 'Forward' }).click();
  same('output.npy', await readMatrix(page, 'output'), loaded.output);
});

test('without a clipboard (plain http) the code is offered with its lines, to copy by hand', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...CASES[0][1], view: 'export' }) });
  await page.evaluate(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true }));
  await page.getByRole('button', { name: 'Copy NumPy code' }).click();
  const area = page.locator('.copy-fallback textarea');
  await area.waitFor();
  const text = await area.inputValue();
  assert.equal(text, await page.locator('pre[data-export="numpy"]').textContent());
  assert.ok(text.split('\n').length > 20, 'the script keeps its lines');
});
