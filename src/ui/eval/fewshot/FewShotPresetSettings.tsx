import { useMemo } from 'react';
import { PRESETS, type Preset, type PresetFewShot } from '../../../core/presets';
import type { PromptSetup } from '../../../core/setup';
import { useEvaluation } from '../../../store/evaluation';
import { useWorkspace } from '../../../store/workspace';
import { PaperFewShotNumbers } from '../../components/PaperFewShotNumbers';
import { useT } from '../../i18n';

/** The preset with few-shot settings that the setup is (its label words, and the active template among its templates). */
export function presetOfSetup(setup: PromptSetup): (Preset & { fewShot: PresetFewShot }) | null {
  const active = setup.templates.find((t) => t.id === setup.activeTemplateId)?.text;
  const words = JSON.stringify(setup.verbalizer);
  const found = PRESETS.find(
    (p) =>
      p.fewShot !== undefined &&
      JSON.stringify(p.setup.verbalizer) === words &&
      p.setup.templates.some((t) => t.text === active),
  );
  return found?.fewShot ? { ...found, fewShot: found.fewShot } : null;
}

/**
 * Where the setup is a paper's preset with a few-shot protocol: "use the paper's settings" (K,
 * seeds), and the paper's reported numbers — shown as theirs (fine-tuned RoBERTa-large), apart
 * from ClozeLab's curve and never on it.
 */
export function FewShotPresetSettings({ disabled }: { disabled: boolean }) {
  const t = useT();
  const setup = useWorkspace((s) => s.setup);
  const config = useEvaluation((s) => s.fewShotSettings.config);
  const { setFewShotConfig } = useEvaluation.getState();
  const preset = useMemo(() => presetOfSetup(setup), [setup]);
  if (!preset) return null;
  const { fewShot } = preset;
  const applied =
    JSON.stringify(config.ks) === JSON.stringify(fewShot.ks) &&
    JSON.stringify(config.seeds) === JSON.stringify(fewShot.seeds);
  const models = [...new Set(fewShot.reported.map((r) => r.model))].join(', ');
  return (
    <div className="fewshot-preset" data-testid="fewshot-preset">
      <p className="fewshot-preset-head">
        <span>{t('fewshot.preset.title', { name: preset.setup.name })}</span>{' '}
        <span className="hint">
          {t('presets.fewShot.title', { k: fewShot.ks.join(', '), seeds: fewShot.seeds.join(', ') })}
        </span>{' '}
        {applied ? (
          <span className="badge ok">{t('fewshot.preset.applied')}</span>
        ) : (
          <button
            className="btn small"
            disabled={disabled}
            onClick={() => setFewShotConfig({ ks: [...fewShot.ks], seeds: [...fewShot.seeds] })}
            data-testid="fewshot-preset-apply"
          >
            {t('fewshot.preset.apply')}
          </button>
        )}
      </p>
      <p className="hint">{t('fewshot.preset.theirs', { model: models })}</p>
      <PaperFewShotNumbers fewShot={fewShot} testId="fewshot-paper-numbers" />
    </div>
  );
}
