// PromptSetup: the one versioned, validated description of an experiment, shared by the store,
// share links, presets, import/export and the CLI. Its schema, limits and default; reading one
// from outside (migration, validation, JSON) is setup-parse.ts.

import { z } from 'zod';
import type { SetupErrorCode } from './issues.ts';
import { DEFAULT_SCORING_OPTIONS, type ScoringOptions } from './scoring.ts';
import { isInputSlotKey, LIMITS, MODEL_ID_CHARS, SETUP_JSON_CHARS, SLOT_KEYS_PER_ROW } from './limits.ts';

// No code generation: the app runs under a Content-Security-Policy without 'unsafe-eval', where
// zod's `new Function` probe would be reported as a policy violation (README, "Privacy and security").
z.config({ jitless: true });

/**
 * Version 2 added `compareModel`, `verbalizerVariants` and `grid` (setup-parse.ts migrates 1 → 2 by
 * adding them empty, so old links, saves and files keep opening).
 */
export const SETUP_VERSION = 2 as const;

/** The name a grid uses for the setup's own verbalizer; no variant may take it. */
export const MAIN_VERBALIZER = 'main';

/**
 * Size limits, so a hostile or broken import can't make the app build huge structures. The numbers
 * live in limits.ts, which the template and verbalizer parsers, the fit step and the editor read too.
 */
export const SETUP_LIMITS = Object.freeze({
  ...LIMITS,
  modelIdChars: MODEL_ID_CHARS,
  /** Keys of one input row: every slot name a template may use. */
  slotsPerRow: SLOT_KEYS_PER_ROW,
  /** Longest JSON text `parseSetupJson` accepts (characters): an export at the limits always fits. */
  jsonChars: SETUP_JSON_CHARS,
});

// ---------------------------------------------------------------------------------------------
// Model ids

const HUB_PART = new RegExp(`^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,${LIMITS.modelIdPartChars - 2}}[A-Za-z0-9])?$`);

/**
 * A Hub-style model id "owner/name": exactly one "/", each part 1–96 (LIMITS.modelIdPartChars) characters of letters,
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

/**
 * The code of a built-in check, carried in zod's message (only refinements can carry params);
 * `setupErrorOf` (setup-parse.ts) reads it back. The words are in the message catalogs.
 */
const check = (code: SetupErrorCode) => ({ error: code });

const noNewline = (s: string) => !/[\r\n]/.test(s);

export const ScoringOptionsSchema = z.object({
  aggregation: z.enum(['sum', 'mean', 'max', 'logit-mean']).default(DEFAULT_SCORING_OPTIONS.aggregation),
  multiToken: z.enum(['all-subtokens', 'first-subtoken']).default(DEFAULT_SCORING_OPTIONS.multiToken),
  lengthNormalize: z.boolean().default(DEFAULT_SCORING_OPTIONS.lengthNormalize),
  calibrate: z.boolean().default(DEFAULT_SCORING_OPTIONS.calibrate),
});

export const ModelRefSchema = z.object({
  id: z.string().refine(isValidModelId, check('model-id')),
  source: z.enum(['hub', 'local']).default('hub'),
  dtype: z.enum(['auto', 'fp32', 'fp16', 'q8', 'q4']).default('auto'),
  device: z.enum(['auto', 'wasm', 'webgpu']).default('auto'),
});

export const TemplateEntrySchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, check('template-id-format'))
    .min(1)
    .max(SETUP_LIMITS.templateIdChars),
  name: z.string().max(SETUP_LIMITS.templateNameChars, check('template-name-too-long')),
  /** The user's text; may be an invalid template. */
  text: z.string().max(SETUP_LIMITS.templateTextChars, check('template-too-long')),
  /**
   * The template of one demonstration (few-shot, LM-BFF): [X…] are the demonstration example's
   * inputs and [Z] its label word. Absent: demonstrations use the query's own template. May be an
   * invalid template, like `text` (demo-template.ts checks it). Optional, so setups without it
   * (older links and saves) read as before and the version stays 1.
   */
  demo: z.string().max(SETUP_LIMITS.templateTextChars, check('demo-template-too-long')).optional(),
});

const LabelsSchema = z
  .array(
    z.object({
      label: z
        .string()
        .min(1, check('label-empty'))
        .max(SETUP_LIMITS.labelChars)
        .refine((s) => s.trim() !== '', check('label-blank'))
        .refine(noNewline, check('label-newline')),
      words: z
        .array(
          z.string().min(1, check('word-empty')).max(SETUP_LIMITS.wordChars).refine(noNewline, check('word-newline')),
        )
        .min(1, check('label-without-words'))
        .max(SETUP_LIMITS.wordsPerLabel),
    }),
  )
  .min(1, check('no-labels'))
  .max(SETUP_LIMITS.labels);

