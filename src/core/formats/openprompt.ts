// OpenPrompt (Ding et al. 2022, "OpenPrompt: An Open-source Framework for Prompt-learning")
// ↔ ClozeLab, for whole setups: ManualTemplate texts (openprompt-template.ts), ManualVerbalizer
// label words (openprompt-verbalizer.ts) and the scoring that matches them.
//
// ManualVerbalizer (defaults post_log_softmax=True, multi_token_handler="first"): a class's score is
// the mean over its words of log softmax-over-all-label-words, which gives the same distribution as
// ClozeLab's "Mean of logits (PET)" with "First sub-token only".

import type { PromptSetup } from '../setup.ts';
import { formatFailure as fail, formatWarning as w, type ConvertResult, type FormatWarning } from './common.ts';
import { openPromptToTemplate, templateToOpenPrompt } from './openprompt-template.ts';
import { openPromptToVerbalizer, verbalizerToOpenPrompt } from './openprompt-verbalizer.ts';
import { adaptInputs, exportTemplates, importTemplateLines, inputsNotice, modelNotice } from './setup-parts.ts';

type Scoring = PromptSetup['scoring'];

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
      w('openprompt-aggregation', {
        aggregation: scoring.aggregation,
      }),
    );
  }
  if (scoring.multiToken === 'all-subtokens') {
    out.push(w('openprompt-multitoken', {}));
  }
  if (scoring.calibrate) {
    out.push(w('openprompt-no-calibration', {}));
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
  const { templates, warnings } = exportTemplates(setup, (entry) => templateToOpenPrompt(entry.text));
  if (setup.templates.some((t) => t.demo !== undefined)) warnings.push(w('demo-not-exported', { tool: 'OpenPrompt' }));
  const { classes, labelWords } = verbalizerToOpenPrompt(setup.verbalizer);
  warnings.push(...scoringWarnings(setup.scoring), ...modelNotice(setup), ...inputsNotice(setup, 'OpenPrompt'));
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
  const read = importTemplateLines(input.templates, openPromptToTemplate, {
    name: 'OpenPrompt',
    empty: fail('openprompt-no-templates', {}),
  });
  if (!read.read) return { ok: false, errors: read.errors, warnings: [] };
  const { templates, warnings, errors } = read;
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
    warnings.push(w('openprompt-scoring-set', {}));
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
