// Figures: the view at its step as SVG (parses, holds the shown numbers as
// text, renders in Chromium) and PNG, and every step as an animated GIF with
// one frame per step. All made in the page, downloaded, nothing uploaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { configHash, openApp, readMatrix } from './harness.mjs';

const DOC = { input: [[1, 2, 0, 3], [0, 1, 2, 1], [2, 0, 1, 0], [1, 1, 0, 2]], weight: [[1, 0], [0, -1]], bias: [0.5] };

async function take(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  return { name: download.suggestedFilename(), bytes: await fs.readFile(await download.path()) };
}

/** Image frames in a GIF, by walking its blocks. */
function gifFrames(b) {
  assert.equal(b.subarray(0, 6).toString('latin1'), 'GIF89a');
  let i = 13;
  if (b[10] & 0x80) i += 3 * 2 ** ((b[10] & 7) + 1);
  const skipSubBlocks = () => { while (b[i] !== 0) i += b[i] + 1; i++; };
  let frames = 0;
  while (i < b.length) {
    const kind = b[i++];
    if (kind === 0x3b) return frames;
    if (kind === 0x21) { i++; skipSubBlocks(); continue; }
    assert.equal(kind, 0x2c, `block 0x${kind.toString(16)} at ${i - 1}`);
    frames++;
    const packed = b[i + 8];
    i += 9;
    if (packed & 0x80) i += 3 * 2 ** ((packed & 7) + 1);
    i++; // LZW minimum code size
    skipSubBlocks();
  }
  throw new Error('GIF without a trailer');
}

test('SVG of the sliding window: real text with the shown numbers, and it renders', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...DOC, step: 4 }) });
  const svg = await take(page, 'SVG');
  assert.equal(svg.name, 'convscope-forward.svg');
  const text = svg.bytes.toString('utf8');
  assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // Every output cell's number, and the step's equation, are text in it.
  const texts = [...text.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const v of Object.values(await readMatrix(page, 'output'))) assert.ok(texts.includes(String(v)), `${v} in the SVG`);
  assert.ok(texts.some((s) => s.includes(' = ') && s.includes('*')), 'the equation');
  // It parses and draws: as an image in the page, with its own size.
  const drawn = await page.evaluate(async (svgText) => {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    if (doc.querySelector('parsererror')) return 'parse error';
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText);
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, text);
  assert.ok(Array.isArray(drawn) && drawn[0] > 200 && drawn[1] > 100, `drawn ${drawn}`);
  // Without the equation, in dark colours: smaller, and on a dark background.
  await page.getByLabel('with the equation').uncheck();
  await page.getByLabel('Figure colours').selectOption('dark');
  const plain = (await take(page, 'SVG')).bytes.toString('utf8');
  assert.ok(!/<text[^>]*>[^<]* = [^<]*\*/.test(plain), 'no equation');
  assert.match(plain, /<rect width="100%" height="100%" fill="rgb\(27, 33, 41\)"/);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined, 'the page keeps its own theme');
});

test('PNG is the same drawing, and a GIF has one frame per step', async (t) => {
  const { page } = await openApp(t, { hash: configHash({ ...DOC, view: 'im2col' }) });
  const png = await take(page, 'PNG');
  assert.equal(png.name, 'convscope-im2col.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.bytes.readUInt32BE(16) > 400, 'twice the view\'s width');
  await page.getByLabel('GIF frame delay in milliseconds').fill('250');
  await page.getByLabel('GIF frame delay in milliseconds').blur();
  const gif = await take(page, 'GIF');
  assert.equal(gif.name, 'convscope-im2col.gif');
  assert.equal(gifFrames(gif.bytes), 9, 'a 3x3 output: nine steps');
  await page.getByText('GIF made: 9 frames').waitFor();
  // The player is back where it was.
  assert.equal(await page.locator('[data-matrix="output"][aria-current="true"]').getAttribute('data-index'), '0,0,0');
  // Code and data are one button away from every view.
  await page.getByRole('button', { name: /Code and data/ }).click();
  await page.locator('pre[data-export="numpy"]').waitFor();
});
