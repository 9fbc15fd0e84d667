// PromptSetup: the one versioned, validated description of an experiment, shared by the store,
// share links, presets, import/export and the CLI.

import { z } from 'zod';
import { DEFAULT_SCORING_OPTIONS, type ScoringOptions } from './scoring.ts';

// No code generation: the app runs under a Content-Security-Policy without 'unsafe-eval', where
// zod's `new Function` probe would be reported as a policy violation (README, "Privacy and security").
z.config({ jitless: true });

export const SETUP_VERSION = 1 as const;

/** Size limits, so a hostile or broken import can't make the app build huge structures. */
export const SETUP_LIMITS = Object.freeze({
  /** Longest JSON text `parseSetupJson` accepts (characters). */
  jsonChars: 2_000_000,
  nameChars: 200,
  modelIdChars: 193, // 96 + "/" + 96
  templates: 20,
  templateIdChars: 64,
  templateNameChars: 200,
  templateTextChars: 2_000,
  labels: 100,
  labelChars: 100,
  wordsPerLabel: 50,
  wordChars: 100,
  inputRows: 500,
  slotsPerRow: 20,
  inputChars: 10_000,
  /** All example inputs together. */
  totalInputChars: 1_000_000,
});

// ---------------------------------------------------------------------------------------------
// Model ids

const HUB_PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;

/**
 * A Hub-style model id "owner/name": exactly one "/", each part 1–96 characters of letters,
 * digits, "-", "_", "." that starts and ends with a letter or digit, without ".." or "--".
 * So no URLs, schemes, absolute or parent paths, spaces or query strings. The same format is used
 * for local test models ("clozelab-test/bert-tiny").
 */
export function isValidModelId(id: unknown): boolean {
  if (typeof id !== 'string' || id.length > SETUP_LIMITS.modelIdChars) return false;
  const parts = id.split('/');
  if (parts.length !== 2) return false;
  return parts.every((p) => HUB_PART.test(p) && !p.includes('..') && !p.includes('--'));
}

// ---------------------------------------------------------------------------------------------
// Schema

const noNewline = (s: string) => !/[\r\n]/.test(s);

export const ScoringOptionsSchema = z.object({
  aggregation: z.enum(['sum', 'mean', 'max', 'logit-mean']).default(DEFAULT_SCORING_OPTIONS.aggregation),
  multiToken: z.enum(['all-subtokens', 'first-subtoken']).default(DEFAULT_SCORING_OPTIONS.multiToken),
  lengthNormalize: z.boolean().default(DEFAULT_SCORING_OPTIONS.lengthNormalize),
  calibrate: z.boolean().default(DEFAULT_SCORING_OPTIONS.calibrate),
});

export const ModelRefSchema = z.object({
  id: z.string().refine(isValidModelId, {
    error:
      'Model id must look like "owner/name" (e.g. "Xenova/bert-base-uncased"): letters, digits, "-", "_", "." only — no URLs or paths.',
    params: { code: 'model-id' },
  }),
  source: z.enum(['hub', 'local']).default('hub'),
  dtype: z.enum(['auto', 'fp32', 'fp16', 'q8', 'q4']).default('auto'),
  device: z.enum(['auto', 'wasm', 'webgpu']).default('auto'),
});

export const TemplateEntrySchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'Template id: letters, digits, "-" and "_" only.')
    .min(1)
    .max(SETUP_LIMITS.templateIdChars),
  name: z
    .string()
    .max(
      SETUP_LIMITS.templateNameChars,
      `A template name can be at most ${SETUP_LIMITS.templateNameChars} characters.`,
    ),
  /** The user's text; may be an invalid template. */
  text: z
    .string()
    .max(SETUP_LIMITS.templateTextChars, `A template can be at most ${SETUP_LIMITS.templateTextChars} characters.`),
});

export const VerbalizerSchema = z
  .object({
    labels: z
      .array(
        z.object({
          label: z
            .string()
            .min(1, 'A label name cannot be empty.')
            .max(SETUP_LIMITS.labelChars)
            .refine((s) => s.trim() !== '', {
              error: 'A label name cannot be only spaces.',
              params: { code: 'label-blank' },
            })
            .refine(noNewline, {
              error: 'A label name cannot contain a line break.',
              params: { code: 'label-newline' },
            }),
          words: z
            .array(
              z
                .string()
                .min(1, 'A label word cannot be empty.')
                .max(SETUP_LIMITS.wordChars)
                .refine(noNewline, {
                  error: 'A label word cannot contain a line break.',
                  params: { code: 'word-newline' },
                }),
            )
            .min(1, 'Each label needs at least one word.')
            .max(SETUP_LIMITS.wordsPerLabel),
        }),
      )
      .min(1, 'The verbalizer needs at least one label.')
      .max(SETUP_LIMITS.labels),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.labels.forEach((l, i) => {
      if (seen.has(l.label))
        ctx.addIssue({
          code: 'custom',
          message: `The label "${l.label}" appears twice.`,
          path: ['labels', i, 'label'],
          params: { code: 'duplicate-label', label: l.label },
        });
      seen.add(l.label);
      const words = new Set<string>();
      l.words.forEach((w, j) => {
        if (words.has(w))
          ctx.addIssue({
            code: 'custom',
            message: `The word "${w}" appears twice under "${l.label}".`,
            path: ['labels', i, 'words', j],
            params: { code: 'duplicate-word', word: w, label: l.label },
          });
        words.add(w);
      });
    });
  });

