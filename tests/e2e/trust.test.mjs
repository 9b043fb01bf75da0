// Nothing leaks, nothing is lost (issue #23, items 1-4): a practice link that
// hides the answers keeps them out of the page and of every download, the
// copied link and the figures; a shared link or an opened file never replaces
// the learner's own work; a value typed and not confirmed survives a reload;
// undo after a reload never goes to a problem the learner did not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { configHash, openApp, typeInto } from './harness.mjs';

const KEY = 'convscope.document';
const cell = (name, index) => `input[data-matrix="${name}"][data-index="${index}"]`;

// The example. y = 10*x[i,j] - 100*x[i+1,j+1] + 0.25 = [[-489.75, -579.75], [-759.75, -849.75]]; with dY = ones,
// dX = [[10, 10, 0], [10, -90, -100], [0, -100, -100]] and dW = [[12, 16], [24, 28]].
const HIDING = {
  input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
  weight: [[10, 0], [0, -100]],
  bias: [0.25],
  view: 'export',
  practice: true,
  reveal: false,
};
const HIDDEN = [-489.75, -579.75, -759.75, -849.75, -90, 12, 16, 24, 28];
// As text (full, and short as cells and ranges write them): the outputs and dX's -90 are nowhere else on the page.
const HIDDEN_TEXT = ['489.75', '579.75', '759.75', '849.75', '489.8', '579.8', '759.8', '849.8', '-90'];

/** Which hidden values `bytes` holds: as text, or as float64 (a .npy's data). */
function leaks(bytes, { text = HIDDEN_TEXT, numbers = HIDDEN } = {}) {
  const found = text.filter((s) => bytes.toString('utf8').includes(s));
  // A JSON list or a script's text: every number in it, parsed.
  const written = new Set((bytes.toString('utf8').match(/-?\d+(\.\d+)?/g) ?? []).map(Number));
  for (const v of numbers) {
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(v);
    if (bytes.includes(f64)) found.push(`${v} as float64`);
  }
  return { found, written };
}

async function take(page, locator) {
  const [download] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return { name: download.suggestedFilename(), bytes: await fs.readFile(await download.path()) };
}

