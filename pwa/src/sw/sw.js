/**
 * Service worker: precaches the versioned app shell and serves it cache-first, so the app opens
 * with no network at all. The build replaces VERSION and PRECACHE. A new version installs in the
 * background and waits; the page tells it to take over only when nothing is left to sync.
 * API requests are never cached here: the app keeps its data in IndexedDB.
 */
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `yanshou-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((u) => new Request(u, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('yanshou-shell-') && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => (await cache.match('/index.html')) ?? fetch(req)),
    );
    return;
  }
  event.respondWith(caches.open(CACHE).then(async (cache) => (await cache.match(req, { ignoreSearch: true })) ?? fetch(req)));
});

// Background Sync where the browser has it: wake the open pages, which do the syncing.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'yanshou-sync') return;
  event.waitUntil(
    self.clients.matchAll({ type: 'window' }).then((list) => list.forEach((c) => c.postMessage({ type: 'sync' }))),
  );
});
