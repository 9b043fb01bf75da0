// One screen (#23, items 5-7): the default page at 1280x720 shows the
// editors, stride/padding/dilation, the player, the grids and the equation
// without scrolling; presenting fits a 1024x768 projector in every stepped
// view, and keeps the result and the equation on screen at 150% zoom
// (683x512 CSS px); an embed code's height is the view's own, and an
// embedded view posts its height so the course page's frames follow it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHash, openApp, screenshot } from './harness.mjs';

const CONV = {
  input: [[2, 1, -1, -1, 2], [-1, 1, 0, -2, 1], [-1, 0, -1, 0, -1], [-3, -2, -1, 1, -1], [-1, -3, -2, -3, -3]],
  weight: [[-2, 2, 0], [2, 2, 2], [-3, -1, -1]],
};
// The transposed example (seeds: a 2x2 input, a 3x3 kernel, stride 2), and the app's preset of it.
const TRANSPOSED = { op: 'conv_transpose2d', input: [[[1, 2], [3, 4]]], weight: [[[[1, 0, -1], [2, 1, 0], [0, 1, 1]]]], stride: 2, view: 'transposed' };
const PRESET = { ...TRANSPOSED, padding: 1, output_padding: 1 };

// Each stepped view, and the cell of its result that must stay on screen.
const VIEWS = [
  ['sliding window', { ...CONV }, '[data-matrix="output"][aria-current="true"]'],
  ['im2col', { ...CONV, view: 'im2col' }, '[data-matrix="output"][aria-current="true"]'],
  ['backprop dX', { ...CONV, view: 'backprop' }, '[data-matrix="grad_input"][aria-current="true"]'],
  ['backprop dW', { ...CONV, view: 'backprop', gradient: 'weight' }, '[data-matrix="grad_weight"][aria-current="true"]'],
  ['its transpose', { ...CONV, view: 'transposed' }, '[data-matrix="output"]'],
  ['transposed, scatter', TRANSPOSED, '[data-matrix="output"]'],
  ['transposed, zero-inserted', { ...TRANSPOSED, explain: 'zero_inserted' }, '[data-matrix="output"][aria-current="true"]'],
  ['transposed, matrix', { ...TRANSPOSED, explain: 'matrix' }, '[data-matrix="output"]'],
  ['transposed preset (padding, output_padding)', PRESET, '[data-matrix="output"]'],
];

/** How far the page scrolls, each way (0: it does not). */
const pageScroll = (page) =>
  page.evaluate(() => {
    const s = document.scrollingElement;
    return { down: s.scrollHeight - innerHeight, across: s.scrollWidth - innerWidth };
  });

/** Whether `selector`'s first box lies inside the window; its box. */
async function onScreen(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box, `${selector} is drawn`);
  const { width, height } = page.viewportSize();
  const inside = box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
  return { inside, box };
}

// The presented view fits: it is laid out after its cell size is picked.
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

test('the default page at 1280x720: editors, stride/padding/dilation, player, the three grids and the equation, unscrolled', async (t) => {
  const { page } = await openApp(t, { viewport: { width: 1280, height: 720 } });
  const wanted = [
    ['the input editor', '.side section.tensor >> nth=0'],
    ['the weight editor', '.side section.tensor >> nth=1'],
    ['stride', 'input[aria-label="stride width"]'],
    ['padding', 'input[aria-label="padding width"]'],
    ['dilation', 'input[aria-label="dilation width"]'],
    ['the player', '.player'],
    ['the input grid', 'section.view table:has([data-matrix="padded_input"])'],
    ['the kernel grid', 'section.view table:has([data-matrix="kernel"])'],
    ['the output grid', 'section.view table:has([data-matrix="output"])'],
    ['the equation', 'section.view .equation'],
  ];
  const report = [];
  for (const [name, selector] of wanted) {
    const { inside, box } = await onScreen(page, selector);
    report.push(`${name}: bottom ${Math.round(box.y + box.height)}`);
    assert.ok(inside, `${name} is on the first screen (${JSON.stringify(box)})`);
  }
  // The parameters stand beside the view, not under the editors.
  const [view, params] = await Promise.all(['.layout > .main', '.side-params'].map((s) => page.locator(s).boundingBox()));
  assert.ok(params.x >= view.x + view.width - 1, 'the parameters are beside the view');
  t.diagnostic(report.join('; '));
  await screenshot(page, 'one-screen-1280x720');
});

