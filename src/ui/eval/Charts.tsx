import { useRef, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Metrics } from '../../core/metrics';
import { useT } from '../i18n';
import { downloadChartPng } from './chartExport';
import { percent } from '../../core/percent';

export const SERIES_COLORS = [
  'var(--eval-s1)',
  'var(--eval-s2)',
  'var(--eval-s3)',
  'var(--eval-s4)',
  'var(--eval-s5)',
  'var(--eval-s6)',
];

/**
 * A chart with a title and a "PNG" button. The PNG is this whole frame as drawn — title (in full),
 * plot and legend — without the button and transient state (chartExport.ts); keep help text and
 * warnings outside the frame.
 */
export function ChartFrame({
  title,
  fileName,
  children,
  testId,
}: {
  title: string;
  fileName: string;
  children: ReactNode;
  testId?: string;
}) {
  const t = useT();
  const ref = useRef<HTMLElement>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <figure className="eval-chart" ref={ref} data-testid={testId}>
      <figcaption>
        <span>{title}</span>
        <button
          className="btn small"
          onClick={() => {
            if (!ref.current) return;
            setError(null);
            downloadChartPng(ref.current, title, fileName).catch(() => setError(t('eval.export.pngFailed')));
          }}
          aria-label={t('eval.export.pngAria', { chart: title })}
        >
          {t('eval.export.png')}
        </button>
      </figcaption>
      {children}
      {error ? (
        <p className="message error" data-export="omit">
          {error}
        </p>
      ) : null}
    </figure>
  );
}

const axisTick = { fill: 'var(--text)', fontSize: 14 };
const percentAxis = {
  domain: [0, 1] as [number, number],
  tickFormatter: (v: number) => percent(v, 0),
  tick: { fill: 'var(--muted)', fontSize: 12 },
  width: 48,
};
const tooltipStyle = {
  background: 'var(--panel)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  color: 'var(--text)',
};

/** One series of bars: its key in the data rows, its legend name, its colour. */
interface Series {
  key: string;
  name: string;
  color: string;
}

/**
 * Bars grouped by category, one colour per series. `values` picks the y axis: shares in [0, 1]
 * shown as percentages, or whole counts.
 */
function GroupedBarChart({
  data,
  category,
  series,
  values,
  height,
  categoryGap,
  everyCategoryTick = false,
}: {
  data: Record<string, string | number | null>[];
  category: string;
  series: Series[];
  values: 'share' | 'count';
  height: number;
  categoryGap: string;
  /** Name every category on the x axis, even when the names crowd it. */
  everyCategoryTick?: boolean;
}) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 0 }} barCategoryGap={categoryGap}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis
          dataKey={category}
          tick={axisTick}
          tickLine={false}
          axisLine={{ stroke: 'var(--border)' }}
          {...(everyCategoryTick ? { interval: 0 } : {})}
        />
        {values === 'share' ? (
          <YAxis {...percentAxis} />
        ) : (
          <YAxis allowDecimals={false} tick={{ fill: 'var(--muted)', fontSize: 12 }} width={48} />
        )}
        <Tooltip
          {...(values === 'share' ? { formatter: (v: unknown) => percent(Number(v)) } : {})}
          contentStyle={tooltipStyle}
          cursor={{ fill: 'var(--panel-2)' }}
        />
        <Legend wrapperStyle={{ fontSize: 14 }} itemSorter={null} />
        {series.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.name}
            fill={s.color}
            isAnimationActive={false}
            radius={[4, 4, 0, 0]}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Precision, recall and F1 per label as grouped bars. */
export function PerLabelChart({ metrics }: { metrics: Metrics }) {
  const t = useT();
  const data = metrics.perLabel.map((m) => ({ label: m.label, precision: m.precision, recall: m.recall, f1: m.f1 }));
  return (
    <GroupedBarChart
      data={data}
      category="label"
      series={[
        { key: 'precision', name: t('eval.metric.precision'), color: SERIES_COLORS[0]! },
        { key: 'recall', name: t('eval.metric.recall'), color: SERIES_COLORS[1]! },
        { key: 'f1', name: t('eval.metric.f1'), color: SERIES_COLORS[2]! },
      ]}
      values="share"
      height={260}
      categoryGap="22%"
      everyCategoryTick
    />
  );
}

/** How many examples have each label, and how many the model assigned to it. */
export function DistributionChart({ metrics }: { metrics: Metrics }) {
  const t = useT();
  const data = metrics.perLabel.map((m) => ({ label: m.label, gold: m.support, predicted: m.predicted }));
  return (
    <GroupedBarChart
      data={data}
      category="label"
      series={[
        { key: 'gold', name: t('eval.dist.gold'), color: SERIES_COLORS[3]! },
        { key: 'predicted', name: t('eval.dist.predicted'), color: SERIES_COLORS[0]! },
      ]}
      values="count"
      height={240}
      categoryGap="25%"
      everyCategoryTick
    />
  );
}

/** Accuracy, macro-F1 and micro-F1 per template (and the ensemble) as grouped bars. */
export function ComparisonChart({ rows }: { rows: { name: string; metrics: Metrics }[] }) {
  const t = useT();
  const data = [
    { metric: t('eval.metric.accuracy'), ...Object.fromEntries(rows.map((r, i) => [`s${i}`, r.metrics.accuracy])) },
    { metric: t('eval.metric.macroF1'), ...Object.fromEntries(rows.map((r, i) => [`s${i}`, r.metrics.macroF1])) },
    { metric: t('eval.metric.microF1'), ...Object.fromEntries(rows.map((r, i) => [`s${i}`, r.metrics.microF1])) },
  ];
  return (
    <GroupedBarChart
      data={data}
      category="metric"
      series={rows.map((r, i) => ({ key: `s${i}`, name: r.name, color: SERIES_COLORS[i % SERIES_COLORS.length]! }))}
      values="share"
      height={280}
      categoryGap="18%"
    />
  );
}
