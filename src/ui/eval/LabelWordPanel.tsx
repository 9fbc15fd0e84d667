import { useState } from 'react';
import { LABEL_SEARCH_PER_LABEL, useEvaluation } from '../../store/evaluation';
import { useWorkspace } from '../../store/workspace';
import { RuntimeErrorText } from '../components/RuntimeErrorText';
import { useT } from '../i18n';
import { LabelComboPanel } from './LabelComboPanel';

/** LM-BFF-style label-word search on the loaded data, with one-click "add to the verbalizer". */
export function LabelWordPanel() {
  const t = useT();
  const search = useEvaluation((s) => s.labelSearch);
  const examples = useEvaluation((s) => s.examples);
  const running = useEvaluation((s) => s.run.status === 'preparing' || s.run.status === 'running');
  const modelReady = useWorkspace((s) => s.model.status === 'ready');
  const verbalizer = useWorkspace((s) => s.setup.verbalizer);
  const { suggestLabelWords, cancelLabelWords, addLabelWord } = useEvaluation.getState();
  const [added, setAdded] = useState<string[]>([]);
  const has = (label: string, word: string) =>
    verbalizer.labels.some((l) => l.label === label && l.words.includes(word));
  return (
    <section className="panel eval-wide" aria-labelledby="eval-words-heading" data-testid="label-word-search">
      <h2 id="eval-words-heading">{t('eval.words.title')}</h2>
      <p className="hint" style={{ marginTop: 0 }}>
        {t('eval.words.help', { n: LABEL_SEARCH_PER_LABEL })}
      </p>
      <div className="row">
        <button
          className="btn"
          disabled={!modelReady || examples.length === 0 || search.status === 'running' || running}
          onClick={() => {
            setAdded([]);
            void suggestLabelWords();
          }}
          data-testid="suggest-words"
        >
          {search.status === 'running' ? t('eval.words.running') : t('eval.words.start')}
        </button>
        {search.status === 'running' ? (
          <button className="btn" onClick={cancelLabelWords}>
            {t('eval.run.cancel')}
          </button>
        ) : null}
        {running ? (
          <span className="hint" data-testid="suggest-words-waiting">
            {t('eval.words.afterRun')}
          </span>
        ) : null}
        {search.templateName && search.status !== 'idle' ? (
          <span className="hint">{t('eval.words.template', { name: search.templateName })}</span>
        ) : null}
      </div>
      {search.status === 'error' ? (
        <p className="message error" role="alert">
          <RuntimeErrorText failure={{ code: search.errorCode, message: search.error ?? '' }} />
        </p>
      ) : null}
      {search.status === 'done' && search.result ? (
        <>
          <div className="eval-word-grid">
            {search.labels.map((label, l) => (
              <div key={label} className="eval-word-column" data-testid="word-candidates" data-label={label}>
                <h3 className="eval-subtitle">
                  {label}{' '}
                  <span className="hint">({t('eval.words.examples', { n: search.result!.counts[l] ?? 0 })})</span>
                </h3>
                {(search.result!.candidates[l] ?? []).length === 0 ? (
                  <p className="hint">{t('eval.words.none')}</p>
                ) : null}
                <ol className="eval-word-list">
                  {(search.result!.candidates[l] ?? []).map((c) => {
                    const key = `${label}\u0000${c.word}`;
                    const done = added.includes(key) || has(label, c.word);
                    return (
                      <li key={c.id}>
                        <span className="mono">{c.word}</span>
                        <span className="hint num" title={t('eval.words.scoreTitle')}>
                          {c.score >= 0 ? '+' : ''}
                          {c.score.toFixed(2)}
                        </span>
                        <button
                          className="btn small"
                          disabled={done}
                          onClick={() => {
                            if (addLabelWord(label, c.word)) setAdded((a) => [...a, key]);
                          }}
                          aria-label={t('eval.words.addAria', { word: c.word, label })}
                        >
                          {done ? t('eval.words.added') : t('eval.words.add')}
                        </button>
                      </li>
                    );
                  })}
                </ol>
              </div>
            ))}
          </div>
          <p className="hint">{t('eval.words.after', { ms: search.result.ms })}</p>
          <LabelComboPanel />
        </>
      ) : null}
    </section>
  );
}
