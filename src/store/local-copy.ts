// Offline classroom copies: `npm run models:download -- <hub id>` saves a Hub model into
// public/models/<id>/, which the app serves itself. When the user loads a Hub id, ClozeLab first
// asks its own origin for /models/<id>/config.json (a real 404 when absent: Vite serves with
// appType 'mpa', and we also insist on a JSON object, so an index.html fallback of some other host
// does not count) and then loads that copy as source 'local', never touching the Hub.
import { Lru } from '../core/lru.ts';
import { isValidModelId, type ModelDtype, type ModelRef } from '../core/setup.ts';
import { appModelsPath } from '../runtime/app-base.ts';
import type { ModelSource } from '../runtime/protocol.ts';

/** The manifest `npm run models:download` writes next to the files. */
export const LOCAL_MANIFEST = 'clozelab-manifest.json';

export interface LocalCopy {
  id: string;
  /** ONNX variants present, when the copy has a manifest (e.g. ['q8'] or ['fp32', 'q8']). */
  dtypes: string[] | null;
}

/** Probes by model id; a page asks about a handful of ids, the bound only keeps a long session small. */
const found = new Lru<string, Promise<LocalCopy | null>>({ maxEntries: 256 });

async function readJsonObject(url: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(url, { cache: 'no-cache', credentials: 'same-origin' });
    if (!res.ok) return null;
    const value: unknown = await res.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

async function probe(id: string): Promise<LocalCopy | null> {
  if (typeof fetch !== 'function' || typeof location === 'undefined') return null;
  const folder = `${appModelsPath()}${id}/`;
  const config = await readJsonObject(`${folder}config.json`);
  if (!config) return null;
  const manifest = await readJsonObject(`${folder}${LOCAL_MANIFEST}`);
  const known = ['fp32', 'fp16', 'q8', 'q4'];
  const dtypes = Array.isArray(manifest?.dtypes)
    ? manifest.dtypes.filter((d): d is string => typeof d === 'string' && known.includes(d))
    : null;
  return { id, dtypes };
}

/** The app-served copy of a Hub model, or null (memoised per id for this page). */
export function findLocalCopy(id: string): Promise<LocalCopy | null> {
  if (!isValidModelId(id)) return Promise.resolve(null);
  let pending = found.get(id);
  if (!pending) {
    pending = probe(id);
    found.set(id, pending);
  }
  return pending;
}

/** Forget what was found (tests; or after the teacher copied new models while the page is open). */
export function forgetLocalCopies(): void {
  found.clear();
}

/**
 * Where to load `ref` from: a Hub id with an app-served copy loads that copy (source 'local').
 * With 'auto' dtype and a manifest that lists only one variant, that variant is asked for.
 */
export async function resolveModelSource(
  ref: ModelRef,
): Promise<{ source: ModelSource; dtype: ModelDtype; localCopy: boolean }> {
  if (ref.source !== 'hub') return { source: { kind: ref.source, id: ref.id }, dtype: ref.dtype, localCopy: false };
  const copy = await findLocalCopy(ref.id);
  if (!copy) return { source: { kind: 'hub', id: ref.id }, dtype: ref.dtype, localCopy: false };
  let dtype = ref.dtype;
  if (dtype === 'auto' && copy.dtypes?.length === 1) dtype = copy.dtypes[0] as ModelDtype;
  return { source: { kind: 'local', id: ref.id }, dtype, localCopy: true };
}
