// The first open (#23, item 9): with no link and nothing stored, a strip of
// three numbered pointers (step the window; edit any number, stride or
// padding; the other views) shows above the tabs, closed for good with one
// click. Never with a link, in an embed, presenting or practising.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

const SMALL = { input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], weight: [[1, 0], [0, -1]] };
const strip = (page) => page.getByRole('region', { name: 'Where to start' });

test('the first open shows three numbered pointers; one click closes them for good', async (t) => {
  const { page } = await openApp(t);
  await strip(page).waitFor();
  const items = await strip(page).locator('ol > li').allInnerTexts();
  assert.equal(items.length, 3);
  assert.match(items[0], /Step the window/);
  assert.match(items[1], /Edit any number, stride or padding/);
  assert.match(items[2], /other views/);
  // Presenting and practice are a lesson: the strip stays out of them.
  await page.keyboard.press('p');
  await page.locator('.app.presenting').waitFor();
  assert.equal(await strip(page).count(), 0, 'not while presenting');
  await page.keyboard.press('p');
  await page.locator('.app.presenting').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Practice', exact: true }).click();
  await page.locator('[data-practice]').first().waitFor();
  assert.equal(await strip(page).count(), 0, 'not while practising');
  await page.getByRole('button', { name: 'Practice', exact: true }).click();
  await strip(page).waitFor();
  await strip(page).getByRole('button', { name: 'Got it' }).click();
  await strip(page).waitFor({ state: 'detached' });
  await page.waitForFunction(() => localStorage.getItem('convscope.intro') === 'closed');
  // Closed for good: not even with nothing stored.
  await page.evaluate(() => localStorage.removeItem('convscope.document'));
  await page.waitForLoadState('networkidle');
  await page.reload();
  await page.locator('section.view').waitFor();
  assert.equal(await strip(page).count(), 0, 'closed for good');
});

test('the strip shows only on a first open: not with a link, an embed, or stored work', async (t) => {
  for (const hash of [configHash(SMALL), `?embed${configHash(SMALL)}`, configHash({ ...SMALL, practice: true }), configHash({ ...SMALL, present: true })]) {
    const { page } = await openApp(t, { hash });
    assert.equal(await strip(page).count(), 0, `not with ${decodeURIComponent(hash)}`);
    await page.context().close();
  }
  // Work stored in this browser (an edit), then an open without a link: no strip.
  const { page } = await openApp(t);
  await strip(page).waitFor();
  await page.locator('input[data-matrix="weight"]').first().fill('3');
  await page.locator('input[data-matrix="weight"]').first().press('Enter');
  await page.waitForFunction(() => localStorage.getItem('convscope.document') !== null);
  await page.waitForLoadState('networkidle');
  await page.reload();
  await page.locator('section.view').waitFor();
  assert.equal(await strip(page).count(), 0, 'the stored work is not a first open');
});
