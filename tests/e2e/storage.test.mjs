// Nothing lost: the last state is kept in this browser, so opening the app
// without a link brings it back; a stored entry that cannot be read is
// reported once and replaced, never fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, typeInto } from './harness.mjs';

const KEY = 'convscope.document';
const cell = (name, index) => `input[data-matrix="${name}"][data-index="${index}"]`;

test('reopening without a link brings the last state back', async (t) => {
  const { page } = await openApp(t);
  await typeInto(page, cell('input', '0,0,0'), '7');
  await page.getByRole('tab', { name: 'im2col' }).click();
  await page.waitForFunction((key) => {
    const stored = localStorage.getItem(key) || '';
    return stored.includes('"input":[[[7,') && stored.includes('"view":"im2col"');
  }, KEY);
  const base = page.url().split('#')[0];
  await page.waitForLoadState('networkidle');
  await page.goto('about:blank');
  await page.goto(base);
  await page.locator('[data-matrix="output"][aria-current="true"]').waitFor();
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '7');
  assert.equal(await page.getByRole('tab', { name: 'im2col' }).getAttribute('aria-selected'), 'true');
  // A link still wins over the stored state.
  await page.goto(`${base}#config=${encodeURIComponent('{"input":[[1,2],[3,4]],"weight":[[1]]}')}`);
  await page.locator('[data-matrix="output"][aria-current="true"]').waitFor();
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '1');
});

for (const [what, text] of [
  ['corrupt', '{"input": [[1, 2], [3'],
  ['from a newer version', '{"version": 9, "input": [[1]], "weight": [[1]]}'],
  ['oversized', `{"input": [[${'1,'.repeat(120000)}1]], "weight": [[1]]}`],
]) {
  test(`a ${what} stored entry is reported and replaced, never fatal`, async (t) => {
    const { page } = await openApp(t);
    const base = page.url().split('#')[0];
    // Let the first load finish (its favicon: an aborted request fails the test)
    // and the app store its own state, then put the bad entry in its place.
    await page.waitForLoadState('networkidle');
    await page.waitForFunction((key) => localStorage.getItem(key) !== null, KEY);
    await page.goto('about:blank');
    // Leaving the app stores its state at once (pagehide): the bad entry goes in
    // after that, before the next load's scripts run.
    await page.addInitScript(([key, text]) => {
      if (!sessionStorage.getItem('seeded')) localStorage.setItem(key, text);
      sessionStorage.setItem('seeded', '1');
    }, [KEY, text]);
    await page.goto(base);
    await page.locator('[data-matrix="output"][aria-current="true"]').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Your last session could not be restored/);
    // The default example is on screen, and the bad entry is gone.
    assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '2');
    assert.notEqual(await page.evaluate((key) => localStorage.getItem(key), KEY), text);
  });
}

test('undo and redo: Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y and the buttons', async (t) => {
  const { page } = await openApp(t);
  const x = () => page.locator(cell('input', '0,0,0')).inputValue();
  await typeInto(page, cell('input', '0,0,0'), '7');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  assert.equal(await x(), '7');
  await page.keyboard.press('Control+Z');
  assert.equal(await x(), '2');
  await page.keyboard.press('Control+Shift+Z');
  assert.equal(await x(), '7');
  await page.keyboard.press('Control+Z');
  await page.keyboard.press('Control+Y');
  assert.equal(await x(), '7');
  await page.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await x(), '2');
  assert.equal(await page.getByRole('button', { name: 'Undo' }).isDisabled(), true, 'nothing older');
  await page.getByRole('button', { name: 'Redo' }).click();
  assert.equal(await x(), '7');
});
