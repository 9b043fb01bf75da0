// The transposed-convolution view: the scatter of scaled kernel copies, the
// overlap sums, cropping, and the zero-inserted and matrix explanations.
// Expected values come from the seed (shared/seeds/001, "One-dimensional
// Example") or PyTorch 2.15 in float64 (the call is in a comment next to each
// literal; x and w are the config's input and weight as tensors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, readMatrix, toGrid, configHash } from './harness.mjs';

const cell = (name, index) => `[data-matrix="${name}"][data-index="${index}"]`;
const current = (page) =>
  page.$$eval('[aria-current="true"]', (els) => els.map((el) => `${el.dataset.matrix} ${el.dataset.index}`));
const hasClass = async (page, name, index, cls) =>
  (await page.locator(cell(name, index)).getAttribute('class')).split(' ').includes(cls);
const overlap = (page) => page.locator('.eq.overlap').textContent();

// [a, b] with [x, y, z], stride 2 -> [ax, ay, az + bx, by, bz], with a=2, b=3, x=5, y=7, z=11.
const SEED = { op: 'conv_transpose1d', input: [[2, 3]], weight: [[[5, 7, 11]]], stride: 2, view: 'transposed' };

test('the seed example: scatter, overlap sum, stepping', async (t) => {
  const { page } = await openApp(t, { hash: configHash(SEED) });
  // F.conv_transpose1d(x[None], w, stride=2)[0]
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [[10, 14, 37, 21, 33]]);
  // Step 0: x[0] = 2 scales the kernel; only its copy is on the canvas.
  assert.deepEqual(await current(page), ['transposed_input 0,0']);
  assert.deepEqual(toGrid(await readMatrix(page, 'scaled_kernel')), [[[10, 14, 22]]]);
  // F.conv_transpose1d(torch.tensor([[2., 0.]])[None], w, stride=2)[0]
  assert.deepEqual(toGrid(await readMatrix(page, 'canvas')), [[10, 14, 22, 0, 0]]);
  assert.ok(await hasClass(page, 'canvas', '0,2', 'placed'));
  assert.ok(!(await hasClass(page, 'canvas', '0,3', 'placed')));
  // The default selection is the first output cell the step touches.
  assert.equal(await overlap(page), 'y[0] = x[0]*w[0] = 2*5 = 10');

  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await current(page), ['transposed_input 0,1']);
  assert.deepEqual(toGrid(await readMatrix(page, 'scaled_kernel')), [[[15, 21, 33]]]);
  // After both steps the overlap at y[2] has added up: 22 + 15.
  assert.deepEqual(toGrid(await readMatrix(page, 'canvas')), [[10, 14, 37, 21, 33]]);

  await page.click(cell('output', '0,2'));
  assert.equal(await overlap(page), 'y[2] = x[0]*w[2] + x[1]*w[0] = 2*11 + 3*5 = 37');
  assert.ok(await hasClass(page, 'output', '0,2', 'selected'));
  assert.ok(await hasClass(page, 'transposed_input', '0,0', 'source'));
  assert.ok(await hasClass(page, 'transposed_input', '0,1', 'source'));
  // Hovering another cell selects it too.
  await page.hover(cell('output', '0,4'));
  assert.equal(await overlap(page), 'y[4] = x[1]*w[2] = 3*11 = 33');

  // Clicking an input cell steps to it.
  await page.click(cell('transposed_input', '0,0'));
  assert.deepEqual(await current(page), ['transposed_input 0,0']);
});

