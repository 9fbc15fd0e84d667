// LM-BFF (Gao, Fisch & Chen 2021, "Making Pre-trained Language Models Better Few-shot Learners")
// ↔ ClozeLab, for whole setups: templates (lmbff-template.ts) and label-word mappings
// (lmbff-mapping.ts).

import type { PromptSetup, TemplateEntry } from '../setup.ts';
import type { ConvertResult, FormatWarning } from './common.ts';
import { lmBffToTemplate, templateToLmBff } from './lmbff-template.ts';
import { lmBffMappingToVerbalizer, verbalizerToLmBffMapping } from './lmbff-mapping.ts';
import { adaptInputs, modelNotice } from './setup-parts.ts';

const w = (code: string, message: string, params?: Record<string, string | number>): FormatWarning => ({
  code,
  message,
  ...(params ? { params } : {}),
});

// ---------------------------------------------------------------------------------------------
// Whole setups

export interface LmBffExport {
  /** One LM-BFF template per ClozeLab template (LM-BFF's --template_list takes several). */
  templates: { name: string; template: string }[];
  mapping: string;
  /** For each template, what could not be carried over (template warnings carry `template` = its name). */
  warnings: FormatWarning[];
}

export function exportLmBff(setup: PromptSetup, options: { intKeys?: boolean } = {}): LmBffExport {
  const warnings: FormatWarning[] = [];
  const templates: LmBffExport['templates'] = [];
  const ordered = [...setup.templates].sort(
    (a, b) => Number(b.id === setup.activeTemplateId) - Number(a.id === setup.activeTemplateId),
  );
  for (const entry of ordered) {
    const r = templateToLmBff(entry.text);
    const name = entry.name || entry.id;
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: name } });
    if (!r.ok) {
      warnings.push(
        ...r.errors.map(tag),
        w('template-skipped', `The template "${name}" has errors and was not exported.`, { template: name }),
      );
      continue;
    }
    warnings.push(...r.warnings.map(tag));
    templates.push({ name, template: r.value });
  }
  const mapping = verbalizerToLmBffMapping(setup.verbalizer, options);
  if (mapping.ok) warnings.push(...mapping.warnings);
  if (setup.scoring.calibrate) {
    warnings.push(
      w('no-calibration', "Calibration is not part of LM-BFF's prompt-based predictions; it is not exported."),
    );
  }
  warnings.push(...modelNotice(setup), ...inputsNotice(setup));
  return { templates, mapping: mapping.ok ? mapping.value : '{}', warnings };
}

function inputsNotice(setup: PromptSetup): FormatWarning[] {
  return setup.inputs.length > 0
    ? [
        w(
          'inputs-not-exported',
          `The ${setup.inputs.length} example input(s) are not part of an LM-BFF template; export the setup as JSON to keep them.`,
          { n: setup.inputs.length },
        ),
      ]
    : [];
}

/**
 * LM-BFF template(s) (one per line) and mapping → a new setup based on `base` (model, inputs and
 * other options are kept; inputs are re-keyed to the new template's slots).
 */
export function importLmBff(
  input: { templates: string; mapping: string },
  base: PromptSetup,
): ConvertResult<PromptSetup> {
  const warnings: FormatWarning[] = [];
  const errors: FormatWarning[] = [];
  const lines = input.templates
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, errors: [w('empty', 'Paste at least one LM-BFF template.')], warnings };
  if (lines.length > 20)
    return { ok: false, errors: [w('too-many-templates', 'At most 20 templates.', { max: 20 })], warnings };
  const templates: TemplateEntry[] = [];
  lines.forEach((line, i) => {
    const r = lmBffToTemplate(line);
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: `${i + 1}` } });
    warnings.push(...r.warnings.map(tag));
    if (!r.ok) errors.push(...r.errors.map(tag));
    else templates.push({ id: `t${i + 1}`, name: `LM-BFF ${i + 1}`, text: r.value });
  });
  const mapping = lmBffMappingToVerbalizer(input.mapping);
  warnings.push(...mapping.warnings);
  if (!mapping.ok) errors.push(...mapping.errors);
  if (errors.length > 0 || !mapping.ok) return { ok: false, errors, warnings };
  if (base.scoring.calibrate)
    warnings.push(w('calibration-off', 'Calibration was switched off: LM-BFF does not calibrate.'));
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
