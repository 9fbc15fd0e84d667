// Helpers shared by the import/export converters for whole setups.
import { parseTemplate } from '../template.ts';
import type { PromptSetup } from '../setup.ts';
import { formatWarning, type FormatWarning } from './common.ts';

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
