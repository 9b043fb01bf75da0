// The backprop view: grad_input, grad_weight and grad_bias of a convolution
// for an upstream gradient dY, each cell steppable with the terms of its sum.
// Expected values come from PyTorch 2.15 autograd in float64: with
// x, w, b the config's tensors (requires_grad) and dy its grad_output,
//   y = F.conv2d(x[None], w, b, ...)[0]; y.backward(dy)
// and the literal is x.grad, w.grad or b.grad (the call is in a comment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, readMatrix, toGrid, configHash } from './harness.mjs';

const cell = (name, index) => `[data-matrix="${name}"][data-index="${index}"]`;
const current = (page) =>
  page.$$eval('[aria-current="true"]', (els) => els.map((el) => `${el.dataset.matrix} ${el.dataset.index}`));
const hasClass = async (page, name, index, cls) =>
  (await page.locator(cell(name, index)).getAttribute('class')).split(' ').includes(cls);
const marked = (page, name, cls) =>
  page.$$eval(`[data-matrix="${name}"].${cls}`, (els) => els.map((el) => el.dataset.index));
const equation = (page) => page.locator('.backprop-view .equation .eq').textContent();

// Two channels, two filters, 3x3 kernels, stride 2, padding 1, a bias, a non-ones dY.
const STRIDED = {
  op: 'conv2d',
  input: [
    [
      [1, 2, 0, -1, 1],
      [3, -2, 1, 0, 2],
      [0, 1, 2, 1, -1],
      [-1, 0, 1, 3, 0],
      [2, 1, -1, 0, 1],
    ],
    [
      [0, 1, -1, 2, 1],
      [1, 0, 2, -1, 0],
      [-2, 1, 0, 1, 3],
      [1, -1, 2, 0, 1],
      [0, 2, 1, -2, 1],
    ],
  ],
  weight: [
    [
      [[1, -1, 0], [2, 0, 1], [-1, 1, 1]],
      [[0, 1, 2], [1, -1, 0], [2, 0, -1]],
    ],
    [
      [[-1, 0, 1], [1, 2, -1], [0, 1, 0]],
      [[1, 1, 0], [0, -2, 1], [1, 0, 1]],
    ],
  ],
  bias: [0.5, -1],
  stride: 2,
  padding: 1,
  grad_output: [
    [[1, 2, -1], [0, 3, 1], [2, -1, 1]],
    [[-1, 0, 2], [1, 1, -2], [0, 3, 1]],
  ],
  view: 'backprop',
};

test('stride 2, padding 1: the three gradients equal PyTorch autograd', async (t) => {
  const { page } = await openApp(t, { hash: configHash(STRIDED) });
  // The read-only copy of dY is the document's grad_output.
  assert.deepEqual(toGrid(await readMatrix(page, 'dy')), STRIDED.grad_output);
  // F.conv2d(x[None], w, b, stride=2, padding=1)[0].backward(dy); x.grad
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_input')), [
    [
      [-2, 6, 0, 2, 4],
      [0, 2, -1, 7, 0],
      [2, 6, 2, 2, -4],
      [-1, -7, 5, 5, -2],
      [0, 3, 6, -1, 2],
    ],
    [
      [1, 1, -2, -1, -3],
      [1, 3, 4, 2, -1],
      [-2, 4, -5, 2, 3],
      [2, 15, 2, -3, 2],
      [-2, -1, -5, 4, -3],
    ],
  ]);
  // F.conv2d(x[None], w, b, stride=2, padding=1)[0].backward(dy); w.grad
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_weight')), [
    [
      [
        [-3, 2, -3],
        [8, 11, 5],
        [-1, 6, 7],
      ],
      [
        [0, 7, -5],
        [0, 0, 14],
        [-2, 12, -2],
      ],
    ],
    [
      [
        [1, 3, 7],
        [0, 3, 0],
        [-6, 1, 5],
      ],
      [
        [-1, 10, -1],
        [7, -2, -5],
        [-3, 0, -1],
      ],
    ],
  ]);
  // F.conv2d(x[None], w, b, stride=2, padding=1)[0].backward(dy); b.grad
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_bias')), [8, 5]);
});

