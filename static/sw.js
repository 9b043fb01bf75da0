// ConvScope's service worker (release builds; scripts/post_build.mjs fills in
// the cache's name and the build's files). It makes a second visit work
// offline: every view, mode and chunk.
//
// - The page is fetched from the network first, so a new deploy shows on the
//   next load; offline (or on a network error) the cached page is used.
// - Everything else is served from this build's cache. A page names only the
//   parts of its own build (content-hashed names), so old and new files never
//   mix; a miss goes to the network (the gallery's pictures are then kept).
// - A new build's worker takes over at once and deletes older builds' caches.
const CACHE = '__CACHE__';
const FILES = ['__FILES__'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('convscope-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    const cached = () =>
      caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }).then((hit) => hit || cache.match('./')));
    // Known offline: the cached page at once, with no request that can only fail.
    if (self.navigator.onLine === false) {
      event.respondWith(cached());
      return;
    }
    event.respondWith(
      fetch(request).catch(cached),
    );
    return;
  }
  // The gallery's pictures are kept the first time they are fetched (not ahead: about 1 MB).
  const keep = new URL(request.url).pathname.includes('/gallery/');
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request).then((response) => {
      if (keep && response.ok) cache.put(request, response.clone());
      return response;
    }))),
  );
});
