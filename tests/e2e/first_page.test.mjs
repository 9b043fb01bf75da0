// The first thing a learner sees: the seed's 2D example, computed correctly,
// and a shared link (#config=...) that opens a different example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, readMatrix, toGrid, configHash } from './harness.mjs';

test('first screen shows the 2D example with its output', async (t) => {
  const { page } = await openApp(t);

  // Indices c,i,j: one channel.
  assert.deepEqual(toGrid(await readMatrix(page, 'input')), [
    [
      [2, 1, -1, -1, 2],
      [-1, 1, 0, -2, 1],
      [-1, 0, -1, 0, -1],
      [-3, -2, -1, 1, -1],
      [-1, -3, -2, -3, -3],
    ],
  ]);
  // Indices f,c,i,j: one filter over one channel.
  assert.deepEqual(toGrid(await readMatrix(page, 'weight')), [
    [
      [
        [-2, 2, 0],
        [2, 2, 2],
        [-3, -1, -1],
      ],
    ],
  ]);
  // Indices f,i,j.
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [
    [
      [2, -5, 2],
      [12, 2, -5],
      [-2, 8, 12],
    ],
  ]);
});

test('a #config= link opens a 1D convolution with padding and flip', async (t) => {
  const hash = configHash({
    op: 'conv1d',
    input: [[1, 2, -1, 1, -3]],
    weight: [[[-1, 0, 1]]],
    padding: 1,
    flip: true,
  });
  const { page } = await openApp(t, { hash });

  const output = await readMatrix(page, 'output');
  // 1D indices f,i: '0,0'..'0,4'.
  assert.deepEqual(Object.keys(output).sort(), ['0,0', '0,1', '0,2', '0,3', '0,4']);
  assert.deepEqual(toGrid(output), [[-2, 2, 1, 2, 1]]);
});
