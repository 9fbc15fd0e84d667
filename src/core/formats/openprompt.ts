// OpenPrompt (Ding et al. 2022, "OpenPrompt: An Open-source Framework for Prompt-learning")
// ↔ ClozeLab, for whole setups: ManualTemplate texts (openprompt-template.ts), ManualVerbalizer
// label words (openprompt-verbalizer.ts) and the scoring that matches them.
//
// ManualVerbalizer (defaults post_log_softmax=True, multi_token_handler="first"): a class's score is
// the mean over its words of log softmax-over-all-label-words, which gives the same distribution as
// ClozeLab's "Mean of logits (PET)" with "First sub-token only".

import type { PromptSetup, TemplateEntry } from '../setup.ts';
import type { ConvertResult, FormatWarning } from './common.ts';
import { templateToOpenPrompt, openPromptToTemplate } from './openprompt-template.ts';
import { verbalizerToOpenPrompt, openPromptToVerbalizer } from './openprompt-verbalizer.ts';
import { adaptInputs, modelNotice } from './setup-parts.ts';

type Scoring = PromptSetup['scoring'];

const w = (code: string, message: string, params?: Record<string, string | number>): FormatWarning => ({
  code,
  message,
  ...(params ? { params } : {}),
});

// ---------------------------------------------------------------------------------------------
// Scoring and whole setups

/** The ClozeLab scoring that matches ManualVerbalizer's defaults. */
export const OPENPROMPT_SCORING: Readonly<Pick<Scoring, 'aggregation' | 'multiToken' | 'calibrate'>> = Object.freeze({
  aggregation: 'logit-mean',
  multiToken: 'first-subtoken',
  calibrate: false,
});

function scoringWarnings(scoring: Scoring): FormatWarning[] {
  const out: FormatWarning[] = [];
  if (scoring.aggregation !== 'logit-mean') {
    out.push(
      w(
        'openprompt-aggregation',
        `ManualVerbalizer averages its words' log-probabilities, which is ClozeLab's "Mean of logits (PET)"; this setup's "${scoring.aggregation}" aggregation cannot be written.`,
        {
          aggregation: scoring.aggregation,
        },
      ),
    );
  }
  if (scoring.multiToken === 'all-subtokens') {
    out.push(
      w(
        'openprompt-multitoken',
        'OpenPrompt reads all sub-tokens of a word at one mask (multi_token_handler "first", "max" or "mean"); ClozeLab\'s one-mask-per-sub-token scoring cannot be written. "first" is exported.',
      ),
    );
  }
  if (scoring.calibrate) {
    out.push(
      w(
        'no-calibration',
        'Contextual calibration is not part of a ManualVerbalizer; call openprompt.utils.calibrate yourself.',
      ),
    );
  }
  return out;
}

export interface OpenPromptExport {
  /** ManualTemplate texts, one per ClozeLab template (a template file holds one per line). */
  templates: { name: string; text: string }[];
  classes: string[];
  /** ManualVerbalizer label_words as a dict literal. */
  labelWords: string;
  /** A Python snippet that builds the template and verbalizer. */
  python: string;
  warnings: FormatWarning[];
}

const quote1 = (s: string) =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

export function exportOpenPrompt(setup: PromptSetup): OpenPromptExport {
  const warnings: FormatWarning[] = [];
  const templates: OpenPromptExport['templates'] = [];
  const ordered = [...setup.templates].sort(
    (a, b) => Number(b.id === setup.activeTemplateId) - Number(a.id === setup.activeTemplateId),
  );
  for (const entry of ordered) {
    const name = entry.name || entry.id;
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: name } });
    const r = templateToOpenPrompt(entry.text);
    if (!r.ok) {
      warnings.push(
        ...r.errors.map(tag),
        w('template-skipped', `The template "${name}" has errors and was not exported.`, { template: name }),
      );
      continue;
    }
    warnings.push(...r.warnings.map(tag));
    templates.push({ name, text: r.value });
  }
  const { classes, labelWords } = verbalizerToOpenPrompt(setup.verbalizer);
  warnings.push(...scoringWarnings(setup.scoring), ...modelNotice(setup));
  if (setup.inputs.length > 0) {
    warnings.push(
      w(
        'inputs-not-exported',
        `The ${setup.inputs.length} example input(s) are not part of an OpenPrompt template; export the setup as JSON to keep them.`,
        { n: setup.inputs.length },
      ),
    );
  }
  const comment = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const python = [
    '# Exported from ClozeLab' + (setup.name ? `: ${comment(setup.name)}` : ''),
    `# Model used in ClozeLab: ${setup.model.id} (Transformers.js weights; load the matching PyTorch model, e.g. with openprompt.plms.load_plm)`,
    'from openprompt.prompts import ManualTemplate, ManualVerbalizer',
    '',
    ...templates.map(
      (t, i) =>
        `template${templates.length > 1 ? i + 1 : ''} = ManualTemplate(tokenizer=tokenizer, text=${quote1(t.text)})`,
    ),
    `verbalizer = ManualVerbalizer(tokenizer, classes=${JSON.stringify(classes)}, label_words=${labelWords}, multi_token_handler="first")`,
    '',
  ].join('\n');
  return { templates, classes, labelWords, python, warnings };
}

/**
 * ManualTemplate text(s) (one per line) and label words → a new setup based on `base` (model and
 * inputs kept, inputs re-keyed for the template's slots). Scoring is set to ManualVerbalizer's
 * defaults ("Mean of logits (PET)", first sub-token, no calibration).
 */
export function importOpenPrompt(
  input: { templates: string; labelWords: string; classes?: string },
  base: PromptSetup,
): ConvertResult<PromptSetup> {
  const warnings: FormatWarning[] = [];
  const errors: FormatWarning[] = [];
  const lines = input.templates
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0)
    return { ok: false, errors: [w('empty', 'Paste at least one ManualTemplate text.')], warnings };
  if (lines.length > 20)
    return { ok: false, errors: [w('too-many-templates', 'At most 20 templates.', { max: 20 })], warnings };
  const templates: TemplateEntry[] = [];
  lines.forEach((line, i) => {
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: `${i + 1}` } });
    const r = openPromptToTemplate(line);
    warnings.push(...r.warnings.map(tag));
    if (!r.ok) errors.push(...r.errors.map(tag));
    else templates.push({ id: `t${i + 1}`, name: `OpenPrompt ${i + 1}`, text: r.value });
  });
  const verbalizer = openPromptToVerbalizer(input.labelWords, input.classes ?? '');
  warnings.push(...verbalizer.warnings);
  if (!verbalizer.ok) errors.push(...verbalizer.errors);
  if (errors.length > 0 || !verbalizer.ok) return { ok: false, errors, warnings };
  const scoring: Scoring = { ...base.scoring, ...OPENPROMPT_SCORING };
  if (
    scoring.aggregation !== base.scoring.aggregation ||
    scoring.multiToken !== base.scoring.multiToken ||
    scoring.calibrate !== base.scoring.calibrate
  ) {
    warnings.push(
      w(
        'openprompt-scoring-set',
        'Scoring was set to ManualVerbalizer\'s defaults: "Mean of logits (PET)", first sub-token only, no calibration.',
      ),
    );
  }
  const setup: PromptSetup = {
    ...base,
    name: 'Imported from OpenPrompt',
    templates,
    activeTemplateId: templates[0]!.id,
    verbalizer: verbalizer.value,
    scoring,
    inputs: adaptInputs(base.inputs, templates[0]!.text),
  };
  return { ok: true, value: setup, warnings };
}
