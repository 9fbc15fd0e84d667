import type { Aggregation, MultiTokenMode } from '../../core/scoring';
import { useWorkspace } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';
import { ContentFreeInputs } from './ContentFreeInputs';

const AGGREGATIONS: { value: Aggregation; key: MessageKey }[] = [
  { value: 'sum', key: 'scoring.aggregation.sum' },
  { value: 'mean', key: 'scoring.aggregation.mean' },
  { value: 'max', key: 'scoring.aggregation.max' },
  { value: 'logit-mean', key: 'scoring.aggregation.logitMean' },
];

const MULTI: { value: MultiTokenMode; key: MessageKey }[] = [
  { value: 'all-subtokens', key: 'scoring.multi.all' },
  { value: 'first-subtoken', key: 'scoring.multi.first' },
];

export function ScoringPanel() {
  const t = useT();
  const scoring = useWorkspace((s) => s.setup.scoring);
  const setScoring = useWorkspace((s) => s.setScoring);
  const maskToken = useWorkspace((s) => s.model.facts?.maskToken);
  return (
    <section className="panel" aria-labelledby="scoring-heading">
      <h2 id="scoring-heading">{t('scoring.title')}</h2>
      <div className="scoring-grid">
        <label className="field">
          {t('scoring.aggregation')}
          <select
            value={scoring.aggregation}
            onChange={(e) => setScoring({ aggregation: e.target.value as Aggregation })}
          >
            {AGGREGATIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {t(a.key)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('scoring.multi')}
          <select
            value={scoring.multiToken}
            onChange={(e) => setScoring({ multiToken: e.target.value as MultiTokenMode })}
          >
            {MULTI.map((m) => (
              <option key={m.value} value={m.value}>
                {t(m.key)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row" style={{ marginTop: 10, gap: 16 }}>
        <label className="check">
          <input
            type="checkbox"
            checked={scoring.calibrate}
            onChange={(e) => setScoring({ calibrate: e.target.checked })}
          />
          {t('scoring.calibrate')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={scoring.lengthNormalize}
            disabled={scoring.multiToken === 'first-subtoken'}
            onChange={(e) => setScoring({ lengthNormalize: e.target.checked })}
          />
          {t('scoring.lengthNormalize')}
        </label>
      </div>
      <p className="hint">
        {t(`scoring.explain.${scoring.aggregation === 'logit-mean' ? 'logitMean' : scoring.aggregation}` as MessageKey)}
      </p>
      {scoring.calibrate ? (
        <>
          <p className="hint">{t('scoring.explain.calibrate')}</p>
          <ContentFreeInputs maskToken={maskToken} />
        </>
      ) : null}
    </section>
  );
}
