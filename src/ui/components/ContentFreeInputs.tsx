import { contentFreeStrings } from '../../core/scoring';
import { useT } from '../i18n';

/**
 * The three content-free inputs calibration runs the template with (Zhao et al. 2021): "N/A", the
 * empty string and the model's mask token — the mask token is kept as such in these prompts.
 */
export function ContentFreeInputs({ maskToken }: { maskToken: string | null | undefined }) {
  const t = useT();
  const [na, empty] = contentFreeStrings();
  const inputs = [
    `"${na}"`,
    `"${empty}" ${t('calibration.empty')}`,
    maskToken ? `"${maskToken}"` : t('calibration.maskToken'),
  ].join(', ');
  return (
    <p className="hint" data-testid="content-free-inputs">
      {t('calibration.contentFree', { inputs })}
    </p>
  );
}
