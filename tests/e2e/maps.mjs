// Image mode's feature maps in the end-to-end tests: pointing at one pixel.

/**
 * Moves the pointer onto pixel (i, j) of feature map `f` and waits for its
 * readout. Returns the canvas's drawing box (inside its border) and its edges.
 */
export async function pointAtMap(page, f, i, j) {
  const canvas = page.locator(`canvas[data-feature-map="${f}"]`);
  const [oh, ow] = (await canvas.getAttribute('data-shape')).split(',').map(Number);
  await canvas.scrollIntoViewIfNeeded();
  // The drawing is the canvas's content box: inside its border.
  const r = await canvas.evaluate((c) => {
    const b = c.getBoundingClientRect();
    return { x: b.x + c.clientLeft, y: b.y + c.clientTop, w: c.clientWidth, h: c.clientHeight, right: b.right, bottom: b.bottom };
  });
  // The pointer sits on whole CSS pixels: the first one inside pixel (i, j)
  // (a map is drawn at least one CSS pixel per pixel).
  await page.mouse.move(Math.ceil(r.x + (j * r.w) / ow), Math.ceil(r.y + (i * r.h) / oh));
  await page.locator(`.map-readout [data-matrix="output"][data-index="${f},${i},${j}"]`).waitFor();
  return r;
}
