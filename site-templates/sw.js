// certsite's service worker: a site opened once keeps working offline.
//
// Installing it stores this build's shell (the pages that look certificates
// up, their scripts and styles, and snapshot.jsonl), each checked against
// the hash the build wrote below, so a half-deployed site is never stored.
// Every shard, institution file and tile the visitor fetches is stored too.
// Online, everything comes from the network (content-hashed assets from the
// store); offline, from the store, marked `X-Certsite-Offline: stored`, and
// a file never fetched is a 503 marked `missing`: the pages say they are
// offline, with the signed data date, or that the code needs the network.
// A new build is a new worker with a new store; the old store is deleted,
// never mixed with the new one.
const VERSION = {{ version }};
const SHELL = {{ shell }};
const STORE = `certsite-${VERSION}`;
const scope = new URL(self.registration.scope);

/** The store's key for a URL: no query or fragment, `dir/` as `dir/index.html`. */
function keyOf(href) {
  const url = new URL(href);
  url.search = '';
  url.hash = '';
  if (url.pathname.endsWith('/')) url.pathname += 'index.html';
  return url.href;
}

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const store = await caches.open(STORE);
      await Promise.all(
        SHELL.map(async ([path, sha256]) => {
          const url = new URL(path, scope).href;
          const response = await fetch(url, { cache: 'no-cache' });
          const bytes = await response.arrayBuffer();
          if (!response.ok || hex(await crypto.subtle.digest('SHA-256', bytes)) !== sha256) {
            throw new Error(`${path} is not this build's`);
          }
          await store.put(url, new Response(bytes, { headers: response.headers }));
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('certsite-') && name !== STORE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  event.respondWith(answer(event.request));
});

/** Content-hashed files never change: served from the store when there. */
const immutable = (key) => key.startsWith(new URL('assets/', scope).href);

async function answer(request) {
  const store = await caches.open(STORE);
  const key = keyOf(request.url);
  if (immutable(key)) {
    const stored = await store.match(key);
    if (stored) return stored;
  }
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await store.put(key, response.clone());
    return response;
  } catch {
    const stored = await store.match(key);
    if (stored) {
      const headers = new Headers(stored.headers);
      headers.set('X-Certsite-Offline', 'stored');
      return new Response(stored.body, { status: stored.status, headers });
    }
    const page = request.mode === 'navigate';
    const text = page ? '离线：这一页没有保存在本机，需要联网。\nOffline: this page was not saved on this device.\n' : '';
    const headers = { 'X-Certsite-Offline': 'missing', 'Content-Type': 'text/plain; charset=utf-8' };
    return new Response(text, { status: 503, headers });
  }
}
