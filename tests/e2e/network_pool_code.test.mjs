// "This layer as code" in the pooling panel (issue #22): one pooling layer
// alone as NumPy and as PyTorch, on the previous layer's output. Both scripts
// are run with target/pyenv's python (PyTorch where it is installed) and
// must give the layer's output the page shows, cell by cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openApp } from './harness.mjs';
import { PY, has, runPython } from './python.mjs';

test('a pooling layer as code: the scripts give the layer\'s output on the page', async (t) => {
  assert.ok(fs.existsSync(PY) && has('numpy'), `${PY} with numpy is missing: scripts/setup.sh test installs it`);
  const { page } = await openApp(t);
  // 1x8x8 -> conv2d 1->4, 3x3, padding 1 -> relu -> max_pool2d 2: layer 3 is (4, 4, 4).
  await page.selectOption('select[aria-label="Load an example"]', 'net-downsample');
  await page.click('button[aria-label="Step through: layer 3"]');
  await page.waitForSelector('[data-pool-panel="3"]');
  assert.equal(await page.locator('pre[data-code]').count(), 0, 'written only when asked for');
  await page.click('[data-layer-code="3"] button:has-text("This layer as code")');
  await page.waitForSelector('pre[data-code="numpy"]');
  const shown = await page.$$eval('td[data-matrix="layer_output"][data-layer="3"]', (cs) =>
    Object.fromEntries(cs.map((c) => [c.dataset.index, Number(c.dataset.value)])));
  assert.equal(Object.keys(shown).length, 4 * 4 * 4);
  const scripts = ['numpy', ...(has('torch') ? ['pytorch'] : [])];
  for (const who of scripts) {
    const code = await page.locator(`pre[data-code="${who}"]`).innerText();
    assert.match(code, /# Layer 3 of the network alone: x is layer 2's output/);
    const { y1 } = runPython(code, "k == 'y1'");
    for (const [index, value] of Object.entries(shown)) {
      const [c, i, j] = index.split(',').map(Number);
      assert.ok(Math.abs(y1[c][i][j] - value) < 1e-9, `${who}: y1[${index}] = ${y1[c][i][j]}, the page ${value}`);
    }
    assert.equal(y1.length * y1[0].length * y1[0][0].length, 4 * 4 * 4, `${who}: the shape`);
  }
  console.log(`# ran ${scripts.join(' and ')}`);
});
