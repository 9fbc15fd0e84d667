// A gallery of presets from the literature (LM-BFF, PET) and Chinese presets written for ClozeLab.
// Opening one is "open as new setup": the current workspace is saved and can be restored.
import { useState } from 'react';
import { findCatalogModel } from '../../core/models';
import { PRESETS, type Preset, type PresetFewShot, type ReportedResult } from '../../core/presets';
import { openAsNewSetup } from '../../store/open-setup';
import { usePrefs } from '../../store/prefs';
import { useWorkspace } from '../../store/workspace';
import { PaperFewShotNumbers } from '../components/PaperFewShotNumbers';
import { useOnline } from '../components/useOnline';
import { useT, type MessageKey } from '../i18n';
import '../classroom.css';

type Filter = 'all' | 'en' | 'zh';

function ResultLine({ result }: { result: ReportedResult }) {
  const t = useT();
  const kind: Record<ReportedResult['kind'], MessageKey> = {
    'zero-shot': 'presets.result.zeroShot',
    'pvp-mean': 'presets.result.pvpMean',
    'pvp-best': 'presets.result.pvpBest',
  };
  return (
    <li>
      <strong className="result-number">{result.value.toFixed(1)}</strong>{' '}
      {result.metric === 'F1' ? t('presets.metric.f1') : t('presets.metric.accuracy')} · {t(kind[result.kind])}
      {result.split ? ` (${result.split})` : ''} · {result.model}{' '}
      {result.verified ? null : (
        <span className="badge test" title={t('presets.unverifiedHelp')}>
          {t('presets.unverified')}
        </span>
      )}
    </li>
  );
}

/** The paper's few-shot protocol and its numbers: theirs (fine-tuned RoBERTa-large), never ClozeLab's. */
function FewShotLines({ fewShot }: { fewShot: PresetFewShot }) {
  const t = useT();
  return (
    <div className="preset-results" data-testid="preset-fewshot">
      <p className="hint">
        {t('presets.fewShot.title', { k: fewShot.ks.join(', '), seeds: fewShot.seeds.join(', ') })}
      </p>
      <p className="hint">{t('presets.fewShot.reported')}</p>
      <PaperFewShotNumbers fewShot={fewShot} />
    </div>
  );
}

function PresetCard({ preset, keepModel, onOpened }: { preset: Preset; keepModel: boolean; onOpened(): void }) {
  const t = useT();
  const { setup, paper } = preset;
  const size = findCatalogModel(setup.model.id)?.sizeMB;
  return (
    <article
      className="preset-card panel"
      data-testid="preset-card"
      data-preset={preset.id}
      aria-labelledby={`preset-${preset.id}`}
    >
      <h3 id={`preset-${preset.id}`}>{setup.name}</h3>
      <p className="preset-source hint">
        {paper ? (
          <>
            {paper.cite}, “{paper.title}”, {paper.venue}.{' '}
            <a href={paper.url} target="_blank" rel="noopener noreferrer">
              {t('presets.paperLink')}
            </a>
          </>
        ) : (
          t('presets.byClozeLab')
        )}
      </p>
      <p>{t(`preset.${preset.id}` as MessageKey)}</p>
      <ul className="preset-templates">
        {setup.templates.map((tpl) => (
          <li key={tpl.id}>
            <code>{tpl.text}</code>
          </li>
        ))}
      </ul>
      {preset.original ? (
        <p className="hint">
          {t('presets.lmbffOriginal')} <code>{preset.original.template}</code> <code>{preset.original.mapping}</code>
        </p>
      ) : null}
      <p className="preset-words">
        {setup.verbalizer.labels.map((l) => (
          <span key={l.label} className="word-chip">
            <span>{l.label}</span>
            <span className="pieces">{l.words.join(', ')}</span>
          </span>
        ))}
      </p>
      {preset.results.length > 0 ? (
        <div className="preset-results">
          <p className="hint">{t('presets.reported')}</p>
          <ul>
            {preset.results.map((r, i) => (
              <ResultLine key={i} result={r} />
            ))}
          </ul>
          <p className="hint">{t('presets.modelNote', { model: setup.model.id })}</p>
        </div>
      ) : paper ? (
        <p className="hint">{t('presets.noNumber')}</p>
      ) : null}
      {preset.fewShot ? <FewShotLines fewShot={preset.fewShot} /> : null}
      <div className="row" style={{ marginTop: 'auto' }}>
        <button
          className="btn primary"
          onClick={() => {
            const current = useWorkspace.getState().setup.model;
            const opened = openAsNewSetup(
              keepModel ? { ...structuredClone(setup), model: { ...current } } : structuredClone(setup),
              'preset',
            );
            // When the current workspace could not be kept nothing changed, and a notice says why.
            if (opened.ok) onOpened();
          }}
          data-testid="preset-open"
        >
          {t('open.asNew')}
        </button>
        <span className="hint">
          {keepModel
            ? t('presets.withCurrentModel')
            : size
              ? t('presets.modelSized', { model: setup.model.id, size })
              : setup.model.id}
        </span>
      </div>
    </article>
  );
}

export function PresetsView() {
  const t = useT();
  const setView = usePrefs((s) => s.setView);
  const current = useWorkspace((s) => s.setup.model.id);
  const [filter, setFilter] = useState<Filter>('all');
  const online = useOnline();
  // Offline, a Hub model can't be downloaded: keeping the current model is the default.
  const [keepModel, setKeepModel] = useState(() => !navigator.onLine);
  const shown = PRESETS.filter((p) => filter === 'all' || p.language === filter);
  return (
    <main className="presets-view">
      <div className="presets-head">
        <div>
          <h2>{t('presets.title')}</h2>
          <p className="hint">{t('presets.help')}</p>
        </div>
        <div className="row">
          <label className="field">
            {t('presets.filter')}
            <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
              <option value="all">{t('presets.filter.all')}</option>
              <option value="en">{t('presets.filter.en')}</option>
              <option value="zh">{t('presets.filter.zh')}</option>
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={keepModel}
              onChange={(e) => setKeepModel(e.target.checked)}
              data-testid="preset-keep-model"
            />
            {t('presets.keepModel', { model: current })}
          </label>
          {!online ? (
            <p className="message warning" role="status" data-testid="presets-offline">
              {t('presets.offlineKeep')}
            </p>
          ) : null}
        </div>
      </div>
      <div className="preset-grid">
        {shown.map((preset) => (
          <PresetCard key={preset.id} preset={preset} keepModel={keepModel} onOpened={() => setView('playground')} />
        ))}
      </div>
    </main>
  );
}
