// Two of #23's last slips (items 12 and 13): practice's "Possible?" is about
// a combination of its own, so the problem's grids are not drawn under it;
// and the compact editor's cells are as wide as their numbers, so 0.1235 or
// 123456 is never clipped (the full value stays in data-value and the title).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp, typeInto } from './harness.mjs';

test('"Possible?" is asked without the problem\'s grids; another question brings them back', async (t) => {
  const doc = { input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], weight: [[1, 0], [0, -1]], practice: true };
  const { page } = await openApp(t, { hash: configHash(doc) });
  assert.ok(await page.locator('.main [data-matrix]').count() > 0, 'the next number: the grids are drawn');
  await page.getByRole('button', { name: 'Possible?' }).click();
  await page.locator('.possible-question .combination').waitFor();
  // Neither the view nor its player: their grids and steps are another problem's.
  assert.equal(await page.locator('.main section.view').count(), 0);
  assert.equal(await page.locator('.main [data-matrix]').count(), 0);
  assert.equal(await page.locator('.main .player').count(), 0);
  assert.match(await page.locator('.main .apart-note').innerText(), /grids are hidden while this question is asked/);
  await page.getByRole('button', { name: 'Possible', exact: true }).click();
  await page.locator('.possible-question [data-verdict]').waitFor();
  assert.equal(await page.locator('.main [data-matrix]').count(), 0);
  await page.getByRole('button', { name: 'The next number' }).click();
  await page.locator('.main section.view td[data-matrix="output"]').first().waitFor();
  assert.equal(await page.locator('.main .apart-note').count(), 0);
});

test('the compact editor shows long numbers whole: each column as wide as its widest number', async (t) => {
  const doc = { input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], weight: [[1, 0], [0, -1]] };
  // From 1180 px wide the editors are compact (cells of about four characters).
  const { page } = await openApp(t, { hash: configHash(doc), viewport: { width: 1280, height: 720 } });
  const cell = (index) => `.side input[data-matrix="input"][data-index="${index}"]`;
  const fits = (index) => page.locator(cell(index)).evaluate((e) => ({ text: e.value, scroll: e.scrollWidth, client: e.clientWidth, value: e.dataset.value, title: e.title }));
  const before = await fits('0,0,0');
  for (const [index, typed, shown] of [['0,0,0', '0.123456', '0.1235'], ['0,1,1', '123456', '123456'], ['0,2,2', '-0.001234567', '-0.001235']]) {
    await typeInto(page, cell(index), typed);
    await page.keyboard.press('Tab');
    await page.waitForFunction(([sel, typed]) => document.querySelector(sel).dataset.value === typed, [cell(index), typed]);
    const got = await fits(index);
    assert.equal(got.text, shown, `${typed} is shown short`);
    assert.ok(got.scroll <= got.client, `${typed}: "${got.text}" needs ${got.scroll} px, the cell has ${got.client}`);
    assert.equal(got.title, typed, 'the full number is its title');
  }
  // The other cells of a column widen with it; a short number keeps its narrow column elsewhere.
  assert.ok((await fits('0,1,0')).client > before.client, 'column 0 grew');
});