const SLOT_KEY = /^X(?:[1-9][0-9]?)?$/;

export const InputRowSchema = z
  .record(
    z.string().regex(SLOT_KEY, 'Input keys are slot names: X, or X1, X2, …'),
    z.string().max(SETUP_LIMITS.inputChars),
  )
  .refine((r) => Object.keys(r).length <= SETUP_LIMITS.slotsPerRow, {
    error: `At most ${SETUP_LIMITS.slotsPerRow} inputs per row.`,
    params: { code: 'slots-per-row', max: SETUP_LIMITS.slotsPerRow },
  });

export const PromptSetupSchema = z
  .object({
    version: z.literal(SETUP_VERSION),
    name: z.string().max(SETUP_LIMITS.nameChars).default(''),
    model: ModelRefSchema,
    templates: z
      .array(TemplateEntrySchema)
      .min(1, 'A setup needs at least one template.')
      .max(SETUP_LIMITS.templates, `At most ${SETUP_LIMITS.templates} templates.`),
    activeTemplateId: z.string().max(SETUP_LIMITS.templateIdChars),
    verbalizer: VerbalizerSchema,
    scoring: ScoringOptionsSchema.default({ ...DEFAULT_SCORING_OPTIONS }),
    inputs: z
      .array(InputRowSchema)
      .max(SETUP_LIMITS.inputRows, `At most ${SETUP_LIMITS.inputRows} example inputs.`)
      .default([]),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.templates.forEach((t, i) => {
      if (ids.has(t.id))
        ctx.addIssue({
          code: 'custom',
          message: `Two templates have the id "${t.id}".`,
          path: ['templates', i, 'id'],
          params: { code: 'duplicate-template-id', id: t.id },
        });
      ids.add(t.id);
    });
    if (!ids.has(s.activeTemplateId)) {
      ctx.addIssue({
        code: 'custom',
        message: `activeTemplateId "${s.activeTemplateId}" is not the id of any template.`,
        path: ['activeTemplateId'],
        params: { code: 'active-template', id: s.activeTemplateId },
      });
    }
    let total = 0;
    for (const row of s.inputs) for (const v of Object.values(row)) total += v.length;
    if (total > SETUP_LIMITS.totalInputChars) {
      ctx.addIssue({
        code: 'custom',
        message: `The example inputs are too long together (${total} characters; at most ${SETUP_LIMITS.totalInputChars}).`,
        path: ['inputs'],
        params: { code: 'inputs-too-long', length: total, max: SETUP_LIMITS.totalInputChars },
      });
    }
  });

export type PromptSetup = z.output<typeof PromptSetupSchema>;
export type ModelRef = PromptSetup['model'];
export type TemplateEntry = PromptSetup['templates'][number];
export type ModelSource = ModelRef['source'];
export type ModelDtype = ModelRef['dtype'];
export type ModelDevice = ModelRef['device'];

// Compile-time check that the schema's scoring options are exactly the engine's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _scoringTypesMatch: Same<PromptSetup['scoring'], ScoringOptions> = true;

// ---------------------------------------------------------------------------------------------
// Parsing

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

/** The SST-2-style example every new session starts from. */
export function defaultSetup(): PromptSetup {
  return {
    version: SETUP_VERSION,
    name: 'Movie review sentiment (SST-2 style)',
    model: { id: 'Xenova/bert-base-uncased', source: 'hub', dtype: 'auto', device: 'auto' },
    templates: [{ id: 't1', name: 'Overall, it was a … movie', text: '[X] Overall, it was a [Z] movie.' }],
    activeTemplateId: 't1',
    verbalizer: {
      labels: [
        { label: 'positive', words: ['great', 'excellent', 'good'] },
        { label: 'negative', words: ['terrible', 'awful', 'bad'] },
      ],
    },
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    inputs: [
      { X: 'A gripping story with wonderful performances from the whole cast.' },
      { X: 'The plot was dull and the jokes fell flat.' },
      { X: 'I would happily watch it again tomorrow.' },
    ],
  };
}
