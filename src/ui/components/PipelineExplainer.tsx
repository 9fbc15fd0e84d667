// The pipeline on one input, step by step, live: x → x′ = f_prompt(x) → the model's distribution
// at [Z] → the verbalizer's mapping → the label. The current step is highlighted; the others stay
// visible (dimmed), so a class can follow the whole chain.
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { parseTemplate } from '../../core/template';
import { rowSignature } from '../../store/live';
import { selectModelSituation } from '../../store/model-status';
import { activeTemplate, selectResolution, useWorkspace, type RowResult } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';
import { LabelChart, RenderedPrompt } from './ResultCard';
import { InputPiece } from './PromptSegments';
import { ResultHeadline } from './ResultHeadline';
import { TokenMarkerNote } from './TokenMarkerNote';
import { probabilityPercent } from '../../core/percent';
import '../classroom.css';

/** Percentages that stay readable for tiny probabilities (an untrained model's label words): 0.0042%. */
function probText(p: number): string {
  if (p <= 0) return '0%';
  return p >= 0.001 ? probabilityPercent(p) : `${(100 * p).toPrecision(3)}%`;
}

const STEPS: { title: MessageKey; formula: string }[] = [
  { title: 'explain.step.input', formula: 'x' },
  { title: 'explain.step.prompt', formula: 'x′ = f_prompt(x)' },
  { title: 'explain.step.model', formula: 'P([Z] | x′)' },
  { title: 'explain.step.verbalizer', formula: 'v(label) → words' },
  { title: 'explain.step.label', formula: 'ŷ' },
];

/** The template with [X…] and [Z] coloured (text only). */
function TemplateText({ text }: { text: string }) {
  const parts: { text: string; kind: 'input' | 'mask' | 'text' }[] = [];
  let last = 0;
  for (const m of text.matchAll(/\\[[\]\\]|\[[^[\]\n]*\]/g)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index), kind: 'text' });
    const kind = /^\[\s*Z\s*\]$/.test(m[0]) ? 'mask' : /^\[\s*X/.test(m[0]) ? 'input' : 'text';
    parts.push({ text: m[0], kind });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), kind: 'text' });
  return (
    <code className="explain-template">
      {parts.map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : (
          <span key={i} className={p.kind === 'mask' ? 'tok-answer' : 'tok-input'}>
            {p.text}
          </span>
        ),
      )}
    </code>
  );
}

/** The input x; when the model read only part of it, that part, and the rest folded (as in x′). */
function ExplainedInput({ text, slot, result }: { text: string; slot: string; result: RowResult }) {
  const k = result.layout.inputs.findIndex((input) => input.slot === slot);
  const read = k >= 0 ? result.inputsRead?.[k] : undefined;
  const span = result.layout.inputs[k]?.span;
  if (!read || read.dropped === 0 || !span) return <span className="tok-input">{text || '—'}</span>;
  return <InputPiece text={result.layout.text.slice(span.start, span.end)} read={read} />;
}

