// Helpers shared by the import/export converters for whole setups.
import { IMPORTED_TEMPLATE_LINE_CHARS, IMPORTED_TEMPLATES_CHARS, LIMITS } from '../limits.ts';
import { parseTemplate } from '../template.ts';
import type { IssueParams } from '../issues.ts';
import type { PromptSetup, TemplateEntry } from '../setup.ts';
import { formatFailure, formatWarning, type ConvertResult, type FormatWarning } from './common.ts';

/** Most template lines one import reads (the setup's own limit). */
const MAX_TEMPLATE_LINES = LIMITS.templates;

/** A warning that says which template (by name or line number) it is about. */
const forTemplate =
  (template: string) =>
  (x: FormatWarning): FormatWarning => ({ ...x, template });

/**
 * Every template of a setup in another tool's syntax, the active one first. A template with errors
 * is left out with a warning; every warning names its template.
 */
export function exportTemplates(
  setup: PromptSetup,
  convert: (entry: TemplateEntry) => ConvertResult<string>,
): { templates: { name: string; text: string }[]; warnings: FormatWarning[] } {
  const warnings: FormatWarning[] = [];
  const templates: { name: string; text: string }[] = [];
  const ordered = [...setup.templates].sort(
    (a, b) => Number(b.id === setup.activeTemplateId) - Number(a.id === setup.activeTemplateId),
  );
  for (const entry of ordered) {
    const name = entry.name || entry.id;
    const tag = forTemplate(name);
    const r = convert(entry);
    if (!r.ok) {
      warnings.push(...r.errors.map(tag), formatWarning('template-skipped', { template: name }));
      continue;
    }
    warnings.push(...r.warnings.map(tag));
    templates.push({ name, text: r.value });
  }
  return { templates, warnings };
}

/** A converted template line: its text, or its text and demonstration template. */
export type ImportedTemplate = string | { text: string; demo?: string };

/**
 * Another tool's templates, one per line, as template entries t1, t2, … named "<tool> 1", ….
 * `read: false` when there is no line (the tool's `empty` error) or too many; otherwise every
 * line's warnings and errors, tagged with its line number, so that the caller can report them
 * together with its own.
 */
export function importTemplateLines(
  text: string,
  convert: (line: string) => ConvertResult<ImportedTemplate>,
  tool: { name: string; empty: FormatWarning },
):
  | { read: false; errors: FormatWarning[] }
  | { read: true; templates: TemplateEntry[]; warnings: FormatWarning[]; errors: FormatWarning[] } {
  if (text.length > IMPORTED_TEMPLATES_CHARS)
    return {
      read: false,
      errors: [
        formatFailure('import-too-long', { what: 'templates', length: text.length, max: IMPORTED_TEMPLATES_CHARS }),
      ],
    };
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return { read: false, errors: [tool.empty] };
  if (lines.length > MAX_TEMPLATE_LINES)
    return { read: false, errors: [formatFailure('too-many-templates', { max: MAX_TEMPLATE_LINES })] };
  const templates: TemplateEntry[] = [];
  const warnings: FormatWarning[] = [];
  const errors: FormatWarning[] = [];
  lines.forEach((line, i) => {
    const tag = forTemplate(`${i + 1}`);
    const r: ConvertResult<ImportedTemplate> =
      line.length > IMPORTED_TEMPLATE_LINE_CHARS
        ? {
            ok: false,
            errors: [
              formatFailure('import-too-long', {
                what: 'template',
                length: line.length,
                max: IMPORTED_TEMPLATE_LINE_CHARS,
              }),
            ],
            warnings: [],
          }
        : convert(line);
    warnings.push(...r.warnings.map(tag));
    if (!r.ok) errors.push(...r.errors.map(tag));
    else {
      const entry = typeof r.value === 'string' ? { text: r.value } : r.value;
      templates.push({ id: `t${i + 1}`, name: `${tool.name} ${i + 1}`, ...entry });
    }
  });
  return { read: true, templates, warnings, errors };
}

/** Other tools' template files hold no example inputs: say that they were not exported. */
export function inputsNotice(setup: PromptSetup, tool: IssueParams<'inputs-not-exported'>['tool']): FormatWarning[] {
  return setup.inputs.length > 0 ? [formatWarning('inputs-not-exported', { n: setup.inputs.length, tool })] : [];
}

/**
 * Example inputs re-keyed for a template's slots: a single-input template reads "X", numbered ones
 * "X1", "X2", …; "X" and "X1" are the same first input. Other keys are kept.
 */
export function adaptInputs(rows: PromptSetup['inputs'], templateText: string): PromptSetup['inputs'] {
  const parsed = parseTemplate(templateText);
  if (!parsed.ok) return rows;
  const numbered = parsed.template.slots.some((s) => s !== 'X');
  return rows.map((row) => {
    const out: Record<string, string> = { ...row };
    if (numbered && 'X' in out && !('X1' in out)) {
      out.X1 = out.X!;
      delete out.X;
    } else if (!numbered && 'X1' in out && !('X' in out)) {
      out.X = out.X1!;
      delete out.X1;
    }
    return out;
  });
}

/** Other tools' template files do not name the model: say which one the setup used. */
export function modelNotice(setup: PromptSetup): FormatWarning[] {
  return [formatWarning('model-not-exported', { model: setup.model.id })];
}
