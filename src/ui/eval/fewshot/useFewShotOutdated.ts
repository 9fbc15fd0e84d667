import { useMemo } from 'react';
import { fewShotOutdated, useEvaluation } from '../../../store/evaluation';
import { useWorkspace } from '../../../store/workspace';

/** The setup, data or model changed since the few-shot run: its result describes the old ones. */
export function useFewShotOutdated(): boolean {
  const fewShot = useEvaluation((s) => s.fewShot);
  const examples = useEvaluation((s) => s.examples);
  const mapping = useEvaluation((s) => s.mapping);
  const selectedTemplates = useEvaluation((s) => s.selectedTemplates);
  const fewShotSettings = useEvaluation((s) => s.fewShotSettings);
  const fewShotTest = useEvaluation((s) => s.fewShotTest);
  const setup = useWorkspace((s) => s.setup);
  const model = useWorkspace((s) => s.model);
  return useMemo(
    () =>
      fewShotOutdated(
        { fewShot, examples, mapping, selectedTemplates, fewShotSettings, fewShotTest },
        { setup, model },
      ),
    [fewShot, examples, mapping, selectedTemplates, fewShotSettings, fewShotTest, setup, model],
  );
}
