// The page's Content-Security-Policy (scripts/post_build.mjs adds it to every build)
// is strict, and nothing the app does violates it, in any view: no inline
// script but the hashed boot script and Trunk's hashed loader, no other origin, no eval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, configHash } from './harness.mjs';

test('a strict CSP holds in every view, and no request leaves the origin', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ input: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], weight: [[1, 0], [0, -1]] }) });
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(policy, /default-src 'self'/);
  // Two inline scripts, each allowed by its hash alone: the boot script (before the
  // prerendered first screen) and Trunk's loader with the service worker's registration.
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
  assert.equal(await page.locator('script:not([src])').count(), 2);
  assert.doesNotMatch(policy.match(/script-src[^;]*/)[0], /'unsafe-inline'|'unsafe-eval'/);
  // Violations are reported as events; collect them from here on.
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const origin = new URL(page.url()).origin;
  const foreign = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  for (const tab of ['Forward', 'im2col', 'Backprop', 'Its transpose']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.keyboard.press('End');
  }
  await page.selectOption('select[aria-label="Load an example"]', 'seed-nchw');
  await page.locator('canvas[data-shape]').first().hover();
  await page.selectOption('#op-kind', 'transposed');
  for (const name of ['Zero-inserted convolution', 'Matrix', 'Scatter and sum']) {
    await page.getByRole('button', { name }).click();
  }
  // Every mode: presenting with its editors, the shortcut sheet, the dark theme.
  for (const key of ['p', 'e', '?', 'Escape', 't', 'p']) await page.keyboard.press(key);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(foreign, []);
});

test('the CSP holds embedded too, and on the example course page with its frames', async (t) => {
  const doc = { input: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], weight: [[1, 0], [0, -1]] };
  for (const mode of ['embed', 'embed=edit']) {
    const { page } = await openApp(t, { hash: `?${mode}${configHash(doc)}` });
    await page.evaluate(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.getByRole('button', { name: /Step forward/ }).click();
    await page.keyboard.press('End');
    assert.deepEqual(await page.evaluate(() => window.__violations), [], mode);
  }
  // The course page: a violation in it or its frames is a console error, which fails the test.
  const { page } = await openApp(t);
  const origin = new URL(page.url()).origin;
  const foreign = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  await page.waitForLoadState('networkidle'); // its favicon: an aborted request fails the test
  await page.goto(`${origin}/course.html`);
  for (const id of ['sliding', 'transposed', 'backprop']) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await page.frameLocator(`#${id}`).locator('[data-matrix]').first().waitFor();
  }
  assert.deepEqual(foreign, []);
});
