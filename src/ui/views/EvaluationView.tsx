import { DataPanel } from '../eval/DataPanel';
import { EvalTabs } from '../eval/EvalTabs';
import { FewShotPanel } from '../eval/fewshot/FewShotPanel';
import { GridPanel } from '../eval/GridPanel';
import { LabelWordPanel } from '../eval/LabelWordPanel';
import { MappingPanel } from '../eval/MappingPanel';
import { ResultsPanel } from '../eval/ResultsPanel';
import { RunPanel } from '../eval/RunPanel';
import '../eval/evaluation.css';
import '../eval/fewshot/fewshot.css';

/**
 * The evaluation workbench: labelled data → metrics, confusion matrix, errors, template comparison;
 * or, in the other tab, few-shot learning (K-shot splits, demonstrations, label vectors) on the same data.
 */
export function EvaluationView() {
  return (
    <main className="eval-layout" data-testid="evaluation-view">
      <div className="eval-setup-grid">
        <DataPanel />
        <MappingPanel />
        <RunPanel />
      </div>
      <EvalTabs>
        {{
          results: (
            <>
              <GridPanel />
              <ResultsPanel />
              <LabelWordPanel />
            </>
          ),
          fewshot: <FewShotPanel />,
        }}
      </EvalTabs>
    </main>
  );
}