test('the explanations switch and follow the step', async (t) => {
  const { page } = await openApp(t, { hash: configHash(SEED) });
  assert.equal(await page.locator('[data-matrix="zero_inserted"]').count(), 0);

  await page.getByRole('button', { name: 'Zero-inserted convolution' }).click();
  // s-1 = 1 zero between the cells, d(k-1) - p = 2 zeros around.
  assert.deepEqual(toGrid(await readMatrix(page, 'zero_inserted')), [[0, 0, 2, 0, 3, 0, 0]]);
  assert.ok(await hasClass(page, 'zero_inserted', '0,0', 'pad'));
  // w.flip(-1): indices f, c, k.
  assert.deepEqual(toGrid(await readMatrix(page, 'flipped_kernel')), [[[11, 7, 5]]]);
  // Its own sliding window: one step per output cell. F.conv1d(torch.tensor([[0., 0, 2, 0, 3, 0, 0]])[None],
  // w.flip(-1))[0] == F.conv_transpose1d(x[None], w, stride=2)[0]: step 2's window covers [2, 0, 3].
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [[10, 14, 37, 21, 33]]);
  assert.deepEqual(await current(page), ['output 0,0']);
  assert.ok(await hasClass(page, 'zero_inserted', '0,2', 'tap'), 'window 0 covers positions 0..2');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await current(page), ['output 0,2']);
  assert.ok(!(await hasClass(page, 'zero_inserted', '0,1', 'tap')));
  assert.ok(await hasClass(page, 'zero_inserted', '0,4', 'tap'));
  assert.equal(await page.locator('.eq').first().textContent(), '2*11 + 0*7 + 3*5 = 37');
  assert.equal(await overlap(page), 'Without the zeros, the overlap sum: y[2] = x[0]*w[2] + x[1]*w[0] = 2*11 + 3*5 = 37');
  assert.match(await page.locator('.view-note').innerText(), /slide it with stride 1/);

  await page.getByRole('button', { name: 'Matrix' }).click();
  assert.equal(await page.locator('[data-matrix="zero_inserted"]').count(), 0);
  // torch.autograd.functional.jacobian(lambda x: F.conv_transpose1d(x[None], w, stride=2)[0], x).reshape(5, 2).T
  assert.deepEqual(toGrid(await readMatrix(page, 'conv_matrix')), [
    [5, 7, 11, 0, 0],
    [0, 0, 5, 7, 11],
  ]);
  assert.deepEqual(toGrid(await readMatrix(page, 'input_flat')), [2, 3]);
  // C^T x: F.conv_transpose1d(x[None], w, stride=2)[0].flatten()
  assert.deepEqual(toGrid(await readMatrix(page, 'canvas_flat')), [10, 14, 37, 21, 33]);
  // Switching explanation starts over (the zero-inserted form walks output cells,
  // the others input cells); step 1 is row 1 of C.
  assert.ok(await hasClass(page, 'conv_matrix', '0,2', 'row'));
  await page.keyboard.press('ArrowRight');
  assert.ok(await hasClass(page, 'conv_matrix', '1,2', 'row'));
  assert.ok(!(await hasClass(page, 'conv_matrix', '0,2', 'row')));
  await page.keyboard.press('Home');
  assert.ok(await hasClass(page, 'conv_matrix', '0,2', 'row'));
  // The output stays, whichever explanation is open.
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [[10, 14, 37, 21, 33]]);
});

test('2D: stride 2, padding 1, output_padding 1; cropped and extra cells', async (t) => {
  const doc = {
    op: 'conv_transpose2d',
    input: [[[1, 2], [3, 4]]],
    weight: [[[[1, 0, -1], [2, 1, 0], [0, 1, 1]]]],
    stride: 2,
    padding: 1,
    output_padding: 1,
    view: 'transposed',
    step: 3,
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // F.conv_transpose2d(x[None], w, stride=2, padding=1, output_padding=1)[0]
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [
    [
      [1, 4, 2, 0],
      [1, 2, 2, -2],
      [3, 8, 4, 0],
      [3, 3, 4, 4],
    ],
  ]);
  // The last step's canvas is the uncropped result: F.conv_transpose2d(x[None], w, stride=2)[0]
  assert.deepEqual(toGrid(await readMatrix(page, 'canvas')), [
    [
      [1, 0, 1, 0, -2],
      [2, 1, 4, 2, 0],
      [3, 1, 2, 2, -2],
      [6, 3, 8, 4, 0],
      [0, 3, 3, 4, 4],
    ],
  ]);
  assert.deepEqual(await current(page), ['transposed_input 0,1,1']);
  // Padding 1 crops row 0 and column 0; output_padding keeps row 4 and column 4.
  assert.ok(await hasClass(page, 'canvas', '0,0,3', 'cropped'));
  assert.ok(await hasClass(page, 'canvas', '0,2,0', 'cropped'));
  assert.ok(await hasClass(page, 'canvas', '0,4,2', 'extra'));
  assert.ok(await hasClass(page, 'output', '0,3,1', 'extra'));
  assert.ok(!(await hasClass(page, 'output', '0,2,2', 'extra')));
  await page.click(cell('output', '0,2,1'));
  // y[2,1] is canvas [3,2] = x[1,1]*w[1,0] ... summed over the copies that reach it.
  assert.equal(await overlap(page), 'y[2,1] = x[1,0]*w[1,2] + x[1,1]*w[1,0] = 3*0 + 4*2 = 8');
  const size = await page.locator('.eq.size').allTextContents();
  assert.deepEqual(size, [
    'height: full (H-1)s + d(k-1) + 1 = (2-1)*2 + 1*(3-1) + 1 = 5, minus 2p = 2, plus output_padding 1 = 4',
    'width: full (W-1)s + d(k-1) + 1 = (2-1)*2 + 1*(3-1) + 1 = 5, minus 2p = 2, plus output_padding 1 = 4',
  ]);
  // The direct convolution on the zero-inserted input gives the same output,
  // a window per output cell: step 0 is y[0,0].
  const output = await readMatrix(page, 'output');
  await page.getByRole('button', { name: 'Zero-inserted convolution' }).click();
  assert.deepEqual(await readMatrix(page, 'output'), output);
  assert.deepEqual(await current(page), ['output 0,0,0']);
});

