// Reading a PromptSetup from outside (imported files, share links, saved state, the CLI): version
// migration, cheap size checks before the schema walks the value, validation with errors that name
// their path and carry a code for translated messages. Never throws.

import type { z } from 'zod';
import { issue, SETUP_ERRORS, type Issue, type IssueParams, type SetupErrorCode } from './issues.ts';
import { fitSetupToLimits } from './setup-fit.ts';
import { PromptSetupSchema, SETUP_LIMITS, SETUP_VERSION, type PromptSetup } from './setup.ts';

const isSetupErrorCode = (s: string): s is SetupErrorCode => Object.hasOwn(SETUP_ERRORS, s);

/** What is wrong with a setup, and where: `path` is readable, e.g. "templates[0].text"; "(root)" for the whole value. */
export type SetupError = Issue<SetupErrorCode> & { path: string };

const setupError = <C extends SetupErrorCode>(path: string, code: C, params: IssueParams<C>) =>
  ({ ...issue(code, 'error', params), path }) as SetupError;

/** A setup error from one of the schema's own checks, with the values it carries for its code. */
const checked = (path: string, code: SetupErrorCode, params: Record<string, unknown>) =>
  ({ code, severity: 'error', params, path }) as SetupError;

export type SetupParse = { ok: true; setup: PromptSetup } | { ok: false; errors: SetupError[] };

/** ["templates", 0, "text"] → "templates[0].text". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const s = String(p);
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)) out += out === '' ? s : `.${s}`;
      else out += `[${JSON.stringify(s)}]`;
    }
  }
  return out === '' ? '(root)' : out;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Steps from each old version to the next. 1 → 2: version 2 added a second model, verbalizer
 * variants and a grid; a version 1 setup has none of them. (A v1 value that already carries such
 * keys — never written by ClozeLab — keeps them and the schema checks them.)
 */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  1: (old) => ({ compareModel: null, verbalizerVariants: [], grid: null, ...old, version: 2 }),
};

/**
 * Bring any supported version to the current one, one step at a time (v1 → v2 → …). Rejects
 * missing, unknown and newer versions.
 */
export function migrateSetup(raw: unknown): { ok: true; value: unknown } | { ok: false; errors: SetupError[] } {
  if (!isRecord(raw)) return { ok: false, errors: [setupError('(root)', 'not-object', {})] };
  const version = raw.version;
  if (version === undefined) {
    return { ok: false, errors: [setupError('version', 'version-missing', { current: SETUP_VERSION })] };
  }
  if (version === SETUP_VERSION) return { ok: true, value: raw };
  if (typeof version === 'number' && Object.hasOwn(MIGRATIONS, version)) {
    let value = raw;
    for (let v = version; v < SETUP_VERSION; v++) value = MIGRATIONS[v]!(value);
    return { ok: true, value };
  }
  if (typeof version === 'number' && Number.isInteger(version) && version > SETUP_VERSION) {
    return { ok: false, errors: [setupError('version', 'version-newer', { version, current: SETUP_VERSION })] };
  }
  const json = JSON.stringify(version) as string | undefined; // undefined for undefined, though typed string
  const shownVersion = String(json?.slice(0, 40));
  return { ok: false, errors: [setupError('version', 'version-unknown', { version: shownVersion })] };
}

/** Cheap size checks on the raw value before the schema walks it. */
function preflight(raw: Record<string, unknown>): SetupError[] {
  const errors: SetupError[] = [];
  const checkArray = (value: unknown, path: string, max: number) => {
    if (Array.isArray(value) && value.length > max) {
      errors.push(setupError(path, 'too-many', { count: value.length, max }));
    }
  };
  checkArray(raw.templates, 'templates', SETUP_LIMITS.templates);
  checkArray(raw.inputs, 'inputs', SETUP_LIMITS.inputRows);
  checkArray(raw.verbalizerVariants, 'verbalizerVariants', SETUP_LIMITS.verbalizerVariants);
  if (Array.isArray(raw.verbalizerVariants) && raw.verbalizerVariants.length <= SETUP_LIMITS.verbalizerVariants) {
    raw.verbalizerVariants.forEach((v, i) => {
      if (!isRecord(v)) return;
      checkArray(v.labels, `verbalizerVariants[${i}].labels`, SETUP_LIMITS.labels);
      if (Array.isArray(v.labels) && v.labels.length <= SETUP_LIMITS.labels)
        v.labels.forEach((l, j) => {
          if (isRecord(l))
            checkArray(l.words, `verbalizerVariants[${i}].labels[${j}].words`, SETUP_LIMITS.wordsPerLabel);
        });
    });
  }
  if (isRecord(raw.verbalizer)) {
    const labels = raw.verbalizer.labels;
    checkArray(labels, 'verbalizer.labels', SETUP_LIMITS.labels);
    if (Array.isArray(labels) && labels.length <= SETUP_LIMITS.labels) {
      labels.forEach((l, i) => {
        if (isRecord(l)) checkArray(l.words, `verbalizer.labels[${i}].words`, SETUP_LIMITS.wordsPerLabel);
      });
    }
  }
  if (Array.isArray(raw.inputs) && raw.inputs.length <= SETUP_LIMITS.inputRows) {
    raw.inputs.forEach((row, i) => {
      if (isRecord(row) && Object.keys(row).length > SETUP_LIMITS.slotsPerRow) {
        errors.push(setupError(`inputs[${i}]`, 'slots-per-row', { max: SETUP_LIMITS.slotsPerRow }));
      }
    });
  }
  return errors;
}

