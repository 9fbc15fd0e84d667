import { ComparePanel } from '../components/ComparePanel';
import { InputsPanel } from '../components/InputsPanel';
import { ModelPanel } from '../components/ModelPanel';
import { PipelineExplainer } from '../components/PipelineExplainer';
import { ScoringPanel } from '../components/ScoringPanel';
import { TemplateEditor } from '../components/TemplateEditor';
import { VerbalizerEditor } from '../components/VerbalizerEditor';

/** The live playground: setup on the left, inputs and their live results on the right. */
export function PlaygroundView({ onRunNow }: { onRunNow(): void }) {
  return (
    <main className="layout">
      <div className="column">
        <ModelPanel />
        <TemplateEditor onRunNow={onRunNow} />
        <VerbalizerEditor onRunNow={onRunNow} />
        <ScoringPanel />
        <ComparePanel />
      </div>
      <div className="column">
        <InputsPanel onRunNow={onRunNow} />
        <PipelineExplainer />
      </div>
    </main>
  );
}