/** Labels and words appear once each (in the verbalizer and in each variant). */
function checkDuplicates(labels: z.output<typeof LabelsSchema>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  labels.forEach((l, i) => {
    if (seen.has(l.label))
      ctx.addIssue({
        code: 'custom',
        path: ['labels', i, 'label'],
        params: { code: 'setup-duplicate-label', label: l.label },
      });
    seen.add(l.label);
    const words = new Set<string>();
    l.words.forEach((w, j) => {
      if (words.has(w))
        ctx.addIssue({
          code: 'custom',
          path: ['labels', i, 'words', j],
          params: { code: 'setup-duplicate-word', word: w, label: l.label },
        });
      words.add(w);
    });
  });
}

export const VerbalizerSchema = z
  .object({ labels: LabelsSchema })
  .superRefine((v, ctx) => checkDuplicates(v.labels, ctx));

/**
 * A verbalizer variant: a named alternative label-word list with the same labels as the verbalizer
 * (checked against it in PromptSetupSchema), so a grid can compare label words on the same labels.
 */
export const VerbalizerVariantSchema = z
  .object({
    name: z
      .string()
      .min(1, check('variant-name-empty'))
      .max(SETUP_LIMITS.variantNameChars, check('variant-name-too-long'))
      .refine((s) => s === '' || (s.trim() !== '' && noNewline(s)), check('variant-name-invalid')),
    labels: LabelsSchema,
  })
  .superRefine((v, ctx) => checkDuplicates(v.labels, ctx));

/** A model on a grid's model axis: the setup's model, its second model (`compareModel`), or any other. */
export const GridModelSchema = z.union([z.enum(['setup', 'compare']), ModelRefSchema]);

/**
 * An evaluation grid: every combination of these templates × verbalizers (MAIN_VERBALIZER or a
 * variant's name) × models × calibration settings is one cell (src/core/grid*.ts runs it).
 */
export const GridSchema = z.object({
  templateIds: z
    .array(z.string().max(SETUP_LIMITS.templateIdChars))
    .min(1, check('grid-axis-empty'))
    .max(SETUP_LIMITS.templates),
  verbalizers: z
    .array(z.string().max(SETUP_LIMITS.variantNameChars))
    .min(1, check('grid-axis-empty'))
    .max(SETUP_LIMITS.verbalizerVariants + 1),
  models: z.array(GridModelSchema).min(1, check('grid-axis-empty')).max(SETUP_LIMITS.gridModels).default(['setup']),
  calibration: z.array(z.boolean()).min(1, check('grid-axis-empty')).max(2).default([false, true]),
});

export const InputRowSchema = z
  .record(z.string().refine(isInputSlotKey), z.string().max(SETUP_LIMITS.inputChars))
  .refine((r) => Object.keys(r).length <= SETUP_LIMITS.slotsPerRow, {
    params: { code: 'slots-per-row', max: SETUP_LIMITS.slotsPerRow },
  });

export const PromptSetupSchema = z
  .object({
    version: z.literal(SETUP_VERSION),
    name: z.string().max(SETUP_LIMITS.nameChars).default(''),
    model: ModelRefSchema,
    templates: z
      .array(TemplateEntrySchema)
      .min(1, check('no-templates'))
      .max(SETUP_LIMITS.templates, check('too-many-templates')),
    activeTemplateId: z.string().max(SETUP_LIMITS.templateIdChars),
    verbalizer: VerbalizerSchema,
    scoring: ScoringOptionsSchema.default({ ...DEFAULT_SCORING_OPTIONS }),
    inputs: z.array(InputRowSchema).max(SETUP_LIMITS.inputRows, check('too-many-inputs')).default([]),
    /** A second model to compare with (side by side, grids); null when there is none. */
    compareModel: ModelRefSchema.nullable().default(null),
    verbalizerVariants: z
      .array(VerbalizerVariantSchema)
      .max(SETUP_LIMITS.verbalizerVariants, check('too-many-variants'))
      .default([]),
    grid: GridSchema.nullable().default(null),
  })
  .superRefine((s, ctx) => {
    checkVariants(s, ctx);
    checkGrid(s, ctx);
    const ids = new Set<string>();
    s.templates.forEach((t, i) => {
      if (ids.has(t.id))
        ctx.addIssue({
          code: 'custom',
          path: ['templates', i, 'id'],
          params: { code: 'duplicate-template-id', id: t.id },
        });
      ids.add(t.id);
    });
    if (!ids.has(s.activeTemplateId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['activeTemplateId'],
        params: { code: 'active-template', id: s.activeTemplateId },
      });
    }
    let total = 0;
    for (const row of s.inputs) for (const v of Object.values(row)) total += v.length;
    if (total > SETUP_LIMITS.totalInputChars) {
      ctx.addIssue({
        code: 'custom',
        path: ['inputs'],
        params: { code: 'inputs-too-long', length: total, max: SETUP_LIMITS.totalInputChars },
      });
    }
  });

