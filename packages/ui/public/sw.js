// Keeps the app shell available offline: pages are fetched from the network
// when it answers and from the cache when it does not; built assets (their
// names carry a content hash) come from the cache first. History itself is
// in IndexedDB and never passes through here; neither does the sync API.
const CACHE = 'chatkeep-shell-v1';

/**
 * Caches what the page names and every file the build lists in
 * shell-files.json (the chunks the app loads on demand, such as the settings
 * dialog, are not named in the page), skipping those already cached.
 */
async function cacheShellAssets(cache, html) {
  const named = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]);
  const built = await fetch('/shell-files.json', { cache: 'no-cache' })
    .then((response) => (response.ok ? response.json() : undefined))
    .catch(() => undefined);
  const urls = [...new Set([...named, ...(built ?? [])])];
  await Promise.all(
    urls.map(async (url) => {
      if (!(await cache.match(url))) await cache.add(url).catch(() => undefined);
    }),
  );
  // Files of earlier versions are dropped: no page of this version asks for
  // them, and the server no longer has them. Only with the full list in hand.
  if (!built) return;
  const keep = new Set(['/', ...urls]);
  for (const request of await cache.keys()) {
    if (!keep.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

async function precacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch('/', { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('/', response);
  await cacheShellAssets(cache, html);
}

/**
 * Saves the page for offline starts. A page that differs from the saved one
 * is a new version of the app (this worker stays installed across versions):
 * its files are cached now, while online, not when first needed.
 */
async function saveShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const saved = await cache.match('/');
  const changed = !saved || (await saved.text()) !== html;
  await cache.put('/', response);
  if (changed) await cacheShellAssets(cache, html);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell().catch(() => undefined));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // The page's request starts while this worker is still waking up, not after.
      await self.registration.navigationPreload?.enable().catch(() => undefined);
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

async function networkFirstPage(event) {
  try {
    const response = (await event.preloadResponse) ?? (await fetch(event.request));
    // The page is answered at once; the copy for offline starts is saved meanwhile.
    if (response.ok) event.waitUntil(saveShell(response.clone()).catch(() => undefined));
    return response;
  } catch (error) {
    const cached = await caches.match('/', { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirstAsset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/'))
    return;
  // A share page (/s/<id>) needs the network anyway, and must never be saved as the app's page.
  if (url.pathname.startsWith('/s/')) return;
  if (request.mode === 'navigate') event.respondWith(networkFirstPage(event));
  else if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    event.respondWith(cacheFirstAsset(request));
  }
});
