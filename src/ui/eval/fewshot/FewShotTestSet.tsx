import { useMemo, useRef } from 'react';
import { testExamples, useEvaluation } from '../../../store/evaluation';
import { usePrefs } from '../../../store/prefs';
import { useWorkspace } from '../../../store/workspace';
import { useT } from '../../i18n';
import { useIssueText } from '../../i18n/issues';
import { count } from '../format';

/** Where the test examples come from: the rest of the data, or a second labelled file read with the data's mapping. */
export function FewShotTestSet() {
  const t = useT();
  const issues = useIssueText();
  const locale = usePrefs((s) => s.locale);
  const source = useEvaluation((s) => s.fewShotSettings.testSource);
  const file = useEvaluation((s) => s.fewShotTest);
  const mapping = useEvaluation((s) => s.mapping);
  const labels = useWorkspace((s) => s.setup.verbalizer.labels);
  const { setFewShotTestSource, loadFewShotTestFile, clearFewShotTestFile } = useEvaluation.getState();
  const input = useRef<HTMLInputElement>(null);
  const built = useMemo(
    () =>
      file?.dataset
        ? testExamples(
            file.dataset,
            mapping,
            labels.map((l) => l.label),
          )
        : null,
    [file, mapping, labels],
  );

  return (
    <>
      <div className="row fewshot-inline" role="radiogroup" aria-label={t('fewshot.test.legend')}>
        <label className="check">
          <input
            type="radio"
            name="fewshot-test"
            checked={source === 'rest'}
            onChange={() => setFewShotTestSource('rest')}
            data-testid="fewshot-test-rest"
          />
          <span>{t('fewshot.test.rest')}</span>
        </label>
        <label className="check">
          <input
            type="radio"
            name="fewshot-test"
            checked={source === 'file'}
            onChange={() => setFewShotTestSource('file')}
            data-testid="fewshot-test-file-choice"
          />
          <span>{t('fewshot.test.file')}</span>
        </label>
      </div>
      {source === 'file' ? (
        <div className="fewshot-test-file">
          <input
            ref={input}
            type="file"
            accept=".csv,.tsv,.tab,.jsonl,.ndjson,.txt,text/csv,text/tab-separated-values,application/json"
            className="visually-hidden"
            aria-label={t('fewshot.test.uploadAria')}
            data-testid="fewshot-test-file"
            onChange={(event) => {
              const picked = event.target.files?.[0];
              if (picked) void loadFewShotTestFile(picked);
              event.target.value = '';
            }}
          />
          <div className="row">
            <button className="btn small" onClick={() => input.current?.click()}>
              {t('fewshot.test.upload')}
            </button>
            {file ? (
              <button className="btn small" onClick={clearFewShotTestFile}>
                {t('fewshot.test.remove')}
              </button>
            ) : null}
          </div>
          {file?.status === 'parsing' ? <p className="hint">{t('eval.data.parsing', { name: file.name })}</p> : null}
          {file?.status === 'error' && file.error ? (
            <p className="message error" role="alert">
              {t('fewshot.test.error', { name: file.name, message: issues.text(file.error) })}
            </p>
          ) : null}
          {built && file ? (
            built.missingColumns.length > 0 ? (
              <p className="message error" role="alert" data-testid="fewshot-test-summary">
                {t('fewshot.test.missingColumns', {
                  name: file.name,
                  columns: built.missingColumns.map((c) => `"${c}"`).join(', '),
                })}
              </p>
            ) : (
              <p className="hint" data-testid="fewshot-test-summary">
                {t('fewshot.test.ready', {
                  name: file.name,
                  n: count(built.examples.length, locale),
                  skipped: count(built.problems.length, locale),
                })}
              </p>
            )
          ) : null}
          {built && built.problems.length > 0 ? (
            <details>
              <summary className="hint">{t('fewshot.test.skippedRows')}</summary>
              <ul className="fewshot-problems">
                {built.problems.slice(0, 50).map((p, i) => (
                  <li key={i}>{issues.text(p)}</li>
                ))}
              </ul>
            </details>
          ) : null}
          {!file ? <p className="hint">{t('fewshot.test.fileHelp')}</p> : null}
        </div>
      ) : null}
    </>
  );
}
