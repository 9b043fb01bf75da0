// Reading the picture (issue #23, items 10 and 11): sums write subtraction as
// subtraction (never "+(-4)") in the page, the figures and the equation; a
// GIF's frames are sized by the largest step, so a later, longer equation is
// not cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { configHash, openApp } from './harness.mjs';

async function take(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  return await fs.readFile(await download.path());
}

// "+(-4)", "+ (-0.5)": a lone negative number added. A product such as "+ (-1)*2" keeps its brackets.
const ADDED_NEGATIVE = /\+\s*\(-[\d.e]+\)(?!\s*\*)/;

test('overlap sums and equations write subtraction as subtraction, on the page and in the figures', async (t) => {
  // Every copy of x = 2 holds a negative product (2 * -2, 2 * -3); the bias is negative.
  const doc = { op: 'conv_transpose2d', input: [[1, 2], [3, 1]], weight: [[1, -2], [-3, 4]], bias: [-0.5], view: 'transposed', step: 1 };
  const { page } = await openApp(t, { hash: configHash(doc) });
  const notes = await page.locator('section.view .note').allInnerTexts();
  assert.ok(notes.includes('-4') && notes.includes('-6'), `the copy of x = 2 adds -4 and -6: ${notes}`);
  assert.ok(notes.includes('+2') && notes.includes('+8'), `and +2, +8: ${notes}`);
  // An output cell's overlap sum: y[0,1] = 1*(-2) + 2*1 - 0.5 (the bias as a subtraction).
  await page.locator('td[data-matrix="output"][data-index="0,0,1"]').click();
  const text = await page.locator('section.view').innerText();
  assert.match(text, /y\[0,1\] = x\[0,[01]\]\*w\[0,[01]\] \+ x\[0,[01]\]\*w\[0,[01]\] \+ b = [^=]* - 0\.5 = -0\.5/);
  assert.doesNotMatch(text, ADDED_NEGATIVE);
  const svg = (await take(page, 'SVG')).toString('utf8');
  assert.match(svg, />-4</, 'the note as drawn in the SVG');
  assert.doesNotMatch(svg, ADDED_NEGATIVE);
  // A figure is for a slide (item 15): no interactive hints, and a margin on the left too.
  assert.doesNotMatch(svg, /hover a cell|click a cell/);
  const xs = [...svg.matchAll(/ x1?="(-?[\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(Math.min(...xs) >= 15, `the leftmost shape is at x = ${Math.min(...xs)}`);
  // The sliding window's equation, with a negative bias.
  const forward = { input: [[1, 2], [3, 4]], weight: [[1, -1], [0, 2]], bias: [-0.5] };
  const { page: page2 } = await openApp(t, { hash: configHash(forward) });
  const equation = await page2.locator('.equation').first().innerText();
  assert.match(equation, /1\*1 \+ 2\*\(-1\) \+ 3\*0 \+ 4\*2 - 0\.5 = 6\.5/);
});

test('a GIF is sized by its largest frame: a later, longer equation is not cut', async (t) => {
  // Two steps: the first window holds 1s (a short equation), the second -1234.5s (a long one that wraps).
  const input = [[...Array(16).fill(1), ...Array(16).fill(-1234.5)]];
  const doc = { op: 'conv1d', input, weight: [[Array(16).fill(1)]], stride: 16 };
  const { page } = await openApp(t, { hash: configHash(doc) });
  const svgSize = async () => {
    const svg = (await take(page, 'SVG')).toString('utf8');
    const [, w, h] = svg.match(/<svg[^>]* width="([\d.]+)" height="([\d.]+)"/);
    return [Number(w), Number(h)];
  };
  const first = await svgSize();
  await page.keyboard.press('ArrowRight');
  await page.locator('td[data-matrix="output"][data-index="0,1"][aria-current="true"]').waitFor();
  const last = await svgSize();
  assert.ok(last[1] > first[1] + 10, `the second step's figure is taller: ${first} then ${last}`);
  const gif = await take(page, 'GIF');
  const [gw, gh] = [gif.readUInt16LE(6), gif.readUInt16LE(8)];
  // Drawn at one scale (the widest frame fits 960 px): the tallest frame's height, scaled.
  const scale = gw / Math.max(first[0], last[0]);
  assert.ok(gh + 1 >= last[1] * scale, `GIF ${gw}x${gh}, the tallest frame ${last} at ${scale.toFixed(3)}`);
});
