// Browser Cache API helpers for model files (Transformers.js stores them in the cache named
// env.cacheKey, 'transformers-cache'). Keys are absolute URLs: Hub files as
// https://huggingface.co/<id>/resolve/<rev>/<file>, app-served files as <origin><localModelPath><id>/<file>.

import type { CacheStatus } from './protocol.ts';

export interface CacheLocation {
  cacheName: string;
  /** e.g. '/models/' */
  localModelPath: string;
  /** e.g. 'https://huggingface.co/' */
  remoteHost: string;
}

function cachesApi(): CacheStorage | null {
  const c = (globalThis as { caches?: CacheStorage }).caches;
  return c && typeof c.open === 'function' ? c : null;
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

/** True if the cached URL belongs to model `modelId` (hub or app-served). */
export function urlBelongsToModel(url: string, modelId: string, where: CacheLocation): boolean {
  const id = trimSlashes(modelId);
  if (!id) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  let remote: URL | null = null;
  try {
    remote = new URL(where.remoteHost);
  } catch {
    remote = null;
  }
  const path = decodeURIComponent(parsed.pathname);
  if (parsed.host === remote?.host) {
    const base = remote.pathname.replace(/\/+$/, '');
    return path.startsWith(`${base}/${id}/resolve/`);
  }
  const local = `/${trimSlashes(where.localModelPath)}`.replace(/\/+$/, '');
  return path.startsWith(`${local}/${id}/`);
}

export async function modelCacheStatus(modelId: string, where: CacheLocation): Promise<CacheStatus> {
  const api = cachesApi();
  if (!api) return { available: false, cached: false, files: [], totalBytes: 0 };
  if (!(await api.has(where.cacheName))) return { available: true, cached: false, files: [], totalBytes: 0 };
  const cache = await api.open(where.cacheName);
  const files: CacheStatus['files'] = [];
  for (const request of await cache.keys()) {
    if (!urlBelongsToModel(request.url, modelId, where)) continue;
    let bytes: number | null = null;
    const response = await cache.match(request);
    const length = response?.headers.get('content-length');
    if (length && /^\d+$/.test(length)) bytes = Number(length);
    files.push({ url: request.url, bytes });
  }
  const names = files.map((f) => f.url);
  const cached =
    names.some((u) => u.endsWith('/config.json')) &&
    names.some((u) => u.endsWith('/tokenizer.json')) &&
    names.some((u) => u.endsWith('.onnx'));
  return { available: true, cached, files, totalBytes: files.reduce((n, f) => n + (f.bytes ?? 0), 0) };
}

/** Deletes the model's files from the cache, or the whole cache when no id is given. */
export async function clearModelCache(modelId: string | undefined, where: CacheLocation): Promise<{ deleted: number }> {
  const api = cachesApi();
  if (!api || !(await api.has(where.cacheName))) return { deleted: 0 };
  const cache = await api.open(where.cacheName);
  const keys = await cache.keys();
  if (modelId === undefined) {
    await api.delete(where.cacheName);
    return { deleted: keys.length };
  }
  let deleted = 0;
  for (const request of keys) {
    if (urlBelongsToModel(request.url, modelId, where) && (await cache.delete(request))) deleted++;
  }
  return { deleted };
}

/**
 * Deletes one file of a model from the cache (a file found damaged after it was cached, e.g. cut
 * short by a server that announced no size): the next load fetches it again.
 */
export async function forgetCachedFile(modelId: string, file: string, where: CacheLocation): Promise<number> {
  const api = cachesApi();
  if (!api || !(await api.has(where.cacheName))) return 0;
  const cache = await api.open(where.cacheName);
  let deleted = 0;
  for (const request of await cache.keys()) {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (urlBelongsToModel(request.url, modelId, where) && path.endsWith(`/${file}`) && (await cache.delete(request)))
      deleted++;
  }
  return deleted;
}
