import { useState } from 'react';
import { FEWSHOT_KS, FEWSHOT_SEEDS } from '../../core/fewshot/types';
import { percent } from '../../core/percent';
import { LABEL_SEARCH_TOP_N, useEvaluation } from '../../store/evaluation';
import { RuntimeErrorText } from '../components/RuntimeErrorText';
import { useT } from '../i18n';

/**
 * Label-word search, step 2 (LM-BFF): step 1's top-n candidates per label, combined one word per
 * label and ranked by accuracy on a K-shot training split; "use" makes one the verbalizer.
 */
export function LabelComboPanel() {
  const t = useT();
  const search = useEvaluation((s) => s.labelSearch);
  const running = useEvaluation((s) => s.run.status === 'preparing' || s.run.status === 'running');
  const { searchLabelCombos, cancelLabelWords, applyLabelCombo } = useEvaluation.getState();
  const combos = search.combos;
  const [k, setK] = useState(combos.k);
  const [seed, setSeed] = useState(combos.seed);
  const [n, setN] = useState(combos.n);
  const [used, setUsed] = useState<number | null>(null);
  const busy = combos.status === 'running';
  const result = combos.status === 'done' ? combos.result : null;
  return (
    <div className="eval-combos" data-testid="label-combos">
      <h3 className="eval-subtitle">{t('eval.combos.title')}</h3>
      <p className="hint" style={{ marginTop: 0 }}>
        {t('eval.combos.help')}
      </p>
      <div className="row">
        <label className="eval-control-label">
          {t('eval.combos.k')}{' '}
          <select value={k} onChange={(e) => setK(Number(e.target.value))} data-testid="combo-k">
            {FEWSHOT_KS.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label className="eval-control-label">
          {t('eval.combos.seed')}{' '}
          <select value={seed} onChange={(e) => setSeed(Number(e.target.value))} data-testid="combo-seed">
            {FEWSHOT_SEEDS.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label className="eval-control-label">
          {t('eval.combos.n')}{' '}
          <input
            type="number"
            min={1}
            max={LABEL_SEARCH_TOP_N}
            value={n}
            onChange={(e) => setN(Math.min(LABEL_SEARCH_TOP_N, Math.max(1, Math.floor(Number(e.target.value) || 1))))}
            style={{ width: '4em' }}
            data-testid="combo-n"
          />
        </label>
        <button
          className="btn"
          disabled={busy || running}
          onClick={() => {
            setUsed(null);
            void searchLabelCombos({ k, seed, n });
          }}
          data-testid="search-combos"
        >
          {busy ? t('eval.combos.running') : t('eval.combos.start')}
        </button>
        {busy ? (
          <button className="btn" onClick={cancelLabelWords}>
            {t('eval.run.cancel')}
          </button>
        ) : null}
      </div>
      {combos.status === 'too-few' && combos.tooFew ? (
        <p className="message warning" role="status" data-testid="combos-too-few">
          {t('eval.combos.tooFew', combos.tooFew)}
        </p>
      ) : null}
      {combos.status === 'error' ? (
        <p className="message error" role="alert">
          {combos.errorCode === 'template-changed' ? (
            t('eval.combos.templateChanged')
          ) : (
            <RuntimeErrorText failure={{ code: combos.errorCode, message: combos.error ?? '' }} />
          )}
        </p>
      ) : null}
      {result ? (
        <>
          <p className="hint" data-testid="combos-summary">
            {result.method === 'exhaustive'
              ? t('eval.combos.exhaustive', { space: result.space, evaluated: result.evaluated })
              : t('eval.combos.beam', { space: result.space, width: result.beamWidth ?? 0 })}{' '}
            {t('eval.combos.trainOnly', { n: result.combinations[0]?.n ?? 0, k: combos.k, seed: combos.seed })}
          </p>
          {result.combinations.length === 0 ? <p className="hint">{t('eval.combos.none')}</p> : null}
          <table className="eval-table" data-testid="combos-table" aria-label={t('eval.combos.title')}>
            <thead>
              <tr>
                <th className="num">#</th>
                {search.labels.map((label) => (
                  <th key={label}>{label}</th>
                ))}
                <th className="num">{t('eval.combos.accuracy')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {result.combinations.map((c, i) => (
                <tr key={c.ids.join(',')} data-testid="combo-row">
                  <td className="num">{i + 1}</td>
                  {c.words.map((w, l) => (
                    <td key={l} className="mono">
                      {w}
                    </td>
                  ))}
                  <td className="num" title={t('eval.combos.marginTitle', { margin: c.margin.toFixed(2) })}>
                    {percent(c.accuracy)} ({c.correct}/{c.n})
                  </td>
                  <td>
                    <button
                      className="btn small"
                      disabled={used === i}
                      onClick={() => {
                        if (applyLabelCombo(i)) setUsed(i);
                      }}
                      data-testid="use-combo"
                    >
                      {used === i ? t('eval.combos.used') : t('eval.combos.use')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
