import { useState } from 'react';
import {
  examplePrompt,
  exampleTruncation,
  SHOWN_INPUT_CHARS,
  type EvalSource,
  type ExamplePrediction,
} from '../../core/evaluation-results';
import type { EvaluationRun } from '../../core/evaluation';
import { usePrefs } from '../../store/prefs';
import { useEvaluation } from '../../store/evaluation';
import { AttributionPanel, ExplainButton } from '../components/WordAttribution';
import { useT } from '../i18n';
import { PromptSegments } from '../components/PromptSegments';
import { count } from './format';
import { percent } from '../../core/percent';

const PAGE = 20;

function PromptText({ run, template, example }: { run: EvaluationRun; template: number; example: number }) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const { layout, hiddenChars } = examplePrompt(run, template, example, SHOWN_INPUT_CHARS);
  return (
    <div className="rendered-prompt eval-prompt" data-testid="eval-prompt">
      <PromptSegments layout={layout} />
      {hiddenChars > 0 ? (
        <span className="hint" data-testid="eval-prompt-hidden">
          {' '}
          {t('eval.examples.hiddenChars', { n: count(hiddenChars, locale) })}
        </span>
      ) : null}
    </div>
  );
}

/** One example: gold vs predicted, the prompt(s) the model read, its label distribution and top [Z] tokens. */
function ExampleItem({
  run,
  source,
  prediction,
}: {
  run: EvaluationRun;
  source: EvalSource;
  prediction: ExamplePrediction;
}) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const example = run.examples[prediction.example]!;
  const cut = exampleTruncation(run, source, prediction.example);
  const goldIndex = run.labels.indexOf(example.gold);
  const templates = source === 'ensemble' ? run.templates.map((_, i) => i) : [source];
  const topSource = source === 'ensemble' ? 0 : source;
  const top = run.outcomes[topSource]?.[prediction.example]?.top ?? [];
  const calibrated = useEvaluation((s) => s.view.mode === 'calibrated');
  const labelWords = new Set(
    run.templates[topSource]?.words.filter((w) => w.status === 'single').map((w) => w.form.ids[0]) ?? [],
  );
  return (
    <li
      className={`eval-example ${prediction.correct ? 'correct' : 'wrong'}`}
      data-testid="eval-example"
      data-line={example.line}
    >
      <div className="eval-example-head">
        <span className="badge">
          {example.endLine > example.line
            ? t('eval.problem.lines', { from: example.line, to: example.endLine })
            : t('eval.problem.line', { line: example.line })}
        </span>
        <span>
          {t('eval.examples.gold')} <strong>{example.gold}</strong>
        </span>
        <span aria-hidden="true">→</span>
        <span>
          {t('eval.examples.predicted')}{' '}
          <strong className={prediction.correct ? 'ok-text' : 'error-text'}>{run.labels[prediction.predicted]}</strong>{' '}
          ({percent(prediction.confidence)})
        </span>
        <span
          className={`badge ${prediction.correct ? 'ok' : ''}`}
          style={prediction.correct ? undefined : { color: 'var(--error)' }}
        >
          {prediction.correct ? t('eval.examples.correct') : t('eval.examples.wrong')}
        </span>
        {cut ? (
          <span
            className="badge"
            style={{ color: 'var(--warning)' }}
            data-testid="eval-truncated"
            data-tokens={cut.tokens}
            title={t('eval.examples.truncatedTitle', {
              kept: count(
                cut.inputs.reduce((n, i) => n + i.kept, 0),
                locale,
              ),
            })}
          >
            {t('eval.examples.truncated', {
              n: count(cut.tokens, locale),
              slots: cut.inputs.map((i) => `[${i.slot}]`).join(', '),
            })}
          </span>
        ) : null}
      </div>
      <div className="eval-example-body">
        <div>
          {templates.map((ti) => (
            <div key={ti}>
              {templates.length > 1 ? (
                <p className="hint eval-example-template">{run.templates[ti]!.name || run.templates[ti]!.id}</p>
              ) : null}
              <PromptText run={run} template={ti} example={prediction.example} />
              {prediction.correct ? null : (
                <>
                  <ExplainButton
                    target={{ kind: 'evaluation', template: ti, example: prediction.example, calibrated }}
                    whyWrong
                  />
                  <AttributionPanel
                    target={{ kind: 'evaluation', template: ti, example: prediction.example, calibrated }}
                  />
                </>
              )}
            </div>
          ))}
          {top.length > 0 ? (
            <p className="eval-topk" aria-label={t('eval.examples.topk')}>
              <span className="hint">{t('eval.examples.topk')}:</span>{' '}
              {top.map((x) => (
                <span key={x.id} className={`eval-chip${labelWords.has(x.id) ? ' label-word' : ''}`}>
                  {x.token} <span className="hint">{percent(x.prob)}</span>
                </span>
              ))}
            </p>
          ) : null}
        </div>
        <div
          className="eval-mini-dist"
          role="img"
          aria-label={run.labels.map((l, i) => `${l} ${percent(prediction.probs[i])}`).join(', ')}
        >
          {run.labels.map((label, i) => (
            <div key={label} className="eval-mini-row">
              <span className={i === goldIndex ? 'gold' : undefined}>{label}</span>
              <div className="eval-mini-bar">
                <div
                  style={{ width: `${100 * (prediction.probs[i] ?? 0)}%` }}
                  className={i === prediction.predicted ? 'win' : undefined}
                />
              </div>
              <span className="num">{percent(prediction.probs[i])}</span>
            </div>
          ))}
        </div>
      </div>
    </li>
  );
}

/** A paged list of examples (misclassified ones, or those of one confusion-matrix cell). */
export function ExampleList({
  run,
  source,
  items,
  testId,
  empty,
}: {
  run: EvaluationRun;
  source: EvalSource;
  items: ExamplePrediction[];
  testId: string;
  empty: string;
}) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const [shown, setShown] = useState(PAGE);
  if (items.length === 0)
    return (
      <p className="empty" data-testid={testId}>
        {empty}
      </p>
    );
  return (
    <div data-testid={testId}>
      <ol className="eval-examples">
        {items.slice(0, shown).map((p) => (
          <ExampleItem key={p.example} run={run} source={source} prediction={p} />
        ))}
      </ol>
      {items.length > shown ? (
        <button className="btn" onClick={() => setShown((n) => n + PAGE)}>
          {t('eval.examples.more', { shown: count(shown, locale), total: count(items.length, locale) })}
        </button>
      ) : null}
    </div>
  );
}