test('groups 2, stride 3, dilation 2, padding 1, output_padding 2, bias', async (t) => {
  const doc = {
    op: 'conv_transpose2d',
    input: [
      [[1, -2, 3], [0, 1, -1]],
      [[2, 0, -1], [1, 3, 1]],
      [[-1, 1, 0], [2, -2, 1]],
      [[0, 2, 1], [-3, 1, 2]],
    ],
    weight: [[[[1, -1], [2, 0]]], [[[0, 1], [-1, 3]]], [[[2, 1], [1, -2]]], [[[-1, 0], [1, 1]]]],
    bias: [0.5, -1],
    stride: 3,
    padding: 1,
    output_padding: 2,
    dilation: 2,
    groups: 2,
    view: 'transposed',
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // F.conv_transpose2d(x[None], w, torch.tensor([0.5, -1.]), stride=3, padding=1, output_padding=2, groups=2, dilation=2)[0]
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [
    [
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
      [0.5, 6.5, -3.5, 0.5, 0.5, 7.5, 0.5, -2.5, 0.5],
      [0.5, 1.5, 1.5, 0.5, 2.5, -0.5, 0.5, 2.5, 0.5],
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
      [0.5, 3.5, -0.5, 0.5, 9.5, -2.5, 0.5, 3.5, 0.5],
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    ],
    [
      [-1, -1, -1, -1, -1, -1, -1, -1, -1],
      [-1, 1, 2, -1, -1, 0, -1, 0, -1],
      [-1, 1, -6, -1, -3, -1, -1, 0, -1],
      [-1, -1, -1, -1, -1, -1, -1, -1, -1],
      [-1, -8, -2, -1, 4, 2, -1, -1, -1],
      [-1, -1, -1, -1, -1, -1, -1, -1, -1],
    ],
  ]);
  // Step 6 is x[1,0,0]: channel 1 is in group 0, so its copy lands in filter 0 only.
  await page.keyboard.press('End');
  assert.deepEqual(await current(page), ['transposed_input 3,1,2']);
  await page.click(cell('transposed_input', '1,0,0'));
  assert.deepEqual(await current(page), ['transposed_input 1,0,0']);
  const placed = await page.$$eval('[data-matrix="canvas"].placed', (els) => els.map((el) => el.dataset.index));
  assert.ok(placed.length === 4 && placed.every((i) => i.startsWith('0,')), placed.join(' '));
  // Two channels feed each filter: channel indices are written out.
  await page.click(cell('output', '0,1,1'));
  // 6.5 = 1*0 (x[0,0,0]*w[0,0,1,1]) + 2*3 (x[1,0,0]*w[1,0,1,1]) + the bias 0.5
  assert.equal(
    await overlap(page),
    'y[0,1,1] = x[0,0,0]*w[0,0,1,1] + x[1,0,0]*w[1,0,1,1] + b[0] = 1*0 + 2*3 + 0.5 = 6.5',
  );
});

