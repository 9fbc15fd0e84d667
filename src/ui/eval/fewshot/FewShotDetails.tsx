import { splitRows } from '../../../core/fewshot/splits';
import type { FewShotData, FewShotResult } from '../../../core/fewshot/types';
import { usePrefs } from '../../../store/prefs';
import { useT } from '../../i18n';
import { count, duration } from '../format';

/** Prompts run vs the naive count, label-vector training time, demonstrations dropped, time taken. */
export function FewShotStats({ result }: { result: FewShotResult }) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const { stats } = result;
  const times = stats.trainingMs.map((x) => x.ms);
  const mean = times.length > 0 ? times.reduce((a, b) => a + b, 0) / times.length : null;
  return (
    <ul className="fewshot-stats" data-testid="fewshot-stats">
      <li data-prompts-run={stats.promptsRun} data-naive={stats.naivePrompts}>
        {t('fewshot.stats.prompts', {
          run: count(stats.promptsRun, locale),
          reused: count(stats.promptsReused, locale),
          naive: count(stats.naivePrompts, locale),
        })}
      </li>
      {mean !== null ? (
        <li>
          {t('fewshot.stats.training', {
            mean: mean.toFixed(1),
            max: Math.max(...times).toFixed(1),
            n: times.length,
          })}
        </li>
      ) : null}
      <li>{t('fewshot.stats.dropped', { n: count(stats.droppedDemos, locale) })}</li>
      <li>{t('fewshot.stats.elapsed', { time: duration(stats.elapsedMs / 1000) })}</li>
    </ul>
  );
}

/** The splits: per (K, seed), the training examples (line and label) and the test set's size; expandable. */
export function FewShotSplits({ result, data }: { result: FewShotResult; data: FewShotData | null }) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  if (result.splits.length === 0) return null;
  return (
    <details className="fewshot-splits" data-testid="fewshot-splits">
      <summary>{t('fewshot.splits.title', { n: result.splits.length })}</summary>
      <p className="hint">{t('fewshot.splits.help')}</p>
      {result.splits.map((split) => {
        const rows = data ? splitRows(split, data.examples, data.testExamples).filter((r) => r.role === 'train') : [];
        return (
          <details key={`${split.k}-${split.seed}`} className="fewshot-split" data-k={split.k} data-seed={split.seed}>
            <summary>
              {t('fewshot.splits.one', {
                k: split.k,
                seed: split.seed,
                train: count(split.train.length, locale),
                test: count(split.test.length, locale),
                source: t(split.testSource === 'file' ? 'fewshot.splits.fromFile' : 'fewshot.splits.fromRest'),
              })}
            </summary>
            {data ? (
              <ol className="fewshot-split-lines">
                {rows.map((r) => (
                  <li key={r.line}>
                    {t('fewshot.splits.line', { line: r.line })} · <strong>{r.label}</strong>
                  </li>
                ))}
              </ol>
            ) : null}
          </details>
        );
      })}
    </details>
  );
}
