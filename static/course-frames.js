// Each ConvScope frame on this page posts its view's height when it changes
// (a step, a resize); the frame takes that height, so nothing in it scrolls.
// A course page adds these lines (as a file: the page's CSP allows no inline script).
addEventListener('message', (event) => {
  if (event.data?.type !== 'convscope:height') return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) frame.style.height = `${event.data.height}px`;
  }
});