test('1D: stride 1, padding 1, two input channels, three output channels', async (t) => {
  const doc = {
    op: 'conv_transpose1d',
    input: [
      [1, -1, 2, 0],
      [3, 1, -2, 1],
    ],
    weight: [
      [
        [1, 2, -1],
        [0, 1, 1],
        [2, -1, 0],
      ],
      [
        [-1, 0, 1],
        [1, 1, 1],
        [0, 2, -2],
      ],
    ],
    padding: 1,
    view: 'transposed',
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // F.conv_transpose1d(x[None], w, stride=1, padding=1)[0]
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [
    [0, 4, 5, -4],
    [5, 2, 1, 1],
    [3, 1, -8, 6],
  ]);
  // The canvas is (F, W + k - 1) = (3, 6) with the first and last columns cropped.
  const canvas = toGrid(await readMatrix(page, 'canvas'));
  assert.deepEqual([canvas.length, canvas[0].length], [3, 6]);
  assert.ok(await hasClass(page, 'canvas', '2,0', 'cropped'));
  assert.ok(await hasClass(page, 'canvas', '2,5', 'cropped'));
  // Scaled kernel of step 0, x[0,0] = 1: indices c, f, k.
  assert.deepEqual(toGrid(await readMatrix(page, 'scaled_kernel')), [
    [
      [1, 2, -1],
      [0, 1, 1],
      [2, -1, 0],
    ],
  ]);
});

test('2D: stride (2, 3), dilation (1, 2), padding (0, 2), output_padding (1, 0), two filters', async (t) => {
  const doc = {
    op: 'conv_transpose2d',
    input: [[[1, 2, -1], [0, -2, 3]]],
    weight: [
      [
        [[1, -1, 2], [3, 0, 1]],
        [[0, 2, 1], [-1, 1, 1]],
      ],
    ],
    bias: [1, -2],
    stride: [2, 3],
    padding: [0, 2],
    output_padding: [1, 0],
    dilation: [1, 2],
    view: 'transposed',
  };
  const { page } = await openApp(t, { hash: configHash(doc) });
  // F.conv_transpose2d(x[None], w, torch.tensor([1., -2.]), stride=(2, 3), padding=(0, 2), output_padding=(1, 0), dilation=(1, 2))[0]
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [
    [
      [0, 3, 3, -1, 0, 5, 2],
      [1, 7, 2, 1, -2, 3, 1],
      [1, -1, 1, 3, 4, -3, -2],
      [1, -5, 1, 1, 10, -1, 1],
      [1, 1, 1, 1, 1, 1, 1],
    ],
    [
      [0, -2, -1, 2, -2, 0, -4],
      [-1, -4, -1, 0, -1, 0, -3],
      [-2, -2, -2, -6, -2, -4, 4],
      [-2, 0, -2, -4, -5, -4, 1],
      [-2, -2, -2, -2, -2, -2, -2],
    ],
  ]);
  // The last output row is output_padding's: beyond every copy, it holds the bias.
  assert.ok(await hasClass(page, 'output', '1,4,3', 'extra'));
  assert.ok(await hasClass(page, 'canvas', '0,4,3', 'extra'));
});

test('the matrix form of a large problem says why it is not shown', async (t) => {
  const input = [Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => (i + j) % 3))];
  const doc = { op: 'conv_transpose2d', input, weight: [[[[1, 0, 1], [0, 1, 0], [1, 0, 1]]]], view: 'transposed' };
  const { page } = await openApp(t, { hash: configHash(doc) });
  await page.getByRole('button', { name: 'Matrix' }).click();
  // 64 input cells x a 10x10 canvas.
  await page.getByText('the matrix form has 6400 elements, more than the limit of 4096').waitFor();
  assert.equal(await page.locator('[data-matrix="conv_matrix"]').count(), 0);
  assert.equal(await page.locator('[data-matrix="output"]').count(), 100);
});

test('the overlap sums grow step by step in "output so far"', async (t) => {
  const { page } = await openApp(t, { hash: configHash(SEED) });
  // Step 0: only x[0]'s copy [10, 14, 22] has landed; the final output is already there.
  assert.deepEqual(toGrid(await readMatrix(page, 'output_so_far')), [[10, 14, 22, 0, 0]]);
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [[10, 14, 37, 21, 33]]);
  assert.ok(await hasClass(page, 'output_so_far', '0,2', 'placed'));
  assert.ok(!(await hasClass(page, 'output', '0,2', 'placed')), 'the final totals are not "placed this step"');
  // Step 1: x[1]'s copy [15, 21, 33] lands at 2..4; y[2] grows from 22 to 37.
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(toGrid(await readMatrix(page, 'output_so_far')), [[10, 14, 37, 21, 33]]);
  assert.match(await page.locator(cell('output_so_far', '0,2')).innerText(), /\+15/);
});
