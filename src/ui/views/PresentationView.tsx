// Presentation mode, for a projector: large type, the rendered prompt and the chart front and
// centre, the setup collapsed, the step-by-step explainer one click away. Esc leaves. A clicker's
// keys (Page Up / Page Down, the arrow keys) move between inputs; the input and its chart fit on a
// 1024×768 projector without scrolling.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isTestModelId } from '../../core/models';
import { parseTemplate } from '../../core/template';
import { formatVerbalizer } from '../../core/verbalizer';
import { rowSignature } from '../../store/live';
import { isEmptyInput } from '../../store/template-rows';
import { usePrefs } from '../../store/prefs';
import { activeTemplate, useWorkspace } from '../../store/workspace';
import { PipelineExplainer } from '../components/PipelineExplainer';
import { LabelChart, RenderedPrompt } from '../components/ResultCard';
import { AttributionPanel, ExplainButton } from '../components/WordAttribution';
import { ResultHeadline } from '../components/ResultHeadline';
import { TokenMarkerNote } from '../components/TokenMarkerNote';
import { probabilityPercent } from '../../core/percent';
import { useT } from '../i18n';
import '../classroom.css';

/** Keys that move between inputs: what a presentation clicker sends, and the arrows outside text fields. */
function clickerStep(event: KeyboardEvent): -1 | 0 | 1 {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return 0;
  if (event.key === 'PageDown') return 1;
  if (event.key === 'PageUp') return -1;
  // In a text field the arrows move the caret.
  const target = event.target instanceof HTMLElement ? event.target : null;
  if (target && (target.isContentEditable || /^(TEXTAREA|INPUT|SELECT)$/.test(target.tagName))) return 0;
  if (event.key === 'ArrowRight' || event.key === 'ArrowDown') return 1;
  if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') return -1;
  return 0;
}

export function PresentationView() {
  const t = useT();
  const setPresentation = usePrefs((s) => s.setPresentation);
  const { setup, rows, pending, status } = useWorkspace(
    useShallow((s) => ({ setup: s.setup, rows: s.rows, pending: s.pending, status: s.model.status })),
  );
  const [row, setRow] = useState(0);
  const index = Math.min(row, Math.max(0, setup.inputs.length - 1));
  const signature = useWorkspace((s) => rowSignature(s, index));
  const result = rows[index] ?? null;
  const template = activeTemplate(setup);
  const parse = useMemo(() => parseTemplate(template.text), [template.text]);
  const slots = parse.ok && parse.template.slots.length > 0 ? parse.template.slots : ['X'];
  const stale = !!result && (pending || result.signature !== signature);

  const count = setup.inputs.length;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      if (event.key === 'Escape') {
        setPresentation(false);
        return;
      }
      const step = clickerStep(event);
      if (step === 0) return;
      event.preventDefault();
      setRow((r) => Math.max(0, Math.min(count - 1, Math.min(r, count - 1) + step)));
    };
    window.addEventListener('keydown', onKey);
    document.documentElement.classList.add('presenting');
    return () => {
      window.removeEventListener('keydown', onKey);
      document.documentElement.classList.remove('presenting');
    };
  }, [setPresentation, count]);

  const scores = result?.scores;
  return (
    <main className="presentation" data-testid="presentation">
      <div className="presentation-bar">
        <div>
          <h2 className="presentation-title">{setup.name || t('preview.unnamed')}</h2>
          <p className="presentation-model">
            <code>{setup.model.id}</code>{' '}
            {isTestModelId(setup.model.id) ? <span className="badge test">{t('model.testBadgeLong')}</span> : null}
          </p>
        </div>
        <div className="row">
          <button
            className="btn"
            onClick={() => setRow(index - 1)}
            disabled={index === 0}
            aria-label={t('present.previousInput')}
          >
            ◀
          </button>
          <span className="presentation-count" title={t('present.keysHint')} data-testid="present-count">
            {t('present.inputOf', { n: index + 1, total: setup.inputs.length })}
          </span>
          <button
            className="btn"
            onClick={() => setRow(index + 1)}
            disabled={index >= setup.inputs.length - 1}
            aria-label={t('present.nextInput')}
          >
            ▶
          </button>
          <button className="btn" onClick={() => setPresentation(false)} data-testid="present-exit">
            {t('present.exit')}
          </button>
        </div>
      </div>

      <div className="presentation-inputs">
        {slots.map((slot) => (
          <label key={slot} className="field">
            {slots.length > 1 ? `[${slot}]` : t('present.input')}
            <textarea
              rows={1}
              value={setup.inputs[index]?.[slot] ?? ''}
              onChange={(e) => useWorkspace.getState().setInput(index, slot, e.target.value)}
              aria-label={t('inputs.slotAria', { n: index + 1, slot })}
            />
          </label>
        ))}
      </div>

      {status !== 'ready' && !result ? <p className="message info">{t('explain.noModel')}</p> : null}
      {isEmptyInput(setup.inputs[index], slots) ? (
        <p className="empty" data-testid="input-empty">
          {t('inputs.typeSomething')}
        </p>
      ) : result && scores ? (
        <div className={`presentation-main${stale ? ' stale' : ''}`}>
          <section className="presentation-prompt" aria-label={t('step.prompt')}>
            <p className="presentation-caption">x′ = f_prompt(x)</p>
            <RenderedPrompt result={result} />
            {result.truncatedTokens > 0 ? (
              <p className="message warning" role="status" data-testid="present-truncated">
                {t('result.truncated', { n: result.truncatedTokens })}
              </p>
            ) : null}
          </section>
          <section
            className="presentation-chart result-card"
            aria-label={t('present.chart')}
            data-testid="result-card"
            data-stale={stale || undefined}
          >
            <ResultHeadline stale={stale} className="presentation-winner">
              {t('result.prediction')} <strong>{scores.labels[scores.winner] ?? '—'}</strong>{' '}
              {scores.winner >= 0 ? `(${probabilityPercent(scores.probs[scores.winner] ?? 0)})` : ''}
            </ResultHeadline>
            <LabelChart result={result} height={Math.max(160, 64 * scores.labels.length + 24)} fontSize={26} />
          </section>
          <section className="presentation-topk" aria-label={t('result.topk')}>
            <p className="presentation-caption">{t('result.topk')}</p>
            <ol>
              {result.top.slice(0, 6).map((entry) => (
                <li key={entry.id}>
                  <span>{entry.token}</span> <span className="prob">{probabilityPercent(entry.prob)}</span>
                </li>
              ))}
            </ol>
            <TokenMarkerNote tokens={result.top.slice(0, 6).map((entry) => entry.token)} />
          </section>
        </div>
      ) : null}
      {result && scores && !isEmptyInput(setup.inputs[index], slots) ? (
        <div className="presentation-attribution">
          <ExplainButton target={{ kind: 'playground', row: index }} />
          <AttributionPanel target={{ kind: 'playground', row: index }} large />
        </div>
      ) : null}

      <details className="presentation-setup panel">
        <summary>{t('present.setup')}</summary>
        <dl className="setup-preview">
          <dt>{t('preview.model')}</dt>
          <dd>
            <code>{setup.model.id}</code>
          </dd>
          <dt>{t('preview.template')}</dt>
          <dd>
            <code>{template.text}</code>
          </dd>
          <dt>{t('verbalizer.label')}</dt>
          <dd>
            <pre className="mono">{formatVerbalizer(setup.verbalizer)}</pre>
          </dd>
        </dl>
      </details>
      <details className="presentation-explain">
        <summary>{t('present.stepByStep')}</summary>
        <PipelineExplainer row={index} large />
      </details>
    </main>
  );
}