test('reveal: false keeps every answer out of the page, the downloads, the figures and the copied link', async (t) => {
  const { page } = await openApp(t, {
    hash: configHash(HIDING),
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  // The export view says what it withholds, and why.
  const note = page.locator('.export-view [role="note"]');
  assert.match(await note.innerText(), /hides the answers.*output and the gradients are not offered/s);
  // Every download it offers, and Save .json: none holds a hidden value.
  const buttons = page.locator('.export-view .export-buttons button');
  const names = await buttons.allInnerTexts();
  assert.deepEqual(names, ['input.npy', 'weight.npy', 'bias.npy', 'grad_output.npy', 'All as one .json']);
  for (let k = 0; k < names.length; k++) {
    const file = await take(page, buttons.nth(k));
    assert.deepEqual(leaks(file.bytes).found, [], `${file.name} holds a hidden value`);
  }
  const all = await take(page, page.getByRole('button', { name: 'All as one .json' }));
  const { written } = leaks(all.bytes);
  for (const v of [-489.75, -90, 12, 28]) assert.ok(!written.has(v), `${v} in ${all.name}`);
  const saved = await take(page, page.getByRole('button', { name: 'Save .json' }));
  assert.deepEqual(leaks(saved.bytes).found, [], 'Save .json');
  assert.match(saved.bytes.toString('utf8'), /"reveal": ?false/, 'the saved file keeps the answers hidden');
  // The copied link keeps them hidden too.
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = decodeURIComponent(await page.evaluate(() => navigator.clipboard.readText()));
  assert.match(link, /"reveal":false/);
  assert.deepEqual(leaks(Buffer.from(link)).found, [], 'the copied link');
  // Every view: nothing in the page's markup (text, labels, data-value), and no figure offered.
  for (const tab of ['Forward', 'im2col', 'Its transpose', 'Backprop', 'Image', 'Export']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.locator('section.view').waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    const html = await page.content();
    assert.deepEqual(HIDDEN_TEXT.filter((s) => html.includes(s)), [], `${tab}: the page holds a hidden value`);
    for (const figure of ['SVG', 'PNG', 'GIF']) {
      assert.equal(await page.getByRole('button', { name: figure, exact: true }).count(), 0, `${tab}: ${figure} offered`);
    }
  }
  // The image view's map pixels are the outputs: not drawn, and said why.
  await page.getByRole('tab', { name: 'Image' }).click();
  assert.equal(await page.locator('canvas[data-feature-map]').count(), 0, 'no feature map');
  assert.match(await page.locator('section.view').innerText(), /hides the answers/);
});

/** Opens the app without a link once, and types the learner's own problem. */
async function ownWork(t, options = {}) {
  const { page } = await openApp(t, options);
  await typeInto(page, cell('input', '0,0,0'), '7');
  await page.keyboard.press('Enter');
  await page.waitForFunction((key) => (localStorage.getItem(key) || '').includes('"input":[[[7,'), KEY);
  await page.waitForLoadState('networkidle');
  return { page, base: page.url().split('#')[0] };
}

test('a shared link opens over the stored work: undo returns to it, and a look does not replace it', async (t) => {
  const { page, base } = await ownWork(t);
  const stored = await page.evaluate((key) => localStorage.getItem(key), KEY);
  // A classmate's link, opened in a new tab of the same browser.
  const tab = await page.context().newPage();
  await tab.goto(`${base}#config=${encodeURIComponent('{"input":[[1,2],[3,4]],"weight":[[1]]}')}`);
  await tab.locator('[data-matrix="output"][aria-current="true"]').waitFor();
  assert.equal(await tab.locator(cell('input', '0,0,0')).inputValue(), '1');
  assert.equal(await tab.getByRole('status').filter({ hasText: 'Opened' }).innerText(), 'Opened a shared problem. Undo returns to yours.');
  // Looked at (stepped, another view) but not edited: the stored work stays.
  await tab.keyboard.press('ArrowRight');
  await tab.getByRole('tab', { name: 'im2col' }).click();
  await tab.waitForTimeout(900); // the store's delay is 400 ms
  assert.equal(await tab.evaluate((key) => localStorage.getItem(key), KEY), stored);
  // Undo, right after: the learner's own problem.
  await tab.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await tab.locator(cell('input', '0,0,0')).inputValue(), '7');
  await tab.getByRole('button', { name: 'Redo' }).click();
  assert.equal(await tab.locator(cell('input', '0,0,0')).inputValue(), '1');
  await tab.waitForLoadState('networkidle');
  await tab.close();
  // The next plain open brings the learner's own work back, not the link's.
  await page.goto('about:blank');
  await page.goto(base);
  await page.locator('[data-matrix="output"][aria-current="true"]').waitFor();
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '7');
  // "Open .json" is the same: undo returns, and the file only looked at is not stored.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Open .json' }).click()]);
  await chooser.setFiles({ name: 'lesson.json', mimeType: 'application/json', buffer: Buffer.from('{"input":[[3,1],[4,1]],"weight":[[1]]}') });
  await page.getByText('Opened lesson.json. Undo returns to yours.').waitFor();
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '3');
  await page.waitForTimeout(900);
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), KEY), stored);
  await page.keyboard.press('Control+z');
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '7');
});

test('a shared link, once edited, is the learner\'s own and is stored', async (t) => {
  const { page, base } = await ownWork(t);
  await page.goto(`${base}#config=${encodeURIComponent('{"input":[[1,2],[3,4]],"weight":[[1]]}')}`);
  await page.getByText('Opened a shared problem. Undo returns to yours.').waitFor();
  await typeInto(page, cell('input', '0,0,1'), '5');
  await page.keyboard.press('Enter');
  await page.waitForFunction((key) => (localStorage.getItem(key) || '').includes('"input":[[[1,5]'), KEY);
});

test('a value typed and not confirmed survives a reload, and undo after it goes nowhere new', async (t) => {
  // Reloading at once may abort the browser's own favicon request: that is the point here.
  const { page } = await ownWork(t, { expectedError: /favicon-[0-9a-f]+\.svg \(net::ERR_ABORTED\)/ });
  // Typed, neither Enter nor Tab, and the page reloaded at once (before the store's 400 ms).
  await typeInto(page, cell('input', '0,0,1'), '42');
  await page.reload();
  await page.locator('[data-matrix="output"][aria-current="true"]').waitFor();
  assert.equal(await page.locator(cell('input', '0,0,1')).inputValue(), '42');
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '7');
  assert.equal(await page.getByRole('status').filter({ hasText: 'Opened' }).count(), 0, 'its own address is no shared link');
  await page.waitForLoadState('networkidle');
  // Undo after the reload: nothing to go to (never the default example).
  assert.ok(await page.getByRole('button', { name: 'Undo' }).isDisabled());
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '7');
  assert.equal(await page.locator(cell('input', '0,0,1')).inputValue(), '42');
  // A cell left by a click elsewhere (blur) is kept as well.
  await typeInto(page, cell('input', '0,0,2'), '-6');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.reload();
  await page.locator('[data-matrix="output"][aria-current="true"]').waitFor();
  assert.equal(await page.locator(cell('input', '0,0,2')).inputValue(), '-6');
  await page.waitForLoadState('networkidle');
});
