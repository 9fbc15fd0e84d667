import { useMemo, useRef, useState } from 'react';
import { datasetTexts, languageMismatch } from '../../core/data-language';
import { DEMO_DATASETS } from '../../core/demo-datasets';
import type { ModelRef } from '../../core/setup';
import { loadModel } from '../../store/runtime';
import { usePrefs } from '../../store/prefs';
import { useEvaluation, type FormatChoice } from '../../store/evaluation';
import { useWorkspace } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';
import { useIssueText } from '../i18n/issues';
import { count } from './format';
import { StepHeading } from '../components/StepHeading';

const DEMO_KEYS: Record<string, MessageKey> = {
  'sentiment-en': 'eval.demo.sentimentEn',
  'sentiment-zh': 'eval.demo.sentimentZh',
  'topic-en': 'eval.demo.topicEn',
  'nli-en': 'eval.demo.nliEn',
};

const FORMATS: { value: FormatChoice; key: MessageKey }[] = [
  { value: 'auto', key: 'eval.data.format.auto' },
  { value: 'csv', key: 'eval.data.format.csv' },
  { value: 'tsv', key: 'eval.data.format.tsv' },
  { value: 'jsonl', key: 'eval.data.format.jsonl' },
];

/** Step 1 of the workbench: where the labelled data comes from. */
export function DataPanel() {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const source = useEvaluation((s) => s.source);
  const status = useEvaluation((s) => s.parseStatus);
  const progress = useEvaluation((s) => s.parseProgress);
  const parseMs = useEvaluation((s) => s.parseMs);
  const parseError = useEvaluation((s) => s.parseError);
  const issues = useIssueText();
  const dataset = useEvaluation((s) => s.dataset);
  const format = useEvaluation((s) => s.format);
  const replaced = useEvaluation((s) => s.replacedSetup);
  const { loadFile, loadText, loadDemo, setFormat, undoDemoSetup, dismissDemoSetup, clearData } =
    useEvaluation.getState();
  const setup = useWorkspace((s) => s.setup);
  const mapping = useEvaluation((s) => s.mapping);
  // The same check for a demo, an uploaded file and pasted text: the language of the text columns.
  const mismatch = useMemo(() => {
    if (!dataset) return null;
    const slotColumns = Object.values(mapping.slots).filter((c): c is string => c !== null);
    const columns = slotColumns.length > 0 ? slotColumns : dataset.columns.filter((c) => c !== mapping.labelColumn);
    return languageMismatch(setup.model.id, datasetTexts(dataset, columns));
  }, [dataset, mapping.slots, mapping.labelColumn, setup.model.id]);
  const switchModel = (id: string, modelSource: ModelRef['source']) => {
    const ref = { ...setup.model, id, source: modelSource };
    void loadModel(ref); // becomes the setup's model once it has loaded
  };
  const [pasted, setPasted] = useState('');
  const [showPaste, setShowPaste] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <section className="panel" aria-labelledby="eval-data-heading">
      <StepHeading id="eval-data-heading" step={1}>
        {t('eval.data.title')}
      </StepHeading>
      <p className="hint" style={{ marginTop: 0 }}>
        {t('eval.data.help')}
      </p>

      <div className="eval-demos" role="group" aria-label={t('eval.demo.group')}>
        {DEMO_DATASETS.map((demo) => (
          <button
            key={demo.id}
            className={`btn eval-demo${source?.demoId === demo.id ? ' active' : ''}`}
            onClick={() => void loadDemo(demo.id)}
            data-testid={`demo-${demo.id}`}
          >
            <span className="badge test">{t('eval.demo.badge')}</span> {t(DEMO_KEYS[demo.id]!)}
          </button>
        ))}
      </div>

      <div className="row" style={{ marginTop: 12 }}>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,.tsv,.tab,.jsonl,.ndjson,.txt,text/csv,text/tab-separated-values,application/json"
          className="visually-hidden"
          aria-label={t('eval.data.uploadAria')}
          data-testid="eval-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void loadFile(file);
            event.target.value = '';
          }}
        />
        <button className="btn primary" onClick={() => fileInput.current?.click()}>
          {t('eval.data.upload')}
        </button>
        <button className="btn" onClick={() => setShowPaste((v) => !v)} aria-expanded={showPaste}>
          {t('eval.data.paste')}
        </button>
        <label className="field eval-inline-field">
          {t('eval.data.format')}
          <select value={format} onChange={(e) => void setFormat(e.target.value as FormatChoice)}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {t(f.key)}
              </option>
            ))}
          </select>
        </label>
        {source ? (
          <button className="btn small" onClick={clearData} style={{ marginLeft: 'auto' }}>
            {t('eval.data.clear')}
          </button>
        ) : null}
      </div>

      {showPaste ? (
        <div style={{ marginTop: 10 }}>
          <textarea
            className="eval-paste"
            aria-label={t('eval.data.pasteAria')}
            placeholder={t('eval.data.pastePlaceholder')}
            value={pasted}
            rows={6}
            onChange={(e) => setPasted(e.target.value)}
          />
          <button
            className="btn"
            disabled={pasted.trim() === ''}
            onClick={() => void loadText(pasted, { kind: 'paste', name: t('eval.data.pastedName') })}
          >
            {t('eval.data.usePasted')}
          </button>
        </div>
      ) : null}

      {replaced ? (
        <div className="message info" role="status" data-testid="demo-setup-note">
          {t('eval.demo.replaced')}{' '}
          <button className="btn small" onClick={undoDemoSetup}>
            {t('eval.demo.undo')}
          </button>{' '}
          <button className="btn small" onClick={dismissDemoSetup}>
            {t('eval.demo.keep')}
          </button>
        </div>
      ) : null}

      {mismatch ? (
        <div className="message warning" data-testid="language-note">
          {t('eval.data.otherLanguage', {
            data: t(mismatch.dataLanguage === 'zh' ? 'eval.data.languageZh' : 'eval.data.languageEn'),
            model: setup.model.id,
            modelLanguage: t(mismatch.modelLanguage === 'zh' ? 'eval.data.languageZh' : 'eval.data.languageEn'),
          })}{' '}
          <button className="btn small" onClick={() => switchModel(mismatch.suggestedModel, 'hub')}>
            {t('eval.demo.useModel', { model: mismatch.suggestedModel })}
          </button>{' '}
          <button className="btn small" onClick={() => switchModel(mismatch.testModel, 'local')}>
            {t('eval.data.useTestModel', { model: mismatch.testModel })}
          </button>
        </div>
      ) : null}

      {status === 'parsing' ? (
        <div style={{ marginTop: 10 }}>
          <p className="hint">{t('eval.data.parsing', { name: source?.name ?? '' })}</p>
          <div
            className="progress"
            role="progressbar"
            aria-label={t('eval.data.parsingAria')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(100 * progress)}
          >
            <div style={{ width: `${100 * progress}%` }} />
          </div>
        </div>
      ) : null}
      {status === 'error' && parseError ? (
        <p className="message error" role="alert">
          {t('eval.data.error', { message: issues.text(parseError) })}
        </p>
      ) : null}
      {status === 'ready' && dataset && source ? (
        <p className="eval-data-summary" data-testid="data-summary">
          <strong>{source.name}</strong>
          {' · '}
          {t('eval.data.summary', {
            rows: count(dataset.totalRows, locale),
            columns: dataset.columns.length,
            format: dataset.format.toUpperCase(),
          })}
          {parseMs !== null ? (
            <span className="hint"> · {t('eval.data.parsedIn', { ms: Math.round(parseMs) })}</span>
          ) : null}
          {source.kind === 'demo' ? (
            <span className="badge test" style={{ marginLeft: 8 }}>
              {t('eval.demo.smallNote')}
            </span>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
