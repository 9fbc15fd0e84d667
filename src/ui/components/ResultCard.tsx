import {
  Bar,
  BarChart,
  Cell,
  LabelList,
  Rectangle,
  ResponsiveContainer,
  XAxis,
  YAxis,
  type BarShapeProps,
} from 'recharts';
import type { RowResult } from '../../store/workspace';
import { probabilityPercent } from '../../core/percent';
import { useT } from '../i18n';
import { PromptSegments } from './PromptSegments';
import { useIssueText } from '../i18n/issues';
import { ResultHeadline } from './ResultHeadline';
import { TokenMarkerNote } from './TokenMarkerNote';

/**
 * The bar's own shape. Recharts leaves out bars of zero width — and their value labels with them,
 * so a label at 0% showed no value; with a shape of ours every bar is kept and labelled.
 */
const barShape = (props: BarShapeProps) => <Rectangle {...props} />;

/** One label's probability per bar; the winner in a stronger colour. `fontSize` scales the labels (presentation mode). */
export function LabelChart({
  result,
  height,
  fontSize = 14,
}: {
  result: RowResult;
  height: number;
  fontSize?: number;
}) {
  const t = useT();
  const { labels, probs, winner } = result.scores;
  const data = labels.map((label, i) => ({ label, prob: probs[i] ?? 0 }));
  const summary = data.map((d) => `${d.label} ${probabilityPercent(d.prob)}`).join(', ');
  return (
    <figure className="chart-area" style={{ margin: 0 }} role="img" aria-label={t('result.chartAria', { summary })}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 4 * fontSize, bottom: 4, left: 8 }}>
          <XAxis type="number" domain={[0, 1]} hide />
          <YAxis
            type="category"
            dataKey="label"
            width={(110 * fontSize) / 14}
            tickLine={false}
            axisLine={false}
            tick={{ fill: 'var(--text)', fontSize }}
          />
          <Bar
            dataKey="prob"
            shape={barShape}
            radius={[0, 6, 6, 0]}
            isAnimationActive={false}
            background={{ fill: 'var(--panel-2)', radius: 6 }}
          >
            {data.map((d, i) => (
              // eslint-disable-next-line @typescript-eslint/no-deprecated -- works in Recharts 3; moving to Bar's `shape` prop belongs with the Recharts 4 upgrade
              <Cell
                key={d.label}
                fill={i === winner ? 'var(--bar-win)' : 'var(--bar)'}
                fillOpacity={i === winner ? 1 : 0.55}
              />
            ))}
            <LabelList
              dataKey="prob"
              position="right"
              formatter={(v: unknown) => probabilityPercent(Number(v))}
              style={{ fill: 'var(--text)', fontSize: fontSize - 1 }}
            />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      {/* Exact numbers for screen readers and for tests that read the page. */}
      <table className="visually-hidden" data-testid="label-probs">
        <tbody>
          {data.map((d) => (
            <tr key={d.label} data-label={d.label} data-prob={d.prob}>
              <th>{d.label}</th>
              <td>{d.prob}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function RenderedPrompt({ result }: { result: RowResult }) {
  const t = useT();
  return (
    <div className="rendered-prompt" aria-label={t('result.renderedPrompt')} data-testid="rendered-prompt">
      <PromptSegments layout={result.layout} read={result.inputsRead} />
    </div>
  );
}

export function ResultCard({
  result,
  stale,
  labelWordIds,
  chartHeight,
}: {
  result: RowResult;
  stale: boolean;
  labelWordIds: ReadonlySet<number>;
  chartHeight?: number;
}) {
  const t = useT();
  const issues = useIssueText();
  const { scores } = result;
  const winnerLabel = scores.labels[scores.winner];
  const maskSet = new Set(result.maskPositions);
  const height = chartHeight ?? Math.max(80, 36 * scores.labels.length + 16);
  return (
    <div className={`result-card${stale ? ' stale' : ''}`} data-testid="result-card" data-stale={stale || undefined}>
      <div>
        <ResultHeadline stale={stale}>
          {winnerLabel !== undefined ? (
            <>
              {t('result.prediction')} <strong>{winnerLabel}</strong> (
              {probabilityPercent(scores.probs[scores.winner] ?? 0)}){scores.flags.tie ? ` · ${t('result.tie')}` : ''}
              {scores.flags.calibrated ? (
                <span className="badge accent" style={{ marginLeft: 8 }}>
                  {t('result.calibrated')}
                </span>
              ) : null}
            </>
          ) : (
            t('result.noLabels')
          )}
        </ResultHeadline>
        <LabelChart result={result} height={height} />
        <p className="hint" style={{ marginTop: 2 }}>
          {t('step.prompt')}
        </p>
        <RenderedPrompt result={result} />
        {result.truncatedTokens > 0 ? (
          <p className="message warning" role="status">
            {t('result.truncated', { n: result.truncatedTokens })}
          </p>
        ) : null}
        {scores.warnings
          .filter((w) => w.code !== 'truncated')
          .map((w, i) => (
            <p key={i} className="message warning" role="status">
              {issues.text(w)}
            </p>
          ))}
        <details>
          <summary className="hint">{t('result.tokens', { n: result.tokens.length })}</summary>
          <div className="token-list" aria-label={t('result.tokensAria')}>
            {result.tokens.map((token, i) => (
              <span
                key={i}
                className={
                  maskSet.has(i) ? 'mask' : /^(\[(CLS|SEP|PAD)\]|<s>|<\/s>|<pad>)$/.test(token) ? 'special' : undefined
                }
              >
                {token}
              </span>
            ))}
          </div>
          <TokenMarkerNote tokens={result.tokens} />
        </details>
      </div>
      <div>
        <p className="hint" style={{ marginTop: 0 }}>
          {t('step.predict')}
        </p>
        <ol className="topk" aria-label={t('result.topk')} data-testid="topk">
          {result.top.map((entry, i) => (
            <li
              key={entry.id}
              className={labelWordIds.has(entry.id) ? 'label-word' : undefined}
              title={labelWordIds.has(entry.id) ? t('result.isLabelWord') : undefined}
            >
              <span className="prob">{i + 1}.</span>
              <span>{entry.token}</span>
              <span className="prob">{probabilityPercent(entry.prob)}</span>
            </li>
          ))}
        </ol>
        <p className="hint">{t('result.topkHint')}</p>
        <TokenMarkerNote tokens={result.top.map((entry) => entry.token)} />
      </div>
    </div>
  );
}