test('stepping, focusing and clicking gradient cells', async (t) => {
  const { page } = await openApp(t, { hash: configHash(STRIDED) });
  assert.deepEqual(await current(page), ['grad_input 0,0,0']);
  // x[0,0,0] sits at padded (1,1): only the first window of each filter reads it, under tap (1,1).
  assert.deepEqual(await marked(page, 'dy', 'source'), ['0,0,0', '1,0,0']);
  assert.deepEqual(await marked(page, 'backprop_weight', 'source'), ['0,0,1,1', '1,0,1,1']);
  assert.deepEqual(await marked(page, 'backprop_input', 'selected'), ['0,1,1']);
  assert.equal(await equation(page), 'dx[0,0,0] = dy[0,0,0]*w[0,0,1,1] + dy[1,0,0]*w[1,0,1,1] = 1*0 + (-1)*2 = -2');

  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await current(page), ['grad_input 0,0,1']);

  await page.getByRole('button', { name: 'dW (grad_weight)' }).click();
  assert.deepEqual(await current(page), ['grad_weight 0,0,0,0']);
  assert.match(await equation(page), /^dw\[0,0,0,0\] = .* = -3$/);
  // w[0,0,0,0] meets every dY cell of filter 0 (nine window positions).
  assert.equal((await marked(page, 'dy', 'source')).length, 9);
  assert.ok((await marked(page, 'dy', 'source')).every((i) => i.startsWith('0,')));

  await page.click(cell('grad_bias', '1'));
  assert.deepEqual(await current(page), ['grad_bias 1']);
  assert.equal(await page.getByRole('button', { name: 'db (grad_bias)' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await equation(page), 'db[1] = -1 + 0 + 2 + 1 + 1 - 2 + 0 + 3 + 1 = 5');

  // A click on a grad_input cell focuses dX and steps there.
  await page.click(cell('grad_input', '1,3,1'));
  assert.deepEqual(await current(page), ['grad_input 1,3,1']);
  assert.equal(await page.getByRole('button', { name: 'dX (grad_input)' }).getAttribute('aria-pressed'), 'true');
  assert.match(await equation(page), /^dx\[1,3,1\] = .* = 15$/);
  assert.ok(await hasClass(page, 'backprop_input', '1,4,2', 'selected'));
});

test('groups 2 and dilation 2: each filter sends gradients to its own channels', async (t) => {
  const doc = {
    op: 'conv2d',
    input: [
      [[1, 0, 2, -1], [2, 1, 0, 1], [0, -1, 1, 2], [1, 2, -2, 0]],
      [[0, 1, 1, 2], [-1, 0, 2, 1], [1, 1, 0, -1], [2, 0, 1, 1]],
      [[2, -1, 0, 1], [1, 1, 1, 0], [0, 2, -1, 1], [-1, 0, 1, 2]],
      [[1, 1, -1, 0], [0, 2, 1, 1], [2, 0, 0, -2], [1, -1, 1, 0]],
    ],
    weight: [
      [
        [[1, 2], [0, -1]],
        [[2, 0], [1, 1]],
      ],
      [
        [[-1, 1], [1, 0]],
        [[0, 2], [-2, 1]],
      ],
    ],
    dilation: 2,
    groups: 2,
    grad_output: [
      [[1, -1], [2, 0]],
      [[3, 1], [-1, 2]],
    ],
    view: 'backprop',
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // F.conv2d(x[None], w, b, dilation=2, groups=2)[0].backward(dy); x.grad
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_input')), [
    [
      [1, -1, 2, -2],
      [2, 0, 4, 0],
      [0, 0, -1, 1],
      [0, 0, -2, 0],
    ],
    [
      [2, -2, 0, 0],
      [4, 0, 0, 0],
      [1, -1, 1, -1],
      [2, 0, 2, 0],
    ],
    [
      [-3, -1, 3, 1],
      [1, -2, -1, 2],
      [3, 1, 0, 0],
      [-1, 2, 0, 0],
    ],
    [
      [0, 0, 6, 2],
      [0, 0, -2, 4],
      [-6, -2, 3, 1],
      [2, -4, -1, 2],
    ],
  ]);
  // F.conv2d(x[None], w, b, dilation=2, groups=2)[0].backward(dy); w.grad
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_weight')), [
    [
      [
        [5, 3],
        [3, -5],
      ],
      [
        [-3, 3],
        [4, 3],
      ],
    ],
    [
      [
        [6, 0],
        [3, 1],
      ],
      [
        [8, -2],
        [3, -3],
      ],
    ],
  ]);
  // No bias in this document, so PyTorch has no b.grad: db is dY summed per filter,
  // dy.sum(dim=(1, 2)) with the dy above.
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_bias')), [2, 5]);
  // Channel 2 is in group 1: only filter 1's dY reaches it.
  await page.click(cell('grad_input', '2,0,0'));
  assert.ok((await marked(page, 'dy', 'source')).every((i) => i.startsWith('1,')));
});

test('1D: stride 2, padding 2, dilation 2', async (t) => {
  const doc = {
    op: 'conv1d',
    input: [[1, -2, 3, 0, 1, 2, -1]],
    weight: [[[2, -1, 1]]],
    stride: 2,
    padding: 2,
    dilation: 2,
    grad_output: [[1, -1, 2, 3]],
    view: 'backprop',
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // F.conv1d(x[None], w, b, stride=2, padding=2, dilation=2)[0].backward(dy); x.grad
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_input')), [[-3, 0, 6, 0, 3, 0, -1]]);
  // ... w.grad, indices f, c, k
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_weight')), [[[8, -3, 0]]]);
  // No bias in the document: db is dy.sum() = 1 - 1 + 2 + 3.
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_bias')), [5]);
  // x[1] lies between the dilated taps of every window: no window reads it.
  await page.click(cell('grad_input', '0,1'));
  assert.equal(await equation(page), 'dx[1] = 0 (no window covers this cell)');
});

test('a link reopens the gradient in focus and its step; the explanation of a transposed view too', async (t) => {
  // grad_weight is (2, 2, 3, 3): step 10 is row-major cell [0, 1, 0, 1] (10 = 0*18 + 1*9 + 0*3 + 1).
  const { page } = await openApp(t, { hash: configHash({ ...STRIDED, gradient: 'weight', step: 10 }) });
  assert.deepEqual(await current(page), ['grad_weight 0,1,0,1']);
  assert.equal(await page.getByRole('button', { name: 'dW (grad_weight)' }).getAttribute('aria-pressed'), 'true');
  // And the address bar keeps them while the learner steps on.
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"step":11'));
  assert.match(decodeURIComponent(await page.evaluate(() => location.hash)), /"gradient":"weight"/);

  const doc = { op: 'conv_transpose1d', input: [[2, 3]], weight: [[[5, 7, 11]]], stride: 2, explain: 'matrix' };
  const other = await openApp(t, { hash: configHash(doc) });
  await other.page.locator('[data-matrix="conv_matrix"]').first().waitFor();
  assert.equal(await other.page.getByRole('tab', { name: 'Transposed' }).getAttribute('aria-selected'), 'true');
});
