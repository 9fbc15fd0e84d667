// The few-shot settings a user picks (K values, seeds, methods, demonstration choice, test set) and
// how they are kept in this browser: a versioned record under its own key, read once at start and
// written on every change. A stored value that can't be read keeps the defaults, never throws.
import {
  DEFAULT_TUNING,
  FEWSHOT_KS,
  FEWSHOT_METHODS,
  FEWSHOT_SEEDS,
  type FewShotConfig,
  type FewShotMethod,
} from '../../core/fewshot/types.ts';

export type FewShotTestSource = 'rest' | 'file';

/** What the few-shot panel is set to: the run's config and where its test set comes from. */
export interface FewShotSettings {
  config: FewShotConfig;
  testSource: FewShotTestSource;
}

/** Bounds of what may be asked for (a K larger than a label has examples is skipped by the core, with its reason). */
export const FEWSHOT_LIMITS = Object.freeze({
  maxK: 4096,
  maxKs: 8,
  maxSeeds: 10,
  maxSeed: 2 ** 31 - 1,
  maxTest: 1_000_000,
  maxSteps: 5_000,
});

export function defaultFewShotSettings(): FewShotSettings {
  return {
    config: {
      ks: [4, 8, 16],
      seeds: [...FEWSHOT_SEEDS],
      methods: [...FEWSHOT_METHODS],
      demonstrations: { selection: 'random' },
      tuning: { ...DEFAULT_TUNING },
      maxTest: 1_000,
    },
    testSource: 'rest',
  };
}

export type NumberListParse = { ok: true; values: number[] } | { ok: false; bad: string };

/**
 * "4, 8 16" → [4, 8, 16]: whole numbers in [min, max] separated by commas or spaces, sorted, no
 * repeats. The first piece that is not one is returned, to be named in the message.
 */
export function parseNumberList(text: string, min: number, max: number): NumberListParse {
  const values = new Set<number>();
  for (const piece of text.split(/[\s,，、]+/u)) {
    if (piece === '') continue;
    const n = /^\d+$/.test(piece) ? Number(piece) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) return { ok: false, bad: piece };
    values.add(n);
  }
  return { ok: true, values: [...values].sort((a, b) => a - b) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function intList(v: unknown, min: number, max: number, most: number): number[] | null {
  if (!Array.isArray(v)) return null;
  const ok = v.filter((x): x is number => Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max);
  const values = [...new Set(ok)].sort((a, b) => a - b).slice(0, most);
  return values.length > 0 ? values : null;
}

function finite(v: unknown, min: number, max: number): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : null;
}

/** Settings read from untrusted JSON: each field that is missing or wrong keeps its default. */
export function readFewShotSettings(raw: unknown): FewShotSettings {
  const d = defaultFewShotSettings();
  if (!isRecord(raw)) return d;
  const c = isRecord(raw.config) ? raw.config : {};
  const methods = Array.isArray(c.methods)
    ? FEWSHOT_METHODS.filter((m) => (c.methods as unknown[]).includes(m))
    : d.config.methods;
  const demos = isRecord(c.demonstrations) ? c.demonstrations : {};
  const tuning = isRecord(c.tuning) ? c.tuning : {};
  const cap = finite(c.maxTest, 1, FEWSHOT_LIMITS.maxTest);
  return {
    config: {
      ks: intList(c.ks, 1, FEWSHOT_LIMITS.maxK, FEWSHOT_LIMITS.maxKs) ?? d.config.ks,
      seeds: intList(c.seeds, 0, FEWSHOT_LIMITS.maxSeed, FEWSHOT_LIMITS.maxSeeds) ?? d.config.seeds,
      methods: methods.length > 0 ? methods : d.config.methods,
      demonstrations: {
        selection: demos.selection === 'similar' ? 'similar' : 'random',
      },
      tuning: {
        steps: Math.round(finite(tuning.steps, 0, FEWSHOT_LIMITS.maxSteps) ?? d.config.tuning.steps),
        learningRate: finite(tuning.learningRate, 1e-6, 10) ?? d.config.tuning.learningRate,
        l2: finite(tuning.l2, 0, 100) ?? d.config.tuning.l2,
      },
      // null is a choice (all test examples); a wrong value keeps the default.
      maxTest: c.maxTest === null ? null : cap !== null ? Math.round(cap) : d.config.maxTest,
    },
    testSource: raw.testSource === 'file' ? 'file' : 'rest',
  };
}

/** Toggles `value` in a sorted list (an empty list keeps the value: a run needs at least one). */
export function toggleSorted(list: readonly number[], value: number): number[] {
  const next = list.includes(value) ? list.filter((x) => x !== value) : [...list, value].sort((a, b) => a - b);
  return next.length > 0 ? next : [...list];
}

/** Toggles a method, keeping FEWSHOT_METHODS' order and at least one method. */
export function toggleMethod(list: readonly FewShotMethod[], method: FewShotMethod): FewShotMethod[] {
  const has = list.includes(method);
  const next = FEWSHOT_METHODS.filter((m) => (m === method ? !has : list.includes(m)));
  return next.length > 0 ? next : [...list];
}

/** The K values offered as checkboxes: LM-BFF's plus any custom ones chosen. */
export function offeredKs(chosen: readonly number[]): number[] {
  return [...new Set([...FEWSHOT_KS, ...chosen])].sort((a, b) => a - b);
}

export const FEWSHOT_SETTINGS_KEY = 'clozelab.fewshot';
/** Version of the stored record: another version is ignored (the defaults stand). */
export const FEWSHOT_SETTINGS_VERSION = 1;

export function serializeFewShotSettings(settings: FewShotSettings): string {
  return JSON.stringify({ version: FEWSHOT_SETTINGS_VERSION, settings });
}

/** The stored settings, or null when none (or none of this version) are stored. Never throws. */
export function loadFewShotSettings(storage: Storage | null): FewShotSettings | null {
  try {
    const text = storage?.getItem(FEWSHOT_SETTINGS_KEY) ?? null;
    if (text === null) return null;
    const raw = JSON.parse(text) as unknown;
    if (!isRecord(raw) || raw.version !== FEWSHOT_SETTINGS_VERSION) return null;
    return readFewShotSettings(raw.settings);
  } catch {
    return null;
  }
}

/** Stores the settings; a full or blocked storage keeps them on this page only. */
export function saveFewShotSettings(storage: Storage | null, settings: FewShotSettings): void {
  try {
    storage?.setItem(FEWSHOT_SETTINGS_KEY, serializeFewShotSettings(settings));
  } catch {
    // The choice still holds on this page.
  }
}
