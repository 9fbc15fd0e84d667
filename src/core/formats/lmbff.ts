// LM-BFF (Gao, Fisch & Chen 2021, "Making Pre-trained Language Models Better Few-shot Learners")
// ↔ ClozeLab, for whole setups: templates (lmbff-template.ts) and label-word mappings
// (lmbff-mapping.ts).

import type { PromptSetup } from '../setup.ts';
import { formatFailure as fail, formatWarning as w, type ConvertResult, type FormatWarning } from './common.ts';
import { demoTemplateText } from '../demo-template.ts';
import { lmBffToEntry, templateToLmBff, templateToLmBffWithDemos } from './lmbff-template.ts';
import { lmBffMappingToVerbalizer, verbalizerToLmBffMapping } from './lmbff-mapping.ts';
import { adaptInputs, exportTemplates, importTemplateLines, inputsNotice, modelNotice } from './setup-parts.ts';

export interface LmBffExport {
  /** One LM-BFF template per ClozeLab template (LM-BFF's --template_list takes several). */
  templates: { name: string; template: string }[];
  mapping: string;
  /** For each template, what could not be carried over (template warnings carry `template` = its name). */
  warnings: FormatWarning[];
}

/**
 * A setup as LM-BFF templates and mapping. A template with a demonstration template (or every
 * template, with `demonstrations: true`) is written with one demonstration per label after it.
 */
export function exportLmBff(
  setup: PromptSetup,
  options: { intKeys?: boolean; demonstrations?: boolean } = {},
): LmBffExport {
  const labels = setup.verbalizer.labels.length;
  const exported = exportTemplates(setup, (entry) =>
    entry.demo !== undefined || options.demonstrations === true
      ? templateToLmBffWithDemos(entry.text, demoTemplateText(entry), labels)
      : templateToLmBff(entry.text),
  );
  const warnings = exported.warnings;
  const templates = exported.templates.map(({ name, text }) => ({ name, template: text }));
  const mapping = verbalizerToLmBffMapping(setup.verbalizer, options);
  if (mapping.ok) warnings.push(...mapping.warnings);
  if (setup.scoring.calibrate) {
    warnings.push(w('lmbff-no-calibration', {}));
  }
  warnings.push(...modelNotice(setup), ...inputsNotice(setup, 'LM-BFF'));
  return { templates, mapping: mapping.ok ? mapping.value : '{}', warnings };
}

/**
 * LM-BFF template(s) (one per line) and mapping → a new setup based on `base` (model, inputs and
 * other options are kept; inputs are re-keyed to the new template's slots).
 */
export function importLmBff(
  input: { templates: string; mapping: string },
  base: PromptSetup,
): ConvertResult<PromptSetup> {
  const read = importTemplateLines(input.templates, lmBffToEntry, {
    name: 'LM-BFF',
    empty: fail('lmbff-no-templates', {}),
  });
  if (!read.read) return { ok: false, errors: read.errors, warnings: [] };
  const { templates, warnings, errors } = read;
  const mapping = lmBffMappingToVerbalizer(input.mapping);
  warnings.push(...mapping.warnings);
  if (!mapping.ok) errors.push(...mapping.errors);
  if (errors.length > 0 || !mapping.ok) return { ok: false, errors, warnings };
  if (base.scoring.calibrate) warnings.push(w('calibration-off', {}));
  const setup: PromptSetup = {
    ...base,
    name: 'Imported from LM-BFF',
    templates,
    activeTemplateId: templates[0]!.id,
    verbalizer: mapping.value,
    scoring: { ...base.scoring, calibrate: false },
    inputs: adaptInputs(base.inputs, templates[0]!.text),
  };
  return { ok: true, value: setup, warnings };
}
