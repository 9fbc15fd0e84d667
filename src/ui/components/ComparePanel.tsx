// "Compare with another model": choose a second model (catalog, any Hub id, or a folder) that runs
// in its own worker next to the setup's model; its state, and "Unload", which ends that worker.
import { useState } from 'react';
import { MODEL_CATALOG } from '../../core/models';
import type { ModelRef } from '../../core/setup';
import {
  dismissSideFailure,
  loadSideModel,
  openSideFolder,
  unloadSideModel,
  useSideModel,
} from '../../store/side-model';
import { useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';
import { LoadPhase } from './LoadPhase';
import { FileProgressList, MODEL_GROUPS } from './ModelPanel';
import { FolderPicker } from './FolderPicker';
import type { PickedFile } from './pickedFiles';
import { HubIdForm } from './HubIdForm';
import { RuntimeErrorText } from './RuntimeErrorText';

export function ComparePanel() {
  const t = useT();
  const side = useSideModel();
  const mainRef = useWorkspace((s) => s.setup.model);
  const [folderProblem, setFolderProblem] = useState<string | null>(null);
  // The second model is loaded like the first: same dtype and device choice.
  const choose = (id: string, source: ModelRef['source']) =>
    void loadSideModel({ id, source, dtype: mainRef.dtype, device: mainRef.device });
  const openFolder = async (picked: PickedFile[]) => {
    setFolderProblem(null);
    if (picked.length === 0) return;
    const result = await openSideFolder(picked);
    if (!result.ok) setFolderProblem(t('model.folderMissing', { files: result.missing.join(', ') }));
  };
  const selected = side.ref ? MODEL_CATALOG.find((m) => m.id === side.ref!.id && m.source === side.ref!.source) : null;
  const id = side.ref?.id ?? '';

  return (
    <section className="panel" aria-labelledby="compare-model-heading" data-testid="compare-panel">
      <h2 id="compare-model-heading">{t('side.title')}</h2>
      <p className="hint" style={{ marginTop: 0 }}>
        {t('side.intro')}
      </p>
      <label className="field">
        {t('side.pick')}
        <select
          aria-label={t('side.pick')}
          data-testid="compare-pick"
          value={selected ? `${selected.source}:${selected.id}` : ''}
          onChange={(event) => {
            const entry = MODEL_CATALOG.find((m) => `${m.source}:${m.id}` === event.target.value);
            if (entry) choose(entry.id, entry.source);
          }}
        >
          <option value="">{side.ref && !selected ? side.ref.id : t('side.pickNone')}</option>
          {MODEL_GROUPS.map((group) => (
            <optgroup key={group.language} label={t(group.key)}>
              {MODEL_CATALOG.filter((m) =>
                group.language === 'test' ? m.testModel : !m.testModel && m.language === group.language,
              ).map((m) => (
                <option key={m.id} value={`${m.source}:${m.id}`}>
                  {m.id}
                  {m.sizeMB ? ` (≈${m.sizeMB} MB)` : ''}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <HubIdForm label={t('side.customId')} loadLabel={t('side.loadCustom')} onChoose={(id) => choose(id, 'hub')} />
      <FolderPicker label={t('side.openFolder')} onPicked={(picked) => void openFolder(picked)} />
      {folderProblem ? (
        <p className="message error" role="alert">
          {folderProblem}
        </p>
      ) : null}

      {side.status === 'loading' ? (
        <div className="message info" role="status" data-testid="compare-status" data-status="loading">
          <p style={{ margin: 0 }}>
            <span className="pending-dot" /> {t('side.loading', { id })}
          </p>
          <LoadPhase files={side.files} phase={side.phase} />
          {Object.keys(side.files).length > 0 ? <FileProgressList files={Object.values(side.files)} /> : null}
        </div>
      ) : null}
      {side.status === 'waiting' && side.ref ? (
        <div className="message warning" role="status" data-testid="compare-status" data-status="waiting">
          <p style={{ margin: 0 }}>{t('side.waiting', { id })}</p>
          <button className="btn small primary" style={{ marginTop: 6 }} onClick={() => void loadSideModel(side.ref!)}>
            {t('side.loadWaiting', { id })}
          </button>
        </div>
      ) : null}
      {side.status === 'error' && side.error ? (
        <div className="message error" role="alert" data-testid="compare-status" data-status="failed">
          <strong>{t('side.failed', { id })}</strong> <RuntimeErrorText failure={side.error} />
          <p style={{ margin: '6px 0 0' }}>
            {t('side.crashedHint')}{' '}
            {side.ref ? (
              <button className="btn small" onClick={() => void loadSideModel(side.ref!)}>
                {t('side.retry')}
              </button>
            ) : null}
          </p>
        </div>
      ) : null}
      {side.failedSwitch ? (
        <div className="message warning" role="alert" data-testid="compare-switch-failed">
          <strong>{t('side.failedSwitch', { asked: side.failedSwitch.ref.id, id })}</strong>{' '}
          <RuntimeErrorText failure={side.failedSwitch.error} />{' '}
          <button className="btn small" onClick={dismissSideFailure}>
            {t('model.request.dismiss')}
          </button>
        </div>
      ) : null}
      {side.status !== 'idle' ? (
        <p className="row" style={{ marginTop: 10 }}>
          <button className="btn small" onClick={unloadSideModel} data-testid="compare-unload">
            {t('side.unload')}
          </button>
          <span className="hint" style={{ margin: 0 }}>
            {t('side.unloadHint')}
          </span>
        </p>
      ) : null}
    </section>
  );
}
