import { useState, type DragEvent } from 'react';
import { MODEL_CATALOG, findCatalogModel, type CatalogModel } from '../../core/models';
import type { ModelRef } from '../../core/setup';
import { openLocalFolder, OPENED_FOLDER_OWNER } from '../../store/local-folder';
import { clearModelCache, keepCurrentModel, loadModel, restartRuntime } from '../../store/runtime';
import { selectModelSituation } from '../../store/model-status';
import { useWorkspace, type FileProgress } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';
import { LoadPhase } from './LoadPhase';
import { FolderPicker } from './FolderPicker';
import { filesFromDrop, type PickedFile } from './pickedFiles';
import { OfflineModelHelp } from './OfflineModelHelp';
import { RuntimeErrorText } from './RuntimeErrorText';
import { HubIdForm } from './HubIdForm';
import { useOnline } from './useOnline';

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

function etaSeconds(file: FileProgress): number | null {
  const elapsed = (file.updatedAt - file.startedAt) / 1000;
  if (file.done || !file.total || file.loaded <= 0 || elapsed < 0.5) return null;
  const rate = file.loaded / elapsed;
  return Math.max(0, (file.total - file.loaded) / rate);
}

export const MODEL_GROUPS: { language: CatalogModel['language'] | 'test'; key: MessageKey }[] = [
  { language: 'en', key: 'model.group.en' },
  { language: 'zh', key: 'model.group.zh' },
  { language: 'multi', key: 'model.group.multi' },
  { language: 'test', key: 'model.group.test' },
];

