import type { PresetFewShot } from '../../core/presets';
import { useT, type MessageKey } from '../i18n';

const METHOD: Record<PresetFewShot['reported'][number]['method'], MessageKey> = {
  'prompt-finetuning': 'presets.fewShot.manual',
  'prompt-finetuning-demos': 'presets.fewShot.demos',
};

/** A paper's reported few-shot numbers and their sources — theirs (fine-tuned RoBERTa-large), never ClozeLab's. */
export function PaperFewShotNumbers({ fewShot, testId }: { fewShot: PresetFewShot; testId?: string }) {
  const t = useT();
  const sources = [...new Set(fewShot.reported.map((r) => r.source))];
  return (
    <>
      <ul className="paper-fewshot-numbers" data-testid={testId}>
        {fewShot.reported.map((r) => (
          <li key={r.method}>
            <strong className="result-number">
              {r.accuracy.toFixed(1)} ({r.std.toFixed(1)})
            </strong>{' '}
            {t(METHOD[r.method])} · {t('presets.fewShot.meanStd', { n: fewShot.seeds.length })}
            {r.split ? ` (${r.split})` : ''} · {r.model}{' '}
            {r.verified ? null : (
              <span className="badge test" title={t('presets.unverifiedHelp')}>
                {t('presets.unverified')}
              </span>
            )}
          </li>
        ))}
      </ul>
      {sources.map((source) => (
        <p key={source} className="hint">
          {t('presets.fewShot.source', { source })}
        </p>
      ))}
    </>
  );
}
