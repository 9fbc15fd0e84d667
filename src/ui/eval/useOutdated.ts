import { useMemo } from 'react';
import type { EvaluationRun } from '../../core/evaluation';
import { useWorkspace } from '../../store/workspace';

/** The setup has changed since the run (templates, words or scoring): results describe the old one. */
export function useOutdated(run: EvaluationRun): boolean {
  const setup = useWorkspace((s) => s.setup);
  return useMemo(() => {
    const labels = setup.verbalizer.labels.map((l) => l.label);
    const words = JSON.stringify(setup.verbalizer.labels);
    const runWords = JSON.stringify(
      run.labels.map((label) => ({
        label,
        words: [...new Set(run.templates[0]?.words.filter((w) => w.label === label).map((w) => w.word) ?? [])],
      })),
    );
    const textsChanged = run.templates.some((tpl) => setup.templates.find((x) => x.id === tpl.id)?.text !== tpl.text);
    const scoringChanged = (['aggregation', 'multiToken', 'lengthNormalize'] as const).some(
      (k) => setup.scoring[k] !== run.scoring[k],
    );
    return textsChanged || scoringChanged || labels.join('\u0000') !== run.labels.join('\u0000') || words !== runWords;
  }, [setup, run]);
}
