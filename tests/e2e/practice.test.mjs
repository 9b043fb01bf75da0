// Practice in the sliding window: the output cell of each step is asked for
// before it is shown; Enter checks; a right answer reveals it and moves on,
// a wrong one says so and lets the learner try again, take hints or reveal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

// y = [[-4, -4], [-4, -4]] + 1: every window's sum is x[i,j] - x[i+1,j+1].
const DOC = { input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], weight: [[1, 0], [0, -1]], bias: [1], practice: true };

test('predict, check, hint, reveal: the numbers stay hidden until answered', async (t) => {
  const { page } = await openApp(t, { hash: configHash(DOC) });
  const answer = page.locator('input[data-practice="output"]');
  assert.equal(await answer.getAttribute('data-index'), '0,0,0');
  // Nothing gives the numbers away: every output cell is "?" without a value.
  assert.equal(await page.locator('[data-matrix="output"][data-value]').count(), 0);
  assert.deepEqual(await page.locator('td[data-matrix="output"]').allInnerTexts(), ['?', '?', '?', '?']);
  assert.equal(await page.locator('td.et').count(), 0, 'the window shows only once hinted');

  // Wrong, then hints one at a time, then right.
  await answer.fill('5');
  await answer.press('Enter');
  await page.locator('[data-verdict="wrong"]').waitFor();
  await page.getByRole('button', { name: 'Hint' }).click();
  assert.ok((await page.locator('td.et').count()) > 0, 'hint 1: the window');
  await page.getByRole('button', { name: 'Hint' }).click();
  await page.getByText('First product: 1*1 = 1').waitFor();
  await page.getByRole('button', { name: 'Hint' }).click();
  await page.getByText('All products: 1*1 + 2*0 + 4*0 + 5*(-1) + bias 1').waitFor();
  await answer.fill('-3');
  await answer.press('Enter');
  await page.locator('[data-verdict="right"]').waitFor();
  // Revealed, and the next cell is asked.
  assert.equal(await page.locator('[data-matrix="output"][data-index="0,0,0"]').getAttribute('data-value'), '-3');
  assert.equal(await answer.getAttribute('data-index'), '0,0,1');
  assert.match(await page.locator('.practice .score').innerText(), /Score 1 · streak 1/);
  // Reveal shows the number without a point, and the streak ends.
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.locator('[data-matrix="output"][data-index="0,0,1"][data-value="-3"]').waitFor();
  assert.equal(await answer.getAttribute('data-index'), '0,1,0');
  assert.match(await page.locator('.practice .score').innerText(), /Score 1 · streak 0/);
  // Turning practice off shows everything again.
  await page.getByRole('button', { name: 'Practice' }).click();
  assert.equal(await page.locator('td[data-matrix="output"][data-value]').count(), 4);
  assert.equal(await page.locator('input[data-practice]').count(), 0);
});
