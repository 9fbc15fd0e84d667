// Reading a PromptSetup from outside (imported files, share links, saved state, the CLI): version
// migration, cheap size checks before the schema walks the value, validation with errors that name
// their path and carry a code for translated messages. Never throws.

import type { z } from 'zod';
import { PromptSetupSchema, SETUP_LIMITS, SETUP_VERSION, type PromptSetup } from './setup.ts';

export interface SetupError {
  /** Readable path such as "templates[0].text"; "(root)" for the whole value. */
  path: string;
  /** English message. */
  message: string;
  /**
   * What went wrong, for translated messages (src/ui/i18n): a ClozeLab code such as 'model-id',
   * 'version-newer', 'too-many', or `zod.<issue code>` ('zod.too_big', 'zod.invalid_type', …).
   */
  code?: string;
  /** Values the message names (maximum, expected type, label, …). */
  params?: Record<string, string | number>;
}

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
 * Bring any supported version to the current one. Version 1 is current and passes through;
 * future versions add their steps here (v1 → v2 → …). Rejects missing, unknown and newer versions.
 */
export function migrateSetup(raw: unknown): { ok: true; value: unknown } | { ok: false; errors: SetupError[] } {
  if (!isRecord(raw))
    return {
      ok: false,
      errors: [{ path: '(root)', message: 'A ClozeLab setup must be a JSON object.', code: 'not-object' }],
    };
  const version = raw.version;
  if (version === undefined) {
    return {
      ok: false,
      errors: [
        {
          path: 'version',
          message: 'Missing "version" (this ClozeLab reads version 1).',
          code: 'version-missing',
          params: { current: SETUP_VERSION },
        },
      ],
    };
  }
  if (version === SETUP_VERSION) return { ok: true, value: raw };
  if (typeof version === 'number' && Number.isInteger(version) && version > SETUP_VERSION) {
    return {
      ok: false,
      errors: [
        {
          path: 'version',
          message: `This setup was made by a newer ClozeLab (version ${version}); this one reads version ${SETUP_VERSION}. Please update.`,
          code: 'version-newer',
          params: { version, current: SETUP_VERSION },
        },
      ],
    };
  }
  const json = JSON.stringify(version) as string | undefined; // undefined for undefined, though typed string
  const shownVersion = String(json?.slice(0, 40));
  return {
    ok: false,
    errors: [
      {
        path: 'version',
        message: `Unknown setup version ${shownVersion}.`,
        code: 'version-unknown',
        params: { version: shownVersion },
      },
    ],
  };
}

/** Cheap size checks on the raw value before the schema walks it. */
function preflight(raw: Record<string, unknown>): SetupError[] {
  const errors: SetupError[] = [];
  const checkArray = (value: unknown, path: string, max: number) => {
    if (Array.isArray(value) && value.length > max) {
      errors.push({
        path,
        message: `Too many entries (${value.length}; at most ${max}).`,
        code: 'too-many',
        params: { count: value.length, max },
      });
    }
  };
  checkArray(raw.templates, 'templates', SETUP_LIMITS.templates);
  checkArray(raw.inputs, 'inputs', SETUP_LIMITS.inputRows);
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
        errors.push({
          path: `inputs[${i}]`,
          message: `At most ${SETUP_LIMITS.slotsPerRow} inputs per row.`,
          code: 'slots-per-row',
          params: { max: SETUP_LIMITS.slotsPerRow },
        });
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
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message:
        issue.code === 'invalid_key'
          ? `"${String(issue.path[issue.path.length - 1]).slice(0, 40)}" is not a slot name; input keys are X, or X1, X2, …`
          : issue.message,
      ...issueCode(issue),
    })),
  };
}

/** A code and parameters for a zod issue, so the UI can translate the message. */
function issueCode(issue: z.core.$ZodIssue): { code: string; params: Record<string, string | number> } {
  const params: Record<string, string | number> = {};
  if (issue.code === 'custom') {
    for (const [key, value] of Object.entries(issue.params ?? {})) {
      if (key !== 'code' && (typeof value === 'string' || typeof value === 'number')) params[key] = value;
    }
    return { code: typeof issue.params?.code === 'string' ? issue.params.code : 'custom', params };
  }
  if (issue.code === 'invalid_key')
    return { code: 'slot-key', params: { key: String(issue.path[issue.path.length - 1]).slice(0, 40) } };
  const raw = issue as unknown as Record<string, unknown>;
  for (const key of ['origin', 'expected', 'format']) if (typeof raw[key] === 'string') params[key] = raw[key];
  for (const key of ['minimum', 'maximum'])
    if (typeof raw[key] === 'number' || typeof raw[key] === 'bigint') params[key] = Number(raw[key]);
  if (Array.isArray(raw.values)) params.values = raw.values.map((v) => JSON.stringify(v)).join(', ');
  return { code: `zod.${issue.code}`, params };
}

/** Parse setup JSON text (import / share links), with a size limit before JSON.parse. Never throws. */
export function parseSetupJson(text: string): SetupParse {
  if (typeof text !== 'string')
    return { ok: false, errors: [{ path: '(root)', message: 'Expected JSON text.', code: 'not-text' }] };
  if (text.length > SETUP_LIMITS.jsonChars) {
    return {
      ok: false,
      errors: [
        {
          path: '(root)',
          message: `The setup is too large (${text.length} characters; at most ${SETUP_LIMITS.jsonChars}).`,
          code: 'json-too-large',
          params: { length: text.length, max: SETUP_LIMITS.jsonChars },
        },
      ],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      errors: [{ path: '(root)', message: `Not valid JSON: ${detail}`, code: 'json-invalid', params: { detail } }],
    };
  }
  return parseSetup(raw);
}
