// Word attribution (occlusion) on one input: the Explain button, and the panel that colours the
// input's words on a diverging scale (blue: toward the label shown, orange: away from it), with the
// number on hover and focus, a table of every word's Δp per label, the removed / mask-token choice,
// which label to show and how many prompts it ran. The attribution itself runs in the store
// (store/explain.ts) through the one scoring pipeline.
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AttributionResult } from '../../core/attribution/run';
import { useExplain, type ExplainTarget } from '../../store/explain';
import { useWorkspace } from '../../store/workspace';
import { useT, type Translate } from '../i18n';
import { RuntimeErrorText } from './RuntimeErrorText';

function sameTarget(a: ExplainTarget | null, b: ExplainTarget): boolean {
  if (a?.kind !== b.kind) return false;
  if (a.kind === 'playground' && b.kind === 'playground') return a.row === b.row;
  return a.kind === 'evaluation' && b.kind === 'evaluation' && a.template === b.template && a.example === b.example;
}

/** Δp in percentage points with its sign, e.g. "+12.3 pp". */
export function signedPoints(t: Translate, delta: number): string {
  const value = `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${Math.abs(delta * 100).toFixed(1)}`;
  return t('attr.points', { value });
}

/** Background for a word's Δp: blue toward, orange away, its strength relative to the largest |Δp|. */
function wordColour(delta: number, scale: number): string {
  const a = scale > 0 ? Math.min(1, Math.abs(delta) / scale) * 0.75 : 0;
  return delta >= 0 ? `rgba(37, 99, 235, ${a.toFixed(3)})` : `rgba(234, 88, 12, ${a.toFixed(3)})`;
}

/** The explain button of one target; the panel appears below it while that target is explained. */
export function ExplainButton({ target, whyWrong = false }: { target: ExplainTarget; whyWrong?: boolean }) {
  const t = useT();
  const active = useExplain((s) => sameTarget(s.target, target));
  const start = () => {
    const s = useExplain.getState();
    if (target.kind === 'playground') void s.explainRow(target.row);
    else void s.explainExample(target.template, target.example, target.calibrated);
  };
  return (
    <button
      className="btn small"
      onClick={start}
      aria-pressed={active}
      title={t('attr.explainTitle')}
      data-testid={whyWrong ? 'why-wrong' : 'explain'}
    >
      {whyWrong ? t('attr.whyWrong') : t('attr.explain')}
    </button>
  );
}

/** The input's text with its words highlighted for `label`. */
function Highlight({
  result,
  inputs,
  label,
  labelName,
  t,
}: {
  result: AttributionResult;
  inputs: Record<string, string>;
  label: number;
  labelName: string;
  t: Translate;
}) {
  const scale = Math.max(0, ...result.words.map((w) => Math.abs(w.delta?.[label] ?? 0)));
  const slots = [...new Set(result.words.map((w) => w.word.slot))];
  return (
    <div className="attr-text" data-testid="attr-text">
      {slots.map((slot) => {
        const text = inputs[slot] ?? '';
        const pieces: ReactNode[] = [];
        let at = 0;
        result.words.forEach((w, i) => {
          if (w.word.slot !== slot) return;
          if (w.word.span.start > at) pieces.push(text.slice(at, w.word.span.start));
          const delta = w.delta?.[label];
          const shown = delta === undefined ? '…' : signedPoints(t, delta);
          pieces.push(
            <span
              key={i}
              className={`attr-word${delta === undefined ? ' pending' : ''}`}
              style={delta === undefined ? undefined : { background: wordColour(delta, scale) }}
              // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- focus shows the word's number, as hover does
              tabIndex={0}
              data-testid="attr-word"
              data-index={i}
              data-word={w.word.text}
              data-delta={delta}
              data-tip={shown}
              title={shown}
              aria-label={t('attr.wordAria', { word: w.word.text, delta: shown, label: labelName })}
            >
              {w.word.text}
            </span>,
          );
          at = w.word.span.end;
        });
        if (at < text.length) pieces.push(text.slice(at));
        return (
          <p key={slot} className="attr-slot">
            {slots.length > 1 ? <span className="badge">[{slot}]</span> : null} {pieces}
          </p>
        );
      })}
    </div>
  );
}

