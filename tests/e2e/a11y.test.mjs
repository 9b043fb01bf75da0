// Accessibility: axe-core in every view and every mode (full, embed,
// presenting, dark, the shortcut sheet) finds no serious or critical
// violation; every cell has a name a screen reader can say; the current
// step's equation is in a polite live region.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { configHash, openApp } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CONV = { input: [[[1, 2, 0, 1], [0, 1, 3, 2], [2, 1, 0, 1], [1, 0, 2, 3]]], weight: [[[[1, 0], [0, -1]]]], bias: [0.5], padding: 1 };
const TRANSPOSED = { op: 'conv_transpose2d', input: [[1, 2], [3, 4]], weight: [[1, 0, 1], [0, 1, 0], [1, 0, 1]], stride: 2 };

async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return result;
}

const CASES = [
  ['forward', { ...CONV }],
  ['im2col', { ...CONV, view: 'im2col' }],
  ['backprop', { ...CONV, view: 'backprop' }],
  ['backprop, grad_weight', { ...CONV, view: 'backprop', gradient: 'weight' }],
  ['its transpose', { ...CONV, view: 'transposed' }],
  ['transposed, scatter', TRANSPOSED],
  ['transposed, zero-inserted', { ...TRANSPOSED, explain: 'zero_inserted' }],
  ['transposed, matrix', { ...TRANSPOSED, explain: 'matrix' }],
  ['export', { ...CONV, view: 'export' }],
  ['practice', { ...CONV, practice: true }],
  ['practice, im2col', { ...CONV, view: 'im2col', practice: true }],
  ['practice, backprop', { ...CONV, view: 'backprop', practice: true }],
  ['image', { image: 'disc', greyscale: true, weight: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], padding: 1, view: 'image' }],
  ['practice, network', { input: CONV.input, layers: [{ op: 'conv2d', weight: [[[[1, 0], [0, -1]]]] }, { op: 'relu' }, { op: 'max_pool2d', kernel_size: 2, stride: 1 }], view: 'network', practice: true }],
];

for (const [name, doc] of CASES) {
  for (const scheme of ['light', 'dark']) {
    test(`axe: ${name}, ${scheme}`, async (t) => {
      const { page } = await openApp(t, { hash: configHash(doc), colorScheme: scheme, bypassCSP: true });
      // The network view is a chunk of its own: its practice panel is drawn once it is fetched.
      if (doc.view === 'network') await page.locator('.net-practice').waitFor();
      assert.deepEqual(await violations(page), []);
    });
  }
}

test('axe: the first open, embed, embed=edit, presenting and the shortcut sheet', async (t) => {
  for (const [mode, hash] of [
    ['first open (its strip of pointers)', ''],
    ['first open, dark', ''],
    ['embed', `?embed${configHash(CONV)}`],
    ['embed=edit', `?embed=edit${configHash(CONV)}`],
    ['presenting', configHash({ ...CONV, present: true })],
    ['presenting, dark', configHash({ ...CONV, view: 'im2col', present: true })],
  ]) {
    const { page } = await openApp(t, { hash, bypassCSP: true, colorScheme: mode.includes('dark') ? 'dark' : 'light' });
    assert.deepEqual(await violations(page), [], mode);
  }
  const { page } = await openApp(t, { bypassCSP: true });
  await page.keyboard.press('?');
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(await violations(page), [], 'shortcut sheet');
});

test('every cell has a spoken name with its position and value; the equation is a polite live region', async (t) => {
  const { page } = await openApp(t, { hash: configHash(CONV) });
  const unnamed = await page.$$eval('[data-matrix]', (els) => els.filter((e) => !e.getAttribute('aria-label')).length);
  assert.equal(unnamed, 0);
  assert.equal(
    await page.locator('input[data-matrix="input"][data-index="0,1,2"]').getAttribute('aria-label'),
    'input channel 0, row 1, column 2',
  );
  assert.equal(await page.getByRole('textbox', { name: 'input channel 0, row 1, column 2' }).inputValue(), '3');
  assert.equal(
    await page.locator('[data-matrix="output"][data-index="0,0,1"]').getAttribute('aria-label'),
    'output channel 0, row 0, column 1: -1.5',
  );
  const live = page.locator('.equation[aria-live="polite"]');
  const before = await live.innerText();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => document.querySelector('.equation[aria-live="polite"]').innerText !== b, before);
});
