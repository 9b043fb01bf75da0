// Numbers at the edges: huge, tiny, infinite and not-a-number entries. Each is
// either refused beside its cell, changing nothing, or computed, with inf
// spreading only to the cells whose sums it enters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, typeInto } from './harness.mjs';

const cell = (name, index) => `[data-matrix="${name}"][data-index="${index}"]`;
const value = (page, name, index) => page.getAttribute(cell(name, index), 'data-value');

test('inf and nan are refused beside the cell; overflow shows inf only where it goes', async (t) => {
  const { page } = await openApp(t);
  const before = await value(page, 'output', '0,0,0');
  // Entered whole (typed one key at a time, "1e400" passes through 1e40, a number).
  for (const text of ['inf', 'nan', '1e400', '-1e999']) {
    await page.fill(cell('input', '0,0,0'), text);
    assert.equal(await page.getAttribute(cell('input', '0,0,0'), 'aria-invalid'), 'true', text);
    assert.match(await page.locator('.cell-error').innerText(), /is not a number|is too large/, text);
    assert.equal(await value(page, 'output', '0,0,0'), before, `${text} changes nothing`);
  }
  // A tiny (subnormal) number is a number: y[0,0] = 2 - 2*(-2) ... with x[0,0,0] = 1e-320.
  await typeInto(page, cell('input', '0,0,0'), '1e-320');
  assert.equal(await page.getAttribute(cell('input', '0,0,0'), 'aria-invalid'), null);
  assert.equal(Number(await value(page, 'input', '0,0,0')), 1e-320);
  assert.equal(await page.locator(cell('input', '0,0,0')).inputValue(), '1e-320', 'as typed');
  // 1e308 * 1e308 overflows: y[0,0] (whose window holds x[0,0,0] under w[0,0,0,0]) is inf;
  // y[0,1]'s window does not hold x[0,0,0], so it stays finite.
  await typeInto(page, cell('input', '0,0,0'), '1e308');
  await typeInto(page, cell('weight', '0,0,0,0'), '1e308');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  assert.equal(await value(page, 'output', '0,0,0'), 'inf');
  assert.ok(Number.isFinite(Number(await value(page, 'output', '0,0,1'))));
  assert.match(await page.locator('.equation .eq').first().innerText(), /1e308\*1e308 .*= inf/);
});