test('presenting at 1024x768: no stepped view scrolls, the overlap notes are 14 px or more', async (t) => {
  for (const [name, doc, result] of VIEWS) {
    const { page } = await openApp(t, { hash: configHash({ ...doc, present: true }), viewport: { width: 1024, height: 768 } });
    await settle(page);
    const scroll = await pageScroll(page);
    assert.deepEqual(scroll, { down: 0, across: 0 }, `${name}: the page does not scroll`);
    const drawing = await page.evaluate(() => {
      const d = document.querySelector('section.view > .drawing');
      return { down: d.scrollHeight - d.clientHeight, across: d.scrollWidth - d.clientWidth };
    });
    assert.ok(drawing.down <= 1 && drawing.across <= 1, `${name}: the drawing scrolls ${JSON.stringify(drawing)}`);
    for (const selector of [result, 'section.view .equation']) {
      assert.ok((await onScreen(page, selector)).inside, `${name}: ${selector} on screen`);
    }
    const cell = await page.locator(result).first().boundingBox();
    t.diagnostic(`${name}: cells ${Math.round(cell.width)} px`);
    const notes = await page.locator('td .note').evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    assert.ok(notes.every((px) => px >= 14), `${name}: overlap notes of ${notes} px`);
    if (name === 'transposed, scatter') assert.ok(notes.length > 0, 'the scatter view has its overlap notes');
    await screenshot(page, `present-1024x768-${name.replace(/\W+/g, '-')}`);
    await page.context().close();
  }
});

test('presenting at 150% zoom (683x512): the result and the equation stay on screen, cells no smaller than 24 px', async (t) => {
  for (const [name, doc, result] of VIEWS) {
    const { page } = await openApp(t, { hash: configHash({ ...doc, present: true }), viewport: { width: 683, height: 512 } });
    await settle(page);
    assert.equal((await pageScroll(page)).down, 0, `${name}: the page does not scroll (its drawing may)`);
    for (const selector of [result, 'section.view .equation']) {
      const { inside, box } = await onScreen(page, selector);
      assert.ok(inside, `${name}: ${selector} on screen (${JSON.stringify(box)})`);
    }
    const cell = await page.locator(result).first().boundingBox();
    assert.ok(cell.width >= 23.5, `${name}: cells of ${cell.width} px`);
    await page.context().close();
  }
});

test('Copy embed code: the frame is as tall as the view, measured at the copy', async (t) => {
  for (const view of ['im2col', 'transposed', 'backprop']) {
    const { page } = await openApp(t, {
      hash: configHash({ ...CONV, view }),
      viewport: { width: 1280, height: 720 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await page.getByRole('button', { name: 'Copy embed code' }).click();
    await page.getByText('Embed code copied').waitFor();
    const code = await page.evaluate(() => navigator.clipboard.readText());
    const [, src, height] = code.match(/^<iframe src="([^"]+)" width="100%" height="(\d+)"/);
    await page.context().close();
    // The embedded view at 720 px wide in a frame of that height does not scroll.
    const url = new URL(src.replaceAll('&amp;', '&'));
    const embedded = await openApp(t, { hash: `${url.search}${url.hash}`, viewport: { width: 720, height: Number(height) } });
    const scroll = await pageScroll(embedded.page);
    t.diagnostic(`${view}: height ${height}, scrolls ${scroll.down} px`);
    assert.ok(scroll.down <= 0 && scroll.across <= 0, `${view}: the embedded view in ${height} px scrolls ${JSON.stringify(scroll)}`);
    await embedded.page.context().close();
  }
});

test('the course page: each frame takes the height its view posts, and follows it as it steps', async (t) => {
  const { page } = await openApp(t, { viewport: { width: 900, height: 900 } });
  await page.waitForLoadState('networkidle'); // its favicon: an aborted request fails the test
  await page.goto(page.url().replace(/index\.html.*$/, 'course.html'));
  // Whether frame `id` shows its whole view: its page does not scroll, and the frame is no taller than the view.
  const fitted = async (id) => {
    const frame = await (await page.$(`#${id}`)).contentFrame();
    const inner = await frame.evaluate(() => ({
      down: document.scrollingElement.scrollHeight - innerHeight,
      app: Math.ceil(document.querySelector('.app').getBoundingClientRect().height),
    }));
    const outer = await page.locator(`#${id}`).evaluate((f) => f.clientHeight);
    return inner.down <= 0 && Math.abs(outer - inner.app) <= 2;
  };
  const until = async (id, what) => {
    for (let i = 0; i < 50; i++) {
      if (await fitted(id)) return;
      await page.waitForTimeout(100);
    }
    assert.fail(`${id}: the frame does not fit its view ${what}`);
  };
  for (const [id, matrix] of [['sliding', 'output'], ['transposed', 'output'], ['backprop', 'grad_weight']]) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await page.frameLocator(`#${id}`).locator(`[data-matrix="${matrix}"]`).first().waitFor({ timeout: 20_000 });
    await until(id, 'when loaded');
  }
  // A view whose height changes with the step: the transposed frame switched to its matrix form and back.
  const transposed = page.frameLocator('#transposed');
  const before = await page.locator('#transposed').evaluate((f) => f.clientHeight);
  await transposed.getByRole('button', { name: /Matrix/ }).click();
  await until('transposed', 'after a switch');
  const after = await page.locator('#transposed').evaluate((f) => f.clientHeight);
  assert.notEqual(after, before, 'the frame followed the view');
});
