import { useState } from 'react';
import { FEWSHOT_METHODS, FEWSHOT_SEEDS } from '../../../core/fewshot/types';
import {
  FEWSHOT_LIMITS,
  offeredKs,
  parseNumberList,
  toggleMethod,
  toggleSorted,
  useEvaluation,
} from '../../../store/evaluation';
import { useT } from '../../i18n';
import { FewShotTestSet } from './FewShotTestSet';
import { METHOD_KEYS, METHOD_HELP_KEYS } from './methods';

/** The few-shot settings: K values, seeds, methods, demonstrations, test set, label-vector training. */
export function FewShotControls({ disabled }: { disabled: boolean }) {
  const t = useT();
  const settings = useEvaluation((s) => s.fewShotSettings);
  const { setFewShotConfig } = useEvaluation.getState();
  const { config } = settings;
  const [customK, setCustomK] = useState('');
  const [kError, setKError] = useState<string | null>(null);
  const [seedText, setSeedText] = useState<string | null>(null);
  const [seedError, setSeedError] = useState<string | null>(null);

  const addK = () => {
    const parsed = parseNumberList(customK, 1, FEWSHOT_LIMITS.maxK);
    if (!parsed.ok) {
      setKError(t('fewshot.k.bad', { value: parsed.bad, max: FEWSHOT_LIMITS.maxK }));
      return;
    }
    const ks = [...new Set([...config.ks, ...parsed.values])].sort((a, b) => a - b);
    if (ks.length > FEWSHOT_LIMITS.maxKs) {
      setKError(t('fewshot.k.tooMany', { max: FEWSHOT_LIMITS.maxKs }));
      return;
    }
    setKError(null);
    setCustomK('');
    setFewShotConfig({ ks });
  };
  const commitSeeds = (text: string) => {
    const parsed = parseNumberList(text, 0, FEWSHOT_LIMITS.maxSeed);
    if (!parsed.ok || parsed.values.length === 0 || parsed.values.length > FEWSHOT_LIMITS.maxSeeds) {
      setSeedError(
        !parsed.ok
          ? t('fewshot.seeds.bad', { value: parsed.bad })
          : t('fewshot.seeds.count', { max: FEWSHOT_LIMITS.maxSeeds }),
      );
      return;
    }
    setSeedError(null);
    setSeedText(null);
    setFewShotConfig({ seeds: parsed.values });
  };
  const seedsShown = seedText ?? config.seeds.join(', ');

  return (
    <div className="fewshot-controls" data-testid="fewshot-controls">
      <fieldset className="fewshot-group" disabled={disabled}>
        <legend>{t('fewshot.k.legend')}</legend>
        <div className="row">
          {offeredKs(config.ks).map((k) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                checked={config.ks.includes(k)}
                onChange={() => setFewShotConfig({ ks: toggleSorted(config.ks, k) })}
                data-testid={`fewshot-k-${k}`}
              />
              <span>K = {k}</span>
            </label>
          ))}
        </div>
        <div className="row fewshot-inline">
          <label className="field eval-inline-field">
            {t('fewshot.k.custom')}
            <input
              type="text"
              inputMode="numeric"
              size={8}
              value={customK}
              onChange={(e) => setCustomK(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') addK();
              }}
              aria-invalid={kError !== null}
              data-testid="fewshot-k-custom"
            />
          </label>
          <button className="btn small" onClick={addK} disabled={customK.trim() === ''}>
            {t('fewshot.k.add')}
          </button>
        </div>
        {kError ? (
          <p className="message error" role="alert">
            {kError}
          </p>
        ) : null}
        <p className="hint">{t('fewshot.k.help')}</p>
      </fieldset>

      <fieldset className="fewshot-group" disabled={disabled}>
        <legend>{t('fewshot.seeds.legend')}</legend>
        <div className="row fewshot-inline">
          <input
            type="text"
            className="fewshot-seeds"
            aria-label={t('fewshot.seeds.aria')}
            value={seedsShown}
            onChange={(e) => setSeedText(e.target.value)}
            onBlur={() => {
              if (seedText !== null) commitSeeds(seedText);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitSeeds(seedsShown);
            }}
            aria-invalid={seedError !== null}
            data-testid="fewshot-seeds"
          />
          <button
            className="btn small"
            onClick={() => {
              setSeedText(null);
              setSeedError(null);
              setFewShotConfig({ seeds: [...FEWSHOT_SEEDS] });
            }}
          >
            {t('fewshot.seeds.reset')}
          </button>
        </div>
        {seedError ? (
          <p className="message error" role="alert">
            {seedError}
          </p>
        ) : null}
        <p className="hint">{t('fewshot.seeds.help', { n: config.seeds.length })}</p>
      </fieldset>

      <fieldset className="fewshot-group" disabled={disabled}>
        <legend>{t('fewshot.methods.legend')}</legend>
        <div className="fewshot-methods">
          {FEWSHOT_METHODS.map((m) => (
            <label key={m} className="check">
              <input
                type="checkbox"
                checked={config.methods.includes(m)}
                onChange={() => setFewShotConfig({ methods: toggleMethod(config.methods, m) })}
                data-testid={`fewshot-method-${m}`}
              />
              <span className="fewshot-method-name">
                {t(METHOD_KEYS[m])} <span className="hint">{t(METHOD_HELP_KEYS[m])}</span>
              </span>
            </label>
          ))}
        </div>
        <div className="row fewshot-inline" role="radiogroup" aria-label={t('fewshot.demos.legend')}>
          <span className="hint">{t('fewshot.demos.legend')}</span>
          {(['random', 'similar'] as const).map((selection) => (
            <label key={selection} className="check">
              <input
                type="radio"
                name="fewshot-demos"
                checked={config.demonstrations.selection === selection}
                onChange={() => setFewShotConfig({ demonstrations: { selection } })}
                data-testid={`fewshot-demos-${selection}`}
              />
              <span>{t(selection === 'random' ? 'fewshot.demos.random' : 'fewshot.demos.similar')}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="fewshot-group" disabled={disabled}>
        <legend>{t('fewshot.test.legend')}</legend>
        <FewShotTestSet />
        <label className="field eval-inline-field">
          {t('fewshot.test.max')}
          <input
            type="number"
            min={1}
            max={FEWSHOT_LIMITS.maxTest}
            step={1}
            value={config.maxTest ?? ''}
            placeholder={t('fewshot.test.all')}
            onChange={(e) => {
              const n = e.target.valueAsNumber;
              if (e.target.value === '') setFewShotConfig({ maxTest: null });
              else if (Number.isInteger(n) && n >= 1) setFewShotConfig({ maxTest: n });
            }}
            data-testid="fewshot-max-test"
          />
        </label>
        <p className="hint">{t('fewshot.test.maxHelp')}</p>
      </fieldset>

      <details className="fewshot-group fewshot-tuning">
        <summary>{t('fewshot.tuning.legend')}</summary>
        <fieldset disabled={disabled} className="row fewshot-inline">
          {(
            [
              ['steps', 'fewshot.tuning.steps', 1, 0, FEWSHOT_LIMITS.maxSteps],
              ['learningRate', 'fewshot.tuning.rate', 0.001, 0.000001, 10],
              ['l2', 'fewshot.tuning.l2', 0.001, 0, 100],
            ] as const
          ).map(([key, label, step, min, max]) => (
            <label key={key} className="field eval-inline-field">
              {t(label)}
              <input
                type="number"
                step={step}
                min={min}
                max={max}
                value={config.tuning[key]}
                onChange={(e) => {
                  const n = e.target.valueAsNumber;
                  if (Number.isFinite(n) && n >= min && n <= max)
                    setFewShotConfig({ tuning: { ...config.tuning, [key]: n } });
                }}
                data-testid={`fewshot-tuning-${key}`}
              />
            </label>
          ))}
        </fieldset>
        <p className="hint">{t('fewshot.tuning.help')}</p>
      </details>
    </div>
  );
}
