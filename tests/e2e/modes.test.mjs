// Classroom modes: presenting (P), the shortcut sheet (?), themes, embed mode
// (?embed, ?embed=edit), "Copy embed code" and the example course page that
// dist/ ships with three embedded frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp } from './harness.mjs';

const SMALL = { input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], weight: [[1, 0], [0, -1]] };

test('P presents: large cells at 1024x768 zoom 1.5, editors folded, E shows them, the link keeps it', async (t) => {
  const { page } = await openApp(t, { viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1.5 });
  assert.equal(await page.locator('.side').count(), 1);
  await page.keyboard.press('p');
  await page.locator('.app.presenting').waitFor();
  assert.equal(await page.locator('.side').count(), 0, 'the editors fold away');
  // The current step's cells: the window's taps and the output cell.
  for (const sel of ['[data-matrix="output"][aria-current="true"]', 'td.tap']) {
    const box = await page.locator(sel).first().boundingBox();
    assert.ok(box.width >= 40 && box.height >= 40, `${sel} is ${box.width}x${box.height} px`);
  }
  const noOverflow = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
  assert.ok(noOverflow, 'nothing wider than the screen');
  await page.keyboard.press('e');
  await page.locator('.side').waitFor();
  await page.getByRole('button', { name: 'Editors' }).click();
  await page.locator('.side').waitFor({ state: 'detached' });
  // The address bar's link opens presenting.
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"present":true'));
  await page.getByRole('button', { name: 'Stop presenting' }).click();
  await page.locator('.app.presenting').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.side').count(), 1);
});

test('a link with "present": true opens presenting', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...SMALL, present: true }) });
  assert.equal(await page.locator('.app.presenting').count(), 1);
  assert.equal(await page.locator('.side').count(), 0);
});

test('? opens the shortcut sheet; Escape closes it and the focus comes back', async (t) => {
  const { page } = await openApp(t);
  const present = page.getByRole('button', { name: 'Present' });
  await present.focus();
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await sheet.waitFor();
  assert.match(await sheet.innerText(), /Ctrl\+Z[\s\S]*undo[\s\S]*present/);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Close');
  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Present');
  // The button opens it too; a click outside closes it.
  await page.getByRole('button', { name: 'Shortcuts' }).click();
  await sheet.waitFor();
  await page.mouse.click(5, 5);
  await sheet.waitFor({ state: 'detached' });
});

test('themes: the system dark scheme is followed, the toggle overrides it and is remembered', async (t) => {
  const bg = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const { page } = await openApp(t, { colorScheme: 'dark' });
  assert.equal(await bg(page), 'rgb(18, 22, 28)', 'dark, as the system prefers');
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await toggle.click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal(await bg(page), 'rgb(246, 247, 249)');
  await page.waitForLoadState('networkidle'); // its favicon: an aborted request fails the test
  await page.reload();
  await page.locator('[data-matrix="output"]').first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light', 'remembered');
  await page.keyboard.press('t');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  assert.equal(await bg(page), 'rgb(18, 22, 28)');
});

test('?embed shows the view and its player alone, fits 640x420, and opens the full app in a new tab', async (t) => {
  const { page } = await openApp(t, { hash: `?embed${configHash({ ...SMALL, step: 2 })}`, viewport: { width: 640, height: 420 } });
  assert.equal(await page.locator('header.top').count(), 0, 'no header');
  assert.equal(await page.locator('.side').count(), 0, 'no editors');
  assert.equal(await page.getByRole('tab').count(), 0, 'no tabs');
  assert.equal(await page.locator('[data-matrix="output"][aria-current="true"]').getAttribute('data-index'), '0,1,0');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'nothing overflows sideways');
  // An embedded copy never writes this browser's stored state.
  await page.waitForTimeout(700);
  assert.equal(await page.evaluate(() => localStorage.getItem('convscope.document')), null);
  const [full] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('link', { name: /Open in ConvScope/ }).click(),
  ]);
  await full.waitForLoadState();
  const url = new URL(full.url());
  assert.equal(url.search, '', 'the full app, not embedded');
  assert.match(decodeURIComponent(url.hash), /"step":2/);
  await full.locator('header.top').waitFor();
  await full.close();
});

test('?embed=edit keeps the editors, under the view', async (t) => {
  const { page } = await openApp(t, { hash: `?embed=edit${configHash(SMALL)}`, viewport: { width: 640, height: 420 } });
  assert.equal(await page.locator('header.top').count(), 0);
  const [view, side] = await Promise.all(['.main', '.side'].map((s) => page.locator(s).boundingBox()));
  assert.ok(side.y >= view.y + view.height - 1, 'editors stacked under the view');
  await page.locator('input[data-matrix="input"][data-index="0,0,0"]').fill('7');
  await page.locator('[data-matrix="output"][data-index="0,0,0"][data-value="2"]').waitFor();
});

