// The gallery page (gallery.html) registers the site's service worker, as
// index.html does, so the page works offline after one visit. The page
// shows without it.
if ('serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('./sw.js').catch(() => {});
  if (document.readyState === 'complete') register();
  else addEventListener('load', register);
}
