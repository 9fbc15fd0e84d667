// ClozeLab's service worker, built to <base>sw.js by scripts/hosting.ts, which prepends the shell
// manifest. Two jobs, so that the built app needs nothing from its host but static files:
//  1. Headers. Hosts such as GitHub Pages or `python3 -m http.server` cannot send COOP/COEP (without
//     them the page is not cross-origin isolated and ONNX Runtime gets one WASM thread) nor the
//     Content-Security-Policy header (which, unlike the <meta> in index.html, also governs the
//     model worker). This worker adds them to the page and the app's own scripts it serves, when
//     the host has not sent them itself.
//  2. Offline. It keeps the built shell — index.html and the hashed assets — in a cache per deploy;
//     hashed assets come from that cache first, the page from the network first (so a new deploy
//     is seen at once) and from the cache when the network fails.
// Everything else passes through untouched: cross-origin requests (the Hugging Face Hub, governed
// by CORS) and app-served model files, which Transformers.js keeps in its own 'transformers-cache'
// (other responses than documents and worker scripts need none of these headers).

interface ShellManifest {
  /** A hash of every precached file: a new deploy changes it, and with it the bytes of sw.js. */
  version: string;
  /** Precached files, relative to sw.js, e.g. 'index.html', 'assets/index-C0ffee12.js'. */
  files: string[];
  /** Files whose names carry a content hash (the same name means the same bytes). */
  hashed: string[];
  /** Response headers for the page and the app's scripts: COOP, COEP, CSP (scripts/hosting.ts). */
  headers: Record<string, string>;
}

declare const __CLOZELAB_SHELL__: ShellManifest;

const sw = self as unknown as ServiceWorkerGlobalScope;
const shell = __CLOZELAB_SHELL__;

// Caches belong to the origin, and one origin can host several copies of the app (GitHub Pages
// project sites share <user>.github.io): the name carries this copy's scope, so that one copy's
// clean-up never deletes another's shell.
const CACHE_PREFIX = `clozelab-shell ${sw.registration.scope} `;
const CACHE_NAME = `${CACHE_PREFIX}${shell.version}`;

const toUrl = (file: string): string => new URL(file, sw.location.href).href;
const shellUrls = new Set(shell.files.map(toUrl));
const hashedUrls = new Set(shell.hashed.map(toUrl));
const INDEX_URL = toUrl('index.html');
/** The addresses of the app's page: the folder itself and its index.html. */
const PAGE_URLS = new Set([toUrl('./'), INDEX_URL]);

function withoutQuery(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
}

/** The response with the headers the host did not send; the host's own choice wins. */
function withHeaders(response: Response): Response {
  // A redirect the browser must follow itself (navigations) has no readable headers to extend.
  if (response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(shell.headers)) if (!headers.has(name)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE_NAME);
  await Promise.all(
    [...shellUrls].map(async (url) => {
      // A hashed file an earlier deploy already cached has the same bytes: copied, not downloaded
      // again (the ONNX Runtime .wasm alone is 27 MB).
      if (hashedUrls.has(url)) {
        const earlier = await caches.match(url);
        if (earlier?.ok) return cache.put(url, earlier);
      }
      // 'no-cache': the HTTP cache may still hold the previous deploy's index.html, which would
      // point at assets this version does not have.
      const response = await fetch(new Request(url, { cache: 'no-cache' }));
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return cache.put(url, response);
    }),
  );
}

sw.addEventListener('install', (event) => {
  // A new deploy takes over at once (no waiting for every tab to close): the page is fetched from
  // the network first anyway, so shell and service worker stay one version; open pages are told
  // (src/sw/register.ts) and keep running the code they have.
  event.waitUntil(precache().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      // The page that registered this worker is served by it from now on (offline included).
      await sw.clients.claim();
    })(),
  );
});

async function fromNetworkFirst(request: Request): Promise<Response> {
  try {
    // Revalidated, not taken from the HTTP cache: GitHub Pages lets browsers keep index.html for ten
    // minutes, and a previous deploy's page would ask for assets the new deploy no longer has.
    // 'manual' hands a redirect back to the browser to follow, as for any navigation.
    return withHeaders(await fetch(request.url, { cache: 'no-cache', redirect: 'manual', credentials: 'same-origin' }));
  } catch (error) {
    if (PAGE_URLS.has(withoutQuery(request.url))) {
      const cached = await caches.match(INDEX_URL, { cacheName: CACHE_NAME });
      if (cached) return withHeaders(cached);
    }
    throw error;
  }
}

async function fromCacheFirst(request: Request, url: string): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(url, { ignoreVary: true });
  if (cached) return withHeaders(cached);
  // Only after the browser evicted the entry: fetch it and keep it again.
  const response = await fetch(request);
  if (response.ok) await cache.put(url, response.clone());
  return withHeaders(response);
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== sw.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(fromNetworkFirst(request));
    return;
  }
  const url = withoutQuery(request.url);
  if (shellUrls.has(url)) {
    event.respondWith(fromCacheFirst(request, url));
  } else if (request.destination === 'worker' || request.destination === 'sharedworker') {
    // A worker script outside this deploy's shell (a tab still running the previous deploy) needs
    // the headers too: an isolated page may only start workers that carry COEP.
    event.respondWith(fetch(request).then(withHeaders));
  }
});