export function PipelineExplainer({ row: controlledRow, large = false }: { row?: number; large?: boolean }) {
  const t = useT();
  // Narrow subscriptions: download progress does not re-render the explainer.
  const situation = useWorkspace(selectModelSituation);
  const { setup, rows, pending, facts } = useWorkspace(
    useShallow((s) => ({
      setup: s.setup,
      rows: s.rows,
      pending: s.pending,
      // The mask token and vocabulary of the model in use (none while it is not loaded).
      facts: s.model.status === 'ready' && s.model.ref?.id === s.setup.model.id ? s.model.facts : null,
    })),
  );
  const [ownRow, setOwnRow] = useState(0);
  const [step, setStep] = useState(0);
  const rowIndex = Math.min(controlledRow ?? ownRow, Math.max(0, setup.inputs.length - 1));
  const signature = useWorkspace((s) => rowSignature(s, rowIndex));
  const result = rows[rowIndex] ?? null;
  const resolution = useWorkspace(selectResolution);
  const template = activeTemplate(setup);
  const parse = useMemo(() => parseTemplate(template.text), [template.text]);
  const labelWordIds = useMemo(() => {
    const map = new Map<number, string>();
    for (const w of resolution?.words ?? []) if (w.status === 'single') map.set(w.form.ids[0]!, w.label);
    return map;
  }, [resolution]);
  const stale = !!result && (pending || result.signature !== signature);
  const inputs = setup.inputs[rowIndex] ?? {};
  const slots = parse.ok && parse.template.slots.length > 0 ? parse.template.slots : Object.keys(inputs);

  const go = (next: number) => setStep(Math.max(0, Math.min(STEPS.length - 1, next)));
  // Handled here (default prevented), so presentation mode's arrow keys don't also change the input.
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    if (/^(SELECT|INPUT|TEXTAREA)$/.test((event.target as HTMLElement).tagName)) return;
    event.preventDefault();
    go(step + (event.key === 'ArrowRight' ? 1 : -1));
  };
  const cls = (i: number) => `explain-step${i === step ? ' active' : ' dim'}`;
  const scores = result?.scores;
  const maxTop = Math.max(1e-9, ...(result?.top.map((x) => x.prob) ?? [0]));

  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- ←/→ shortcut for the focused step buttons inside; every step also has a button
    <section
      className={`panel explainer${large ? ' large' : ''}`}
      aria-labelledby="explainer-heading"
      data-testid="explainer"
      onKeyDown={onKey}
    >
      <h2 id="explainer-heading">
        {t('explain.title')}
        {controlledRow === undefined && setup.inputs.length > 1 ? (
          <select
            aria-label={t('explain.pickInput')}
            value={rowIndex}
            onChange={(e) => setOwnRow(Number(e.target.value))}
            style={{ marginLeft: 'auto', textTransform: 'none' }}
          >
            {setup.inputs.map((_, i) => (
              <option key={i} value={i}>
                {t('inputs.rowAria', { n: i + 1 })}
              </option>
            ))}
          </select>
        ) : null}
      </h2>
      <ol className="stepper" aria-label={t('explain.steps')}>
        {STEPS.map((s, i) => (
          <li key={s.title}>
            <button
              className={`stepper-button${i === step ? ' active' : ''}`}
              aria-current={i === step ? 'step' : undefined}
              onClick={() => go(i)}
            >
              <span className="stepper-number">{i + 1}</span>
              <span>{t(s.title)}</span>
            </button>
          </li>
        ))}
      </ol>
      <div className="row stepper-nav">
        <button className="btn small" onClick={() => go(step - 1)} disabled={step === 0}>
          ← {t('explain.previous')}
        </button>
        <span className="hint">{t('explain.stepOf', { n: step + 1, total: STEPS.length })}</span>
        <button
          className="btn small"
          onClick={() => go(step + 1)}
          disabled={step === STEPS.length - 1}
          data-testid="explain-next"
        >
          {t('explain.next')} →
        </button>
      </div>

      {!result || !scores ? (
        <p className="message info">
          {situation.inUse.status !== 'ready'
            ? t('explain.noModel')
            : situation.inputsValid
              ? t('inputs.computing')
              : t('inputs.invalid')}
        </p>
      ) : (
        <div className={`explain-flow${stale ? ' stale' : ''}`} data-step={step}>
          <div className={cls(0)} data-testid="explain-step-1">
            <h3>
              <span className="formula">{STEPS[0]!.formula}</span> {t('explain.step.input')}
            </h3>
            <p className="explain-body">
              {slots.map((slot) => (
                <span key={slot} className="explain-input">
                  {slots.length > 1 ? <span className="hint">[{slot}] </span> : null}
                  <ExplainedInput text={inputs[slot] ?? ''} slot={slot} result={result} />
                </span>
              ))}
            </p>
          </div>
          <div className="explain-arrow" aria-hidden="true">
            ↓
          </div>
          <div className={cls(1)} data-testid="explain-step-2">
            <h3>
              <span className="formula">{STEPS[1]!.formula}</span> {t('explain.step.prompt')}
            </h3>
            <p className="explain-body">
              {t('explain.template')} <TemplateText text={template.text} />
            </p>
            <div className="explain-body">
              <RenderedPrompt result={result} />
            </div>
            <p className="hint">{t('explain.promptHelp', { mask: facts?.maskToken ?? '[MASK]' })}</p>
          </div>
          <div className="explain-arrow" aria-hidden="true">
            ↓
          </div>
          <div className={cls(2)} data-testid="explain-step-3">
            <h3>
              <span className="formula">{STEPS[2]!.formula}</span> {t('explain.step.model')}
            </h3>
            <ol className="explain-topk">
              {result.top.slice(0, large ? 6 : 8).map((entry) => {
                const label = labelWordIds.get(entry.id);
                return (
                  <li key={entry.id} className={label !== undefined ? 'label-word' : undefined}>
                    <span className="explain-token">{entry.token}</span>
                    <span className="explain-bar" style={{ width: `${Math.max(2, (100 * entry.prob) / maxTop)}%` }} />
                    <span className="prob">{probabilityPercent(entry.prob)}</span>
                    <span>{label !== undefined ? <span className="badge accent">→ {label}</span> : null}</span>
                  </li>
                );
              })}
            </ol>
            <p className="hint">{t('explain.modelHelp', { n: facts?.vocabSize ?? '?' })}</p>
            <TokenMarkerNote tokens={result.top.slice(0, large ? 6 : 8).map((entry) => entry.token)} />
          </div>
          <div className="explain-arrow" aria-hidden="true">
            ↓
          </div>
          <div className={cls(3)} data-testid="explain-step-4">
            <h3>
              <span className="formula">{STEPS[3]!.formula}</span> {t('explain.step.verbalizer')}
            </h3>
            <table className="explain-table">
              <thead>
                <tr>
                  <th scope="col">{t('verbalizer.labelColumn')}</th>
                  <th scope="col">{t('explain.words')}</th>
                  <th scope="col">
                    {t('explain.score', {
                      how: t(
                        `scoring.aggregation.${setup.scoring.aggregation === 'logit-mean' ? 'logitMean' : setup.scoring.aggregation}` as MessageKey,
                      ),
                    })}
                  </th>
                  <th scope="col">P</th>
                  {scores.flags.calibrated ? <th scope="col">{t('explain.calibrated')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {scores.labels.map((label, i) => (
                  <tr key={label} className={i === scores.winner ? 'winner-row' : undefined}>
                    <th scope="row">{label}</th>
                    <td>
                      {scores.wordScores
                        .filter((w) => w.label === label)
                        .map((w) => (
                          <span key={w.word} className={`word-chip${w.used ? '' : ' unknown'}`}>
                            <span>{w.word}</span>
                            <span className="pieces">{w.used ? probText(w.prob) : t('verbalizer.unknown')}</span>
                          </span>
                        ))}
                    </td>
                    <td className="num">
                      {setup.scoring.aggregation === 'logit-mean'
                        ? (scores.labelScores[i] ?? 0).toFixed(2)
                        : probText(scores.labelScores[i] ?? 0)}
                    </td>
                    <td className="num">{probabilityPercent(scores.uncalibrated[i] ?? 0)}</td>
                    {scores.flags.calibrated ? (
                      <td className="num">{probabilityPercent(scores.probs[i] ?? 0)}</td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="hint">{scores.flags.calibrated ? t('explain.calibrateHelp') : t('explain.normaliseHelp')}</p>
          </div>
          <div className="explain-arrow" aria-hidden="true">
            ↓
          </div>
          <div className={cls(4)} data-testid="explain-step-5">
            <h3>
              <span className="formula">{STEPS[4]!.formula}</span> {t('explain.step.label')}
            </h3>
            <ResultHeadline stale={stale} className="explain-winner" testId="explain-winner">
              <strong>{scores.labels[scores.winner] ?? '—'}</strong>{' '}
              {scores.winner >= 0 ? probabilityPercent(scores.probs[scores.winner] ?? 0) : ''}
            </ResultHeadline>
            <LabelChart
              result={result}
              height={Math.max(large ? 120 : 80, (large ? 52 : 34) * scores.labels.length + 16)}
            />
          </div>
        </div>
      )}
    </section>
  );
}
