import { fewShotTable, meanStdText } from '../../../core/fewshot/export';
import type { FewShotMethod, FewShotResult, FewShotSkip } from '../../../core/fewshot/types';
import type { FewShotMetric } from '../../../store/evaluation';
import { useT, type MessageKey, type Translate } from '../../i18n';
import { METHOD_KEYS, METHOD_STYLE } from './methods';

/** Why a (K, seed) cell or a method was not computed, in words. */
export function skipText(t: Translate, skip: FewShotSkip): string {
  const p = skip.params;
  switch (skip.code) {
    case 'too-few-examples':
      return t('fewshot.skip.tooFew', { label: String(p.label ?? ''), have: Number(p.have ?? 0), need: skip.k });
    case 'no-hidden':
      return t('fewshot.skip.noHidden');
    case 'one-template':
      return t('fewshot.skip.oneTemplate');
    case 'no-test-examples':
      return t('fewshot.skip.noTest');
  }
}

/** A few words for a cell that was not computed (the full reason is in its title and the list below). */
const SHORT: Record<FewShotSkip['code'], MessageKey> = {
  'too-few-examples': 'fewshot.skipShort.tooFew',
  'no-hidden': 'fewshot.skipShort.noHidden',
  'one-template': 'fewshot.skipShort.oneTemplate',
  'no-test-examples': 'fewshot.skipShort.noTest',
};

/** The skips that apply to (method, K): the method's own, or the whole K's (some seed could not be drawn). */
function skipsFor(result: FewShotResult, method: FewShotMethod, k: number): FewShotSkip[] {
  return result.skipped.filter((s) => s.k === k && (s.method === null || s.method === method));
}

/**
 * Method × K: "mean ± std (n seeds)" of the chosen metric, in percent — the CLI's table (core
 * export.ts) with the seeds counted; a cell not computed says why.
 */
export function FewShotTable({ result, metric }: { result: FewShotResult; metric: FewShotMetric }) {
  const t = useT();
  const { ks, rows } = fewShotTable(result, metric);
  const seedsAsked = result.config.seeds.length;
  return (
    <div className="fewshot-table-wrap">
      <table
        className="eval-table fewshot-table"
        data-testid="fewshot-table"
        aria-label={t('fewshot.table.aria', {
          metric: t(metric === 'accuracy' ? 'eval.metric.accuracy' : 'eval.metric.macroF1'),
        })}
      >
        <thead>
          <tr>
            <th scope="col">{t('fewshot.table.method')}</th>
            {ks.map((k) => (
              <th key={k} scope="col" className="num">
                K = {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ method: m, cells }) => (
            <tr key={m} data-method={m}>
              <th scope="row">
                <span
                  className="fewshot-swatch"
                  style={{ borderColor: METHOD_STYLE[m].color, borderStyle: METHOD_STYLE[m].dash ? 'dashed' : 'solid' }}
                  aria-hidden="true"
                />
                {t(METHOD_KEYS[m])}
              </th>
              {ks.map((k, i) => {
                const v = cells[i] ?? null;
                const skips = skipsFor(result, m, k);
                const why = skips.map((s) => skipText(t, s));
                if (!v)
                  return (
                    <td key={k} className="num fewshot-skipped" data-k={k} data-skipped title={why.join(' ')}>
                      —{skips[0] ? <span className="fewshot-why">{t(SHORT[skips[0].code])}</span> : null}
                    </td>
                  );
                return (
                  <td
                    key={k}
                    className="num"
                    data-k={k}
                    data-mean={v.mean}
                    data-std={v.std}
                    data-seeds={v.seeds}
                    title={why.length > 0 ? why.join(' ') : undefined}
                  >
                    <span className="fewshot-mean">{meanStdText(v)}</span>{' '}
                    <span className={`fewshot-n${v.seeds < seedsAsked ? ' partial' : ''}`}>
                      {t('fewshot.table.seeds', { n: v.seeds })}
                    </span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{t('fewshot.table.help', { seeds: seedsAsked })}</p>
    </div>
  );
}

/** Every skip, once: the cells and methods that could not be computed and why. */
export function SkippedList({ result }: { result: FewShotResult }) {
  const t = useT();
  if (result.skipped.length === 0) return null;
  const lines = [
    ...new Set(
      result.skipped.map((s) =>
        t('fewshot.skip.line', {
          where: [
            `K = ${s.k}`,
            s.seed !== null ? t('fewshot.seed', { seed: s.seed }) : null,
            s.method ? t(METHOD_KEYS[s.method]) : null,
          ]
            .filter(Boolean)
            .join(', '),
          why: skipText(t, s),
        }),
      ),
    ),
  ];
  return (
    <div className="message warning" data-testid="fewshot-skipped">
      <p style={{ margin: 0 }}>{t('fewshot.skip.title')}</p>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
