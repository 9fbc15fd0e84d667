// Which of the setup's templates the evaluation uses, and what they ask of the data.
import { templateSlots } from '../../core/dataset-mapping.ts';
import type { PromptSetup } from '../../core/setup.ts';
import { parseTemplate } from '../../core/template.ts';

/** The setup's templates chosen for evaluation (`selected` null: all), with their parse. */
export function chosenTemplates(setup: PromptSetup, selected: readonly string[] | null) {
  return setup.templates
    .filter((t) => selected === null || selected.includes(t.id))
    .map((entry) => ({ entry, parse: parseTemplate(entry.text) }));
}

/** Slots the chosen valid templates use (X when none is valid yet). */
export function chosenSlots(setup: PromptSetup, selected: readonly string[] | null): string[] {
  const valid = chosenTemplates(setup, selected).flatMap(({ parse }) =>
    parse.ok ? [{ template: parse.template }] : [],
  );
  const slots = templateSlots(valid);
  return slots.length > 0 ? slots : ['X'];
}

/** Labels of the setup's (last valid) verbalizer. */
export function setupLabels(setup: PromptSetup): string[] {
  return setup.verbalizer.labels.map((l) => l.label);
}