export function ModelPanel() {
  const t = useT();
  const ref = useWorkspace((s) => s.setup.model);
  const model = useWorkspace((s) => s.model);
  const request = useWorkspace((s) => s.request);
  const [folderProblem, setFolderProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const openedFolder = ref.id.startsWith(`${OPENED_FOLDER_OWNER}/`);

  const openFolder = async (picked: PickedFile[]) => {
    setFolderProblem(null);
    if (picked.length === 0) return;
    const result = await openLocalFolder(picked);
    if (!result.ok) setFolderProblem(t('model.folderMissing', { files: result.missing.join(', ') }));
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void filesFromDrop(event.dataTransfer).then(openFolder);
  };
  // The picker shows the model being loaded; otherwise the one in use (a failed id is not kept).
  const shown = request?.status === 'loading' ? request.ref : ref;
  const catalogEntry = findCatalogModel(shown.id);
  const loadedThis = model.ref?.id === ref.id && model.ref.source === ref.source;

  // The setup's model changes once `next` has loaded (store/runtime.ts loadModel).
  const choose = (next: ModelRef) => void loadModel(next);

  const files = Object.values(model.files);
  return (
    <section
      className={`panel${dragging ? ' drop-target' : ''}`}
      aria-labelledby="model-heading"
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes('Files')) {
          event.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2 id="model-heading">{t('model.title')}</h2>
      <label className="field">
        {t('model.pick')}
        <select
          aria-label={t('model.pick')}
          value={catalogEntry ? `${catalogEntry.source}:${catalogEntry.id}` : ''}
          onChange={(event) => {
            const entry = MODEL_CATALOG.find((m) => `${m.source}:${m.id}` === event.target.value);
            if (entry) choose({ ...ref, id: entry.id, source: entry.source });
          }}
        >
          {!catalogEntry ? <option value="">{shown.id}</option> : null}
          {MODEL_GROUPS.map((group) => (
            <optgroup key={group.language} label={t(group.key)}>
              {MODEL_CATALOG.filter((m) =>
                group.language === 'test' ? m.testModel : !m.testModel && m.language === group.language,
              ).map((m) => (
                <option key={m.id} value={`${m.source}:${m.id}`}>
                  {m.id}
                  {/* Test models are named by their group (and the badge below): a short option fits a narrow panel. */}
                  {m.sizeMB ? ` (≈${m.sizeMB} MB)` : ''}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <HubIdForm label={t('model.customId')} onChoose={(id) => choose({ ...ref, id, source: 'hub' })} />
      <FolderPicker label={t('model.openFolder')} onPicked={(picked) => void openFolder(picked)}>
        <span className="hint" style={{ margin: 0 }}>
          {t('model.dropHint')}
        </span>
      </FolderPicker>
      <p className="hint" data-testid="folder-privacy">
        {t('model.folderPrivacy')}
      </p>
      {folderProblem ? (
        <p className="message error" role="alert">
          {folderProblem}
        </p>
      ) : null}
      {openedFolder && !loadedThis && model.status !== 'loading' ? (
        <p className="message info">{t('model.folderAgain')}</p>
      ) : null}

      <div className="row" style={{ marginTop: 10 }} data-testid="model-status">
        {request ? (
          <span className="badge" data-testid="model-in-use">
            {t('model.inUse', { id: ref.id })}
          </span>
        ) : null}
        {findCatalogModel(ref.id)?.testModel ? <span className="badge test">{t('model.testBadgeLong')}</span> : null}
        {model.status === 'ready' && model.info && loadedThis ? (
          <>
            <span className="badge ok">● {t('model.ready')}</span>
            {model.info.source === 'local' && ref.source === 'hub' ? (
              <span className="badge accent" data-testid="local-copy">
                {t('model.localCopy')}
              </span>
            ) : null}
            <span className="badge" title={model.info.deviceNote}>
              {model.info.device.toUpperCase()}
            </span>
            <span className="badge">{model.info.dtype}</span>
            {model.info.threads ? <span className="badge">{t('model.threads', { n: model.info.threads })}</span> : null}
            {model.info.batchInvariant === false && model.info.dtype !== 'fp32' ? (
              <span className="badge" title={model.info.batchNote} data-testid="batch-dependent">
                {t('model.batchDependent')}
              </span>
            ) : null}
          </>
        ) : null}
        {model.cached ? <span className="badge accent">{t('model.cached')}</span> : null}
        {model.status === 'loading' ? (
          <span className="badge">
            <span className="pending-dot" /> {t('model.loading')}
          </span>
        ) : null}
        {model.status !== 'loading' && !(model.status === 'ready' && loadedThis) && request?.status !== 'loading' ? (
          <button className="btn primary small" onClick={() => void loadModel(ref)}>
            {findCatalogModel(ref.id)?.sizeMB
              ? t('model.loadSized', { size: findCatalogModel(ref.id)!.sizeMB! })
              : t('model.load')}
          </button>
        ) : null}
        {model.cached ? (
          <button className="btn small" onClick={() => void clearModelCache(ref.id)}>
            {t('model.clearCache')}
          </button>
        ) : null}
      </div>

      <ModelRequestBox />

      {model.status === 'loading' ? <LoadPhase files={model.files} phase={model.phase} /> : null}

      {model.status === 'loading' && files.length > 0 ? <FileProgressList files={files} /> : null}

      {model.status === 'error' && model.error && loadedThis ? (
        <div className="message error" role="alert" data-testid="model-error">
          <strong>{t('model.failed')}</strong> <RuntimeErrorText failure={model.error} />
          {model.error.code === 'hub-unreachable' ? <OfflineModelHelp /> : null}
          {model.error.code === 'out-of-memory' ||
          model.error.code === 'worker-crashed' ||
          model.error.code === 'unknown' ? (
            <p style={{ margin: '6px 0 0' }}>
              <button className="btn small" onClick={restartRuntime}>
                {t('model.restartWorker')}
              </button>
            </p>
          ) : null}
        </div>
      ) : null}
      {model.status === 'idle' && !model.ref ? <p className="hint">{t('model.idleHint')}</p> : null}
    </section>
  );
}

export function FileProgressList({ files }: { files: FileProgress[] }) {
  const t = useT();
  return (
    <div aria-label={t('model.progress')} role="group">
      {files.map((file) => {
        const pct = file.total ? Math.min(100, (100 * file.loaded) / file.total) : file.done ? 100 : 0;
        const eta = etaSeconds(file);
        return (
          <div className="file-progress" key={file.file}>
            <span>{file.file}</span>
            <span>
              {file.total
                ? `${formatBytes(file.loaded)} / ${formatBytes(file.total)}`
                : file.done
                  ? t('model.fileDone')
                  : formatBytes(file.loaded)}
              {eta !== null ? ` · ${t('model.eta', { s: Math.ceil(eta) })}` : ''}
            </span>
            <div
              className="progress"
              role="progressbar"
              aria-label={file.file}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(pct)}
            >
              <div style={{ width: `${pct}%` }} />
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** The model asked for (picker, preset, link) while it loads, after it failed, or while it waits for a click. */
function ModelRequestBox() {
  const t = useT();
  const online = useOnline();
  const request = useWorkspace((s) => s.request);
  const { inUse, asked } = useWorkspace(selectModelSituation);
  if (!request || !asked) return null;
  const inUseReady = inUse.status === 'ready';
  const params = { asked: asked.id, inUse: inUse.id };
  const size = findCatalogModel(asked.id)?.sizeMB;
  if (request.status === 'loading') {
    const files = Object.values(request.files);
    return (
      <div className="message info" role="status" data-testid="model-request" data-status="loading">
        <p style={{ margin: 0 }}>
          <span className="pending-dot" />{' '}
          {t(inUseReady ? 'model.request.loading' : 'model.request.loadingNone', params)}
        </p>
        <LoadPhase files={request.files} phase={request.phase} />
        {files.length > 0 ? <FileProgressList files={files} /> : null}
        {inUseReady ? (
          <button className="btn small" style={{ marginTop: 6 }} onClick={keepCurrentModel}>
            {t('model.request.cancel', params)}
          </button>
        ) : null}
      </div>
    );
  }
  if (request.status === 'failed' && request.error) {
    return (
      <div className="message error" role="alert" data-testid="model-request" data-status="failed">
        <strong>{t('model.request.failed', params)}</strong> <RuntimeErrorText failure={request.error} />
        {request.error.code === 'hub-unreachable' && !inUseReady ? (
          <OfflineModelHelp />
        ) : (
          <p style={{ margin: '6px 0 0' }}>
            {request.error.code === 'hub-unreachable'
              ? t('model.request.hubUnreachable', params)
              : t('model.request.checkId')}
          </p>
        )}
        <p style={{ margin: '6px 0 0' }}>
          <strong>{inUseReady ? t('model.request.stillUsing', params) : t('model.request.nothingInUse')}</strong>{' '}
          <button className="btn small" onClick={keepCurrentModel} data-testid="model-request-dismiss">
            {t('model.request.dismiss')}
          </button>
        </p>
      </div>
    );
  }
  return (
    <div className="message warning" role="status" data-testid="model-request" data-status="waiting">
      <p style={{ margin: 0 }}>{t(online ? 'model.request.waiting' : 'model.request.offline', params)}</p>
      <div className="row" style={{ marginTop: 6 }}>
        <button
          className={`btn small${online ? '' : ' primary'}`}
          onClick={keepCurrentModel}
          data-testid="model-request-keep"
        >
          {t('model.request.keep', params)}
        </button>
        <button
          className={`btn small${online ? ' primary' : ''}`}
          onClick={() => void loadModel(request.ref)}
          data-testid="model-request-load"
        >
          {size ? t('model.request.loadSized', { ...params, size }) : t('model.request.load', params)}
        </button>
      </div>
    </div>
  );
}