test('Copy embed code copies an iframe of this state', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...SMALL, view: 'backprop' }), permissions: ['clipboard-read', 'clipboard-write'] });
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  await page.getByText('Embed code copied').waitFor();
  const code = await page.evaluate(() => navigator.clipboard.readText());
  const src = code.match(/^<iframe src="([^"]+)" width="100%" height="\d+" title="ConvScope: Backprop"/);
  assert.ok(src, code);
  const url = new URL(src[1].replaceAll('&amp;', '&'));
  assert.equal(url.search, '?embed');
  assert.match(decodeURIComponent(url.hash), /"view":"backprop"/);
});

test('the example course page embeds three working frames', async (t) => {
  const { page } = await openApp(t);
  await page.waitForLoadState('networkidle'); // its favicon: an aborted request fails the test
  await page.goto(page.url().replace(/index\.html.*$/, 'course.html'));
  const want = { sliding: 'output', transposed: 'output', backprop: 'grad_weight' };
  for (const [id, matrix] of Object.entries(want)) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    const frame = page.frameLocator(`#${id}`);
    await frame.locator(`[data-matrix="${matrix}"]`).first().waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('header.top').count(), 0, `${id}: embedded, no header`);
    assert.equal(await frame.locator('.alert').count(), 0, `${id}: its link opened`);
    assert.equal(await frame.getByRole('link', { name: /Open in ConvScope/ }).count(), 1);
  }
  // The first frame steps like the app: its second step is output cell 0,0,1.
  const first = page.frameLocator('#sliding');
  assert.equal(await first.locator('[data-matrix="output"][aria-current="true"]').getAttribute('data-index'), '0,0,1');
  await first.getByRole('button', { name: /Step forward/ }).click();
  await first.locator('[data-matrix="output"][aria-current="true"][data-index="0,1,0"]').waitFor();
});

test('Save .json downloads the state; Open .json brings a file back, and a bad file changes nothing', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...SMALL, view: 'im2col' }) });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save .json' }).click()]);
  assert.equal(download.suggestedFilename(), 'convscope.json');
  const fs = await import('node:fs/promises');
  const saved = JSON.parse(await fs.readFile(await download.path(), 'utf8'));
  assert.deepEqual([saved.version, saved.input, saved.view], [1, [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], 'im2col']);

  // Open a file the way a person does: the button opens the picker.
  const open = async (name, text) => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Open .json' }).click()]);
    await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  };
  await open('lesson.json', JSON.stringify({ input: [[0, 1], [2, 3]], weight: [[2]], view: 'forward' }));
  await page.locator('[data-matrix="output"][data-index="0,1,1"][data-value="6"]').waitFor();
  await open('broken.json', '{"input": [[1]], "weight": [[1]], "colour": "red"}');
  assert.match(await page.getByRole('alert').innerText(), /The file broken\.json could not be opened: .*colour/);
  assert.equal(await page.locator('[data-matrix="output"][data-index="0,1,1"]').getAttribute('data-value'), '6');
  // Undo goes back to the state before the file.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.locator('[data-matrix="output"][data-index="0,1,1"][data-value="-4"]').waitFor();
});

test('keyboard only: Tab reaches every view, Enter opens it, the arrows step, the focus ring shows', async (t) => {
  const { page } = await openApp(t, { hash: configHash(SMALL) });
  const current = (name) => page.locator(`[data-matrix="${name}"][aria-current="true"]`).getAttribute('data-index');
  // Each view's stepped matrix: the one whose current cell moves.
  for (const [tab, name] of [['im2col', 'output'], ['Backprop', 'grad_input'], ['Its transpose', 'transposed_input'], ['Forward', 'output']]) {
    // Tab forward until the tab has the focus, as a person would (at most 200 presses).
    let found = false;
    for (let i = 0; i < 200 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate((name) => document.activeElement?.getAttribute('role') === 'tab' && document.activeElement.textContent === name, tab);
    }
    assert.ok(found, `Tab reaches the ${tab} tab`);
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth);
    assert.equal(ring, 'solid 3px', 'a visible focus ring');
    await page.keyboard.press('Enter');
    await page.waitForFunction((name) => document.querySelector('[role="tab"][aria-selected="true"]')?.textContent === name, tab);
    const first = await current(name);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(([n, f]) => document.querySelector(`[data-matrix="${n}"][aria-current="true"]`)?.dataset.index !== f, [name, first]);
    await page.keyboard.press('Home');
    await page.waitForFunction(([n, f]) => document.querySelector(`[data-matrix="${n}"][aria-current="true"]`)?.dataset.index === f, [name, first]);
  }
});

test('from a 1920px projector down to a 390px phone nothing is wider than the screen', async (t) => {
  for (const width of [1920, 1024, 800, 390]) {
    for (const view of ['forward', 'im2col', 'backprop', 'export']) {
      const { page } = await openApp(t, { hash: configHash({ ...SMALL, view }), viewport: { width, height: 900 } });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(wide <= 0, `${view} at ${width}px is ${wide}px too wide`);
      await page.context().close();
    }
  }
});
