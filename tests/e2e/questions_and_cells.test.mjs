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
