import type { DiagnosisHint } from '../../core/diagnosis';
import { useT, type Translate } from '../i18n';
import { pct } from './format';

export function hintText(t: Translate, h: DiagnosisHint, calibrated: boolean): string {
  const params = {
    label: h.label ?? '',
    other: h.other ?? '',
    value: pct(h.value, 0),
    reference: pct(h.reference, 0),
    n: h.count ?? 0,
  };
  switch (h.code) {
    case 'prediction-bias':
      return t(calibrated ? 'eval.hint.biasCalibrated' : 'eval.hint.bias', params);
    case 'confused-pair':
      return t('eval.hint.confused', params);
    case 'low-recall':
      return t(h.other ? 'eval.hint.lowRecallTo' : 'eval.hint.lowRecall', params);
    case 'low-precision':
      return t(h.other ? 'eval.hint.lowPrecisionFrom' : 'eval.hint.lowPrecision', params);
    case 'imbalanced-gold':
      return t('eval.hint.imbalanced', params);
    case 'no-support':
      return t('eval.hint.noSupport', params);
    case 'calibration-helps':
      return t(calibrated ? 'eval.hint.calibrationHurts' : 'eval.hint.calibrationHelps', params);
    case 'uniform':
      return t('eval.hint.uniform', params);
  }
}

/** Diagnosis hints in plain words: what the numbers suggest trying next. */
export function Hints({ hints, calibrated }: { hints: DiagnosisHint[]; calibrated: boolean }) {
  const t = useT();
  if (hints.length === 0)
    return (
      <p className="hint" data-testid="eval-hints">
        {t('eval.hint.none')}
      </p>
    );
  return (
    <ul className="eval-hints" data-testid="eval-hints">
      {hints.map((h, i) => (
        <li key={i} className={h.severity} data-code={h.code}>
          {hintText(t, h, calibrated)}
        </li>
      ))}
    </ul>
  );
}