/** Validate (and migrate) an unknown value into a PromptSetup. Never throws. */
export function parseSetup(raw: unknown): SetupParse {
  const migrated = migrateSetup(raw);
  if (!migrated.ok) return migrated;
  const pre = preflight(migrated.value as Record<string, unknown>);
  if (pre.length > 0) return { ok: false, errors: pre };
  const result = PromptSetupSchema.safeParse(migrated.value);
  if (result.success) return { ok: true, setup: result.data };
  return { ok: false, errors: result.error.issues.map(setupErrorOf) };
}

/** A zod issue as a setup error: a ClozeLab check's own code, or the code of zod's generic check. */
function setupErrorOf(zodIssue: z.core.$ZodIssue): SetupError {
  const path = formatPath(zodIssue.path);
  const raw = zodIssue as unknown as Record<string, unknown>;
  const text = (key: string) => (typeof raw[key] === 'string' ? raw[key] : '');
  const count = (key: string) => Number(raw[key] ?? 0);
  // Refinements with values carry their code and the values in params …
  const { code: customCode, ...values } = zodIssue.code === 'custom' ? (zodIssue.params ?? {}) : {};
  if (typeof customCode === 'string' && isSetupErrorCode(customCode)) return checked(path, customCode, values);
  // … the other checks their code in the message (see `check`).
  if (isSetupErrorCode(zodIssue.message)) {
    const code = zodIssue.message;
    return checked(path, code, 'max' in SETUP_ERRORS[code] ? { max: count('maximum') } : {});
  }
  switch (zodIssue.code) {
    case 'invalid_key':
      return setupError(path, 'slot-key', { key: String(zodIssue.path[zodIssue.path.length - 1]).slice(0, 40) });
    case 'invalid_type':
      return setupError(path, 'wrong-type', { expected: text('expected') });
    case 'too_small':
      return setupError(path, 'too-small', { origin: text('origin'), minimum: count('minimum') });
    case 'too_big':
      return setupError(path, 'too-big', { origin: text('origin'), maximum: count('maximum') });
    case 'invalid_value':
      return setupError(path, 'invalid-option', {
        values: Array.isArray(raw.values) ? raw.values.map((v) => JSON.stringify(v)).join(', ') : '',
      });
    default:
      return setupError(path, 'invalid-value', {});
  }
}

/** Parse setup JSON text (import / share links), with a size limit before JSON.parse. Never throws. */
export function parseSetupJson(text: string): SetupParse {
  if (typeof text !== 'string') return { ok: false, errors: [setupError('(root)', 'not-text', {})] };
  if (text.length > SETUP_LIMITS.jsonChars) {
    return {
      ok: false,
      errors: [setupError('(root)', 'json-too-large', { length: text.length, max: SETUP_LIMITS.jsonChars })],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [setupError('(root)', 'json-invalid', { detail })] };
  }
  return parseSetup(raw);
}

/**
 * The JSON file of a setup, as "Export" writes it: cut to the limits first (fitSetupToLimits; the
 * cut fields are listed), so that parseSetupJson always reads it back — the export and the import
 * share one set of limits (limits.ts).
 */
export function exportSetupJson(setup: PromptSetup): { text: string; trimmed: string[] } {
  const fit = fitSetupToLimits(setup);
  return { text: `${JSON.stringify(fit.setup, null, 2)}\n`, trimmed: fit.trimmed };
}
