// The templates of a few-shot run, bound to the model: the active template first (the methods run
// on it; the others serve only the ensemble) and the demonstration template (the entry's `demo`,
// else its own text). The browser and the CLI both prepare a run here, so they bind the same words.

import type { PreparedTemplate, TemplateProblem } from '../bound-verbalizer.ts';
import { demoTemplateText, parseDemoTemplate } from '../demo-template.ts';
import type { ScoringPipeline } from '../pipeline.ts';
import type { TemplateEntry } from '../setup.ts';
import type { TemplateError } from '../template.ts';
import type { Verbalizer } from '../verbalizer.ts';

export interface FewShotTemplates {
  /** The active template first, then the other valid templates. Empty when the active one is invalid. */
  templates: PreparedTemplate[];
  /** The demonstration template bound to the model; null when it is the active template itself. */
  demoTemplate: PreparedTemplate | null;
  /** Templates left out (the active one among them means no run). */
  problems: TemplateProblem[];
  /** The active entry's demonstration template errors (then demonstrations can't run). */
  demoErrors: TemplateError[];
}

export async function prepareFewShotTemplates(
  pipeline: ScoringPipeline,
  entries: readonly TemplateEntry[],
  activeId: string,
  verbalizer: Verbalizer,
): Promise<FewShotTemplates> {
  const active = entries.find((e) => e.id === activeId) ?? entries[0];
  if (!active) return { templates: [], demoTemplate: null, problems: [], demoErrors: [] };
  const ordered = [active, ...entries.filter((e) => e !== active)];
  const { templates, problems } = await pipeline.bindTemplates(ordered, verbalizer);
  if (templates[0]?.id !== active.id) return { templates: [], demoTemplate: null, problems, demoErrors: [] };
  if (active.demo === undefined || active.demo === active.text)
    return { templates, demoTemplate: null, problems, demoErrors: [] };
  const parsed = parseDemoTemplate(demoTemplateText(active), templates[0].template);
  if (!parsed.ok) return { templates, demoTemplate: null, problems, demoErrors: parsed.errors };
  const demo = await pipeline.bindTemplates(
    [{ id: active.id, name: active.name, text: demoTemplateText(active) }],
    verbalizer,
  );
  return { templates, demoTemplate: demo.templates[0] ?? null, problems, demoErrors: [] };
}
