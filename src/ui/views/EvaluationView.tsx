import { DataPanel } from '../eval/DataPanel';
import { GridPanel } from '../eval/GridPanel';
import { LabelWordPanel } from '../eval/LabelWordPanel';
import { MappingPanel } from '../eval/MappingPanel';
import { ResultsPanel } from '../eval/ResultsPanel';
import { RunPanel } from '../eval/RunPanel';
import '../eval/evaluation.css';

/** The evaluation workbench: labelled data → metrics, confusion matrix, errors, template comparison. */
export function EvaluationView() {
  return (
    <main className="eval-layout" data-testid="evaluation-view">
      <div className="eval-setup-grid">
        <DataPanel />
        <MappingPanel />
        <RunPanel />
      </div>
      <GridPanel />
      <ResultsPanel />
      <LabelWordPanel />
    </main>
  );
}
