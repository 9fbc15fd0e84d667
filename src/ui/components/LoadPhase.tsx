import type { ModelState } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';

const PHASE_KEYS = {
  downloading: 'model.phase.downloading',
  preparing: 'model.phase.preparing',
  warmup: 'model.phase.warmup',
} as const satisfies Record<string, MessageKey>;

/**
 * What a loading model is doing now, from the runtime's progress events: downloading while a file
 * is still arriving, then preparing the model (ONNX Runtime builds its session), then warming up.
 */
export function LoadPhase({ model }: { model: ModelState }) {
  const t = useT();
  if (model.status !== 'loading') return null;
  const downloading = Object.values(model.files).some((file) => !file.done);
  const phase = downloading || !model.phase ? 'downloading' : model.phase;
  return (
    <p className="hint load-phase" role="status" data-testid="load-phase" data-phase={phase}>
      <span className="pending-dot" /> {t(PHASE_KEYS[phase])}
    </p>
  );
}
