import type { CalibrationMode } from '../../core/evaluation-results';
import { useEvaluation } from '../../store/evaluation';
import { useT } from '../i18n';

/** Switches the results between the uncalibrated and the calibrated distributions. */
export function ModeSwitch({ mode }: { mode: CalibrationMode }) {
  const t = useT();
  const setMode = useEvaluation((s) => s.setMode);
  return (
    <div className="eval-segmented" role="group" aria-label={t('eval.mode.aria')}>
      {(['uncalibrated', 'calibrated'] as const).map((m) => (
        <button
          key={m}
          className={mode === m ? 'active' : undefined}
          aria-pressed={mode === m}
          onClick={() => setMode(m)}
        >
          {t(m === 'calibrated' ? 'eval.mode.calibrated' : 'eval.mode.uncalibrated')}
        </button>
      ))}
    </div>
  );
}