/** Every word's Δp for every label; exact values in data-delta. */
function DeltaTable({ result, label, t }: { result: AttributionResult; label: number; t: Translate }) {
  const multi = new Set(result.words.map((w) => w.word.slot)).size > 1;
  return (
    <details className="attr-table">
      <summary>{t('attr.table')}</summary>
      <table className="explain-table" data-testid="attr-table">
        <caption className="hint">{t('attr.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('attr.tableWord')}</th>
            {multi ? <th scope="col">{t('attr.tableSlot')}</th> : null}
            {result.labels.map((l, i) => (
              <th key={l} scope="col" className={i === label ? 'shown' : undefined}>
                Δp({l})
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.words.map((w, i) => (
            <tr key={i} data-testid="attr-row" data-index={i} data-word={w.word.text}>
              <th scope="row">{w.word.text}</th>
              {multi ? <td>[{w.word.slot}]</td> : null}
              {result.labels.map((l, j) => (
                <td key={l} className="num" data-label={l} data-delta={w.delta?.[j]}>
                  {w.delta ? signedPoints(t, w.delta[j] ?? 0) : '…'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The attribution of `target`, when it is the one explained (else nothing). */
export function AttributionPanel({ target, large = false }: { target: ExplainTarget; large?: boolean }) {
  const t = useT();
  const s = useExplain(
    useShallow((x) => ({
      active: sameTarget(x.target, target),
      mode: x.mode,
      status: x.status,
      result: x.result,
      inputs: x.inputs,
      label: x.label,
      error: x.error,
      problem: x.problem,
    })),
  );
  const maskToken = useWorkspace((w) => w.model.facts?.maskToken ?? '[MASK]');
  if (!s.active) return null;
  const { setMode, setLabel, close } = useExplain.getState();
  const r = s.result;
  const label = r ? (s.label ?? Math.max(0, r.original.winner)) : 0;
  const labelName = r?.labels[label] ?? '';
  const scored = r ? r.words.filter((w) => w.delta !== null).length : 0;
  const n = r?.words.length ?? 0;
  return (
    <section
      className={`attr-panel${large ? ' large' : ''}`}
      aria-label={t('attr.heading')}
      data-testid="attr-panel"
      data-status={s.status}
      data-mode={r?.mode}
    >
      <div className="attr-head">
        <strong>{t('attr.heading')}</strong>
        <fieldset className="attr-mode">
          <legend className="hint">{t('attr.mode')}</legend>
          {(['remove', 'mask'] as const).map((m) => (
            <label key={m}>
              <input
                type="radio"
                name={`attr-mode-${target.kind}`}
                checked={s.mode === m}
                onChange={() => setMode(m)}
                data-testid={`attr-mode-${m}`}
              />{' '}
              {m === 'remove' ? t('attr.mode.remove') : t('attr.mode.mask', { mask: maskToken })}
            </label>
          ))}
        </fieldset>
        {r ? (
          <label className="attr-label">
            {t('attr.label')}{' '}
            <select value={label} onChange={(e) => setLabel(Number(e.target.value))} data-testid="attr-label">
              {r.labels.map((l, i) => (
                <option key={l} value={i}>
                  {i === r.original.winner ? t('attr.predicted', { label: l }) : l}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button className="btn small" onClick={close} style={{ marginLeft: 'auto' }}>
          {t('attr.close')}
        </button>
      </div>
      {s.problem ? (
        <p className="message warning" role="status">
          {s.problem === 'no-model'
            ? t('attr.noModel')
            : s.problem === 'invalid'
              ? t('attr.invalid')
              : t('attr.modelChanged')}
        </p>
      ) : null}
      {s.error ? (
        <p className="message error" role="alert">
          <RuntimeErrorText failure={s.error} />
        </p>
      ) : null}
      {r && n === 0 ? <p className="empty">{t('attr.noWords')}</p> : null}
      {r && n > 0 ? (
        <>
          <Highlight result={r} inputs={s.inputs} label={label} labelName={labelName} t={t} />
          <p className="hint">{t('attr.legend', { label: labelName })}</p>
          <DeltaTable result={r} label={label} t={t} />
        </>
      ) : null}
      <p className="hint" role="status" data-testid="attr-cost" data-prompts={r?.prompts} data-run={r?.promptsRun}>
        {s.status === 'running'
          ? t('attr.progress', { done: scored, n: n || '…' })
          : r && s.status === 'done'
            ? r.promptsRun === r.prompts
              ? t('attr.cost', { run: r.promptsRun, n, n1: n + 1 })
              : t('attr.costCached', { needed: r.prompts, n, run: r.promptsRun })
            : null}
        {r && s.status === 'done' && r.prompts > n + 1 ? <> {t('attr.costExtra')}</> : null}
      </p>
    </section>
  );
}
