// One line above the results that says which model the chart uses and what is happening to the one
// asked for — derived, like every other model status line, from selectModelSituation.
import { selectModelSituation } from '../../store/model-status';
import { useWorkspace } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';
import { useOnline } from './useOnline';

export function ModelLine() {
  const t = useT();
  const online = useOnline();
  const { inUse, asked } = useWorkspace(selectModelSituation);
  const ready = inUse.status === 'ready';
  let key: MessageKey | null = null;
  let kind: 'info' | 'warning' | 'error' = 'info';
  if (asked?.status === 'loading') key = ready ? 'status.switching' : 'status.switchingNone';
  else if (asked?.status === 'failed') {
    key = ready ? 'status.requestFailed' : 'status.requestFailedNone';
    kind = ready ? 'warning' : 'error';
  } else if (asked?.status === 'waiting')
    key = !online ? 'status.requestOffline' : ready ? 'status.requestWaiting' : 'status.requestWaitingNone';
  else if (inUse.status === 'loading') key = 'status.inUseLoading';
  else if (inUse.status === 'failed') {
    key = 'status.inUseFailed';
    kind = 'error';
  } else if (inUse.status === 'idle') key = 'inputs.noModel';
  if (!key) return null;
  return (
    <p
      className={`message ${kind}`}
      role="status"
      data-testid="model-line"
      data-state={`${inUse.status}/${asked?.status ?? 'none'}`}
    >
      {t(key, { inUse: inUse.id, asked: asked?.id ?? '' })}
    </p>
  );
}