type SetupShape = Pick<
  z.output<typeof PromptSetupSchema>,
  'templates' | 'verbalizer' | 'verbalizerVariants' | 'grid' | 'compareModel'
>;

/** Variants have distinct names (not MAIN_VERBALIZER), exactly the verbalizer's labels, bounded words. */
function checkVariants(s: SetupShape, ctx: z.RefinementCtx): void {
  const labels = s.verbalizer.labels.map((l) => l.label);
  const names = new Set<string>();
  let words = 0;
  s.verbalizerVariants.forEach((v, i) => {
    const at = (...rest: (string | number)[]) => ['verbalizerVariants', i, ...rest];
    if (v.name === MAIN_VERBALIZER)
      ctx.addIssue({ code: 'custom', path: at('name'), params: { code: 'variant-name-reserved', name: v.name } });
    else if (names.has(v.name))
      ctx.addIssue({ code: 'custom', path: at('name'), params: { code: 'duplicate-variant-name', name: v.name } });
    names.add(v.name);
    const own = new Set(v.labels.map((l) => l.label));
    for (const label of labels)
      if (!own.has(label))
        ctx.addIssue({
          code: 'custom',
          path: at('labels'),
          params: { code: 'variant-label-missing', variant: v.name, label },
        });
    v.labels.forEach((l, j) => {
      if (!labels.includes(l.label))
        ctx.addIssue({
          code: 'custom',
          path: at('labels', j, 'label'),
          params: { code: 'variant-label-unknown', variant: v.name, label: l.label },
        });
      words += l.words.length;
    });
  });
  if (words > SETUP_LIMITS.variantWordsTotal)
    ctx.addIssue({
      code: 'custom',
      path: ['verbalizerVariants'],
      params: { code: 'variant-words-too-many', count: words, max: SETUP_LIMITS.variantWordsTotal },
    });
}

/** The grid names existing templates and variants, each once; 'compare' needs a compareModel. */
function checkGrid(s: SetupShape, ctx: z.RefinementCtx): void {
  const grid = s.grid;
  if (grid === null) return;
  const once = (axis: string, keys: string[]) => {
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      if (seen.has(k))
        ctx.addIssue({
          code: 'custom',
          path: ['grid', axis, i],
          params: { code: 'grid-duplicate', value: k.slice(0, 120) },
        });
      seen.add(k);
    });
  };
  const templateIds = new Set(s.templates.map((t) => t.id));
  grid.templateIds.forEach((id, i) => {
    if (!templateIds.has(id))
      ctx.addIssue({ code: 'custom', path: ['grid', 'templateIds', i], params: { code: 'grid-template', id } });
  });
  const variants = new Set(s.verbalizerVariants.map((v) => v.name));
  grid.verbalizers.forEach((name, i) => {
    if (name !== MAIN_VERBALIZER && !variants.has(name))
      ctx.addIssue({ code: 'custom', path: ['grid', 'verbalizers', i], params: { code: 'grid-verbalizer', name } });
  });
  grid.models.forEach((m, i) => {
    if (m === 'compare' && s.compareModel === null)
      ctx.addIssue({ code: 'custom', path: ['grid', 'models', i], params: { code: 'grid-compare-model' } });
  });
  once('templateIds', grid.templateIds);
  once('verbalizers', grid.verbalizers);
  once(
    'models',
    grid.models.map((m) => (typeof m === 'string' ? m : modelKey(m))),
  );
  once('calibration', grid.calibration.map(String));
}

/** One string per distinct model reference (id, source, dtype, device). */
export function modelKey(m: z.output<typeof ModelRefSchema>): string {
  return `${m.source}:${m.id}:${m.dtype}:${m.device}`;
}

export type PromptSetup = z.output<typeof PromptSetupSchema>;
export type VerbalizerVariant = PromptSetup['verbalizerVariants'][number];
export type SetupGrid = NonNullable<PromptSetup['grid']>;
export type GridModel = SetupGrid['models'][number];
export type ModelRef = PromptSetup['model'];
export type TemplateEntry = PromptSetup['templates'][number];
export type ModelSource = ModelRef['source'];
export type ModelDtype = ModelRef['dtype'];
export type ModelDevice = ModelRef['device'];

// Compile-time check that the schema's scoring options are exactly the engine's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _scoringTypesMatch: Same<PromptSetup['scoring'], ScoringOptions> = true;

/** The fields setup version 2 added, empty: what a version 1 setup migrates to. */
export function setupV2Empty(): Pick<PromptSetup, 'compareModel' | 'verbalizerVariants' | 'grid'> {
  return { compareModel: null, verbalizerVariants: [], grid: null };
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
    ...setupV2Empty(),
  };
}
