// What a newcomer trips on (issue 14): a broken link must stay in the address
// bar, the example menu names what is on screen, and the tutorials' missing
// examples give their numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, readMatrix, toGrid, typeInto } from './harness.mjs';

const choose = (page, id) => page.selectOption('select[aria-label="Load an example"]', id);

test('a broken link stays in the address bar until the learner changes something', async (t) => {
  const broken = '#config=' + encodeURIComponent('{"input": [[1, 2], [3]], "weight": [[1]]}');
  const { page } = await openApp(t, { hash: broken });
  await page.getByRole('alert').waitFor();
  // Longer than the address bar's 150 ms delay: nothing may overwrite the link.
  await page.waitForTimeout(600);
  assert.equal(await page.evaluate(() => location.hash), broken);
  // A change by the learner is theirs to keep: the address follows it.
  await typeInto(page, 'input[data-matrix="input"][data-index="0,0,0"]', '8');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"input":[[[8,'));
  assert.notEqual(await page.evaluate(() => location.hash), broken);
});

test('the example menu names the example on screen, with its note', async (t) => {
  const { page } = await openApp(t);
  const menu = page.locator('select[aria-label="Load an example"]');
  // The first open's example is named, not "choose…" (#23).
  assert.equal(await menu.inputValue(), 'seed-2d');
  await choose(page, 'seed-transpose-2d');
  assert.equal(await menu.inputValue(), 'seed-transpose-2d');
  assert.match(await menu.locator('option:checked').innerText(), /output_padding 1/);
  assert.match(await page.getByRole('note').innerText(), /adds output_padding 1/);
  // Editing makes it the learner's own problem: the menu no longer names it.
  await typeInto(page, 'input[data-matrix="input"][data-index="0,0,0"]', '5');
  await page.waitForFunction(() => document.querySelector('select[aria-label="Load an example"]').value === '');
  assert.equal(await menu.locator('option:checked').innerText(), 'your own');
  assert.equal(await page.getByRole('note').count(), 0);
});

test("the tutorials' 6x6 example and backprop example give their numbers", async (t) => {
  const { page } = await openApp(t);
  await choose(page, 'seed-6x6');
  // seeds/002: a 6x6 matrix and a 3x3 filter give a 4x4 output.
  const y = toGrid(await readMatrix(page, 'output'))[0];
  assert.deepEqual([y.length, y[0].length], [4, 4]);
  assert.deepEqual(y[0], [0, -27, -27, 0]);

  await choose(page, 'seed-backprop-1x1');
  // The backprop view is a chunk: it may still be fetched when the example opens.
  await page.waitForSelector('[data-matrix="grad_bias"]');
  // seeds/001, x (3, 2, 2), a 1x1 filter over 3 channels, dY = ones.
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_input')), [
    [[1, 1], [1, 1]],
    [[10, 10], [10, 10]],
    [[100, 100], [100, 100]],
  ]);
  assert.deepEqual(toGrid(await readMatrix(page, 'grad_weight')), [[[[10]], [[26]], [[42]]]]);
  assert.deepEqual(Object.values(await readMatrix(page, 'grad_bias')), [4]);
});

/** A real paste event carrying `text`, at the editor cell `name[index]`. */
async function paste(page, name, index, text) {
  const target = page.locator(`input[data-matrix="${name}"][data-index="${index}"]`);
  await target.focus();
  await target.evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

test("pasting the first tutorial's two-channel printouts fills both channels", async (t) => {
  const { page } = await openApp(t);
  // seeds/000 In [18] and In [19], as NumPy prints them, pasted at the first cell.
  await paste(
    page,
    'input',
    '0,0,0',
    `[[[ 1 -3 -1 -2 -2]
  [-2  1  0 -1  0]
  [-2  1  0 -3 -2]
  [-2  2 -2 -3  2]
  [ 2 -2  0 -3  1]]

 [[-3  0  2 -2 -2]
  [-2  0 -3 -1  0]
  [-1 -3 -2  1 -3]
  [ 1  1 -2  2 -1]
  [ 0  2 -2  1 -2]]]`,
  );
  assert.match(await page.getByRole('status').first().innerText(), /Pasted a 2x5x5 block into input\[0:2, 0:5, 0:5\]; channels grew to 2/);
  await paste(page, 'weight', '0,0,0,0', '[[[-3 -1 -1] [ 1  1  0] [-2  0  1]] [[ 1 -3  0] [ 2  1 -1] [ 2  0  0]]]');
  assert.match(await page.locator('.notice').innerText(), /Pasted a 2x3x3 block into weight\[0, 0:2, 0:3, 0:3\]/);
  // seeds/000 In [22].
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [[[-2, -6, 1], [3, -6, 0], [14, 6, -9]]]);
  // A block that cannot fit says why and changes nothing.
  const before = await readMatrix(page, 'weight');
  await paste(page, 'weight', '0,0,2,2', `[${Array(15).fill(1).join(', ')}]`);
  assert.match(await page.getByRole('alert').innerText(), /needs 17 kernel columns from here, more than the 16/);
  assert.deepEqual(await readMatrix(page, 'weight'), before);
});

test('Copy link confirms the copy, or offers the link to copy by hand', async (t) => {
  const allowed = await openApp(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  await allowed.page.getByRole('button', { name: 'Copy link' }).click();
  await allowed.page.getByText('Link copied').waitFor();
  const copied = await allowed.page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /\/index\.html#config=%7B%22version%22%3A1%2C%22op%22%3A%22conv2d%22/);

  // Without clipboard permission (as in a cross-origin iframe) the link is shown, selected.
  const refused = await openApp(t);
  await refused.page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await refused.page.getByRole('button', { name: 'Copy link' }).click();
  const field = refused.page.locator('.copy-fallback input');
  await field.waitFor();
  assert.equal(await field.inputValue(), copied);
});

test('tabs belong to the operation: a convolution shows its transpose without changing', async (t) => {
  const { page } = await openApp(t);
  const tabs = await page.getByRole('tab').allInnerTexts();
  assert.deepEqual(tabs, ['Forward', 'im2col', 'Backprop', 'Its transpose', 'Network', 'Image', 'Export']);
  const y = toGrid(await readMatrix(page, 'output'))[0];
  await page.getByRole('tab', { name: 'Its transpose' }).click();
  // Still the convolution, with its kernel: the parameters say so.
  assert.equal(await page.locator('#op-kind').inputValue(), 'conv');
  assert.match(await page.locator('.view-note').innerText(), /maps its output y \(1×3×3\) back to its input's shape \(1×5×5\)/);
  // The transpose scatters y with the same kernel: out[i+a, j+b] += y[i, j] * w[a, b].
  const w = [[-2, 2, 0], [2, 2, 2], [-3, -1, -1]];
  const expected = [...Array(5)].map(() => Array(5).fill(0));
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expected[i + a][j + b] += y[i][j] * w[a][b];
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [expected]);
  assert.deepEqual(toGrid(await readMatrix(page, 'transposed_input')), [y]);
  // Its input is y, and its output z (#23): the step's equation names them so.
  assert.match(await page.locator('.equation .eq-title').first().innerText(), /^y\[0,0\] = -?\d+ scales the kernel/);
  await page.locator('td[data-matrix="output"][data-index="0,1,1"]').click();
  assert.match(await page.locator('.equation .overlap').innerText(), /^z\[1,1\] = y\[\d,\d\]\*w\[\d,\d\] \+ /);
  // Back to the sliding window: the same convolution, unchanged.
  await page.getByRole('tab', { name: 'Forward' }).click();
  assert.deepEqual(toGrid(await readMatrix(page, 'output')), [y]);

  // A transposed convolution has its own view alone; the operation control switches.
  await page.selectOption('#op-kind', 'transposed');
  assert.deepEqual(await page.getByRole('tab').allInnerTexts(), ['Transposed convolution', 'Network', 'Export']);
});

const twoChannels = {
  input: [
    [[1, -3, -1, -2, -2], [-2, 1, 0, -1, 0], [-2, 1, 0, -3, -2], [-2, 2, -2, -3, 2], [2, -2, 0, -3, 1]],
    [[-3, 0, 2, -2, -2], [-2, 0, -3, -1, 0], [-1, -3, -2, 1, -3], [1, 1, -2, 2, -1], [0, 2, -2, 1, -2]],
  ],
  weight: [[[[-3, -1, -1], [1, 1, 0], [-2, 0, 1]], [[1, -3, 0], [2, 1, -1], [2, 0, 0]]]],
};

for (const width of [390, 1024]) {
  test(`no sideways page scroll at ${width}px in any view; signs stay with their matrices`, async (t) => {
    const hash = '#config=' + encodeURIComponent(JSON.stringify(twoChannels));
    const { page } = await openApp(t, { hash, viewport: { width, height: 800 } });
    for (const tab of ['Forward', 'im2col', 'Backprop', 'Its transpose']) {
      await page.getByRole('tab', { name: tab }).click();
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scroll <= inner, `${tab} at ${width}px: page is ${scroll}px wide in a ${inner}px window`);
      // Every sign sits on the same line as the matrix it leads to.
      const apart = await page.$$eval('.unit', (units) =>
        units.filter((u) => {
          const [sign, body] = [u.querySelector('.op-sign'), u.querySelector('.stack')];
          return sign.getBoundingClientRect().top > body.getBoundingClientRect().bottom;
        }).length,
      );
      assert.equal(apart, 0, `${tab}: a sign wrapped away from its matrix`);
    }
  });
}

test('small cues: Space after a step button plays; legends name only what is there', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.keyboard.press('Space');
  assert.equal(await page.getByRole('button', { name: 'Pause' }).getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('Space');
  // Padding 0: no "padding" in the legend, and the window is over the input.
  const legend = await page.locator('.legend').innerText();
  assert.doesNotMatch(legend, /padding/);
  assert.match(await page.locator('.eq-title').innerText(), /of the input$/);
  await page.getByRole('tab', { name: 'im2col' }).click();
  assert.doesNotMatch(await page.locator('.legend').innerText(), /other groups/, 'groups = 1');
  // The keyboard keys are named beside the player, not below the fold.
  assert.match(await page.locator('.keys').innerText(), /Space play or pause/);
});

test("im2col's columns can follow the tutorial's order; the product is unchanged", async (t) => {
  const hash = '#config=' + encodeURIComponent(JSON.stringify({ ...twoChannels, view: 'im2col' }));
  const { page } = await openApp(t, { hash });
  const row0 = async () => {
    const m = await readMatrix(page, 'im2col');
    return [...Array(18).keys()].map((c) => m[`0,${c}`]);
  };
  assert.match(await page.locator('.view-note').innerText(), /channel by channel/);
  const product = await readMatrix(page, 'im2col_product');
  await page.getByRole('button', { name: "kernel cell by kernel cell (the tutorial's)" }).click();
  // seeds/000 In [21]: Xhat's first row, (position, channel) order.
  assert.deepEqual(await row0(), [1, -3, -3, 0, -1, 2, -2, -2, 1, 0, 0, -3, -2, -1, 1, -3, 0, -2]);
  assert.deepEqual(await readMatrix(page, 'im2col_product'), product);
  assert.match(await page.locator('.view-note').innerText(), /unchanged/);
  // The link keeps the order (document key "order").
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"order":"tutorial"'));
});
