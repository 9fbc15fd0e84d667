import { useRef, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Metrics } from '../../core/metrics';
import { useT } from '../i18n';
import { downloadSvgAsPng } from '../download';
import { percent } from '../../core/percent';

export const SERIES_COLORS = [
  'var(--eval-s1)',
  'var(--eval-s2)',
  'var(--eval-s3)',
  'var(--eval-s4)',
  'var(--eval-s5)',
  'var(--eval-s6)',
];

/** A chart with a title and a "PNG" button that saves exactly what is drawn. */
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
            const svg = ref.current?.querySelector('svg.recharts-surface, svg.eval-svg');
            if (svg instanceof SVGSVGElement) {
              setError(null);
              downloadSvgAsPng(svg, fileName, title).catch(() => setError(t('eval.export.pngFailed')));
            }
          }}
          aria-label={t('eval.export.pngAria', { chart: title })}
        >
          {t('eval.export.png')}
        </button>
      </figcaption>
      {children}
      {error ? <p className="message error">{error}</p> : null}
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

/** Precision, recall and F1 per label as grouped bars. */
export function PerLabelChart({ metrics }: { metrics: Metrics }) {
  const t = useT();
  const data = metrics.perLabel.map((m) => ({ label: m.label, precision: m.precision, recall: m.recall, f1: m.f1 }));
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 0 }} barCategoryGap="22%">
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="label" tick={axisTick} tickLine={false} axisLine={{ stroke: 'var(--border)' }} interval={0} />
        <YAxis {...percentAxis} />
        <Tooltip
          formatter={(v: unknown) => percent(Number(v))}
          contentStyle={tooltipStyle}
          cursor={{ fill: 'var(--panel-2)' }}
        />
        <Legend wrapperStyle={{ fontSize: 14 }} itemSorter={null} />
        <Bar
          dataKey="precision"
          name={t('eval.metric.precision')}
          fill={SERIES_COLORS[0]}
          isAnimationActive={false}
          radius={[4, 4, 0, 0]}
        />
        <Bar
          dataKey="recall"
          name={t('eval.metric.recall')}
          fill={SERIES_COLORS[1]}
          isAnimationActive={false}
          radius={[4, 4, 0, 0]}
        />
        <Bar
          dataKey="f1"
          name={t('eval.metric.f1')}
          fill={SERIES_COLORS[2]}
          isAnimationActive={false}
          radius={[4, 4, 0, 0]}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** How many examples have each label, and how many the model assigned to it. */
export function DistributionChart({ metrics }: { metrics: Metrics }) {
  const t = useT();
  const data = metrics.perLabel.map((m) => ({ label: m.label, gold: m.support, predicted: m.predicted }));
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 0 }} barCategoryGap="25%">
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="label" tick={axisTick} tickLine={false} axisLine={{ stroke: 'var(--border)' }} interval={0} />
        <YAxis allowDecimals={false} tick={{ fill: 'var(--muted)', fontSize: 12 }} width={48} />
        <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--panel-2)' }} />
        <Legend wrapperStyle={{ fontSize: 14 }} itemSorter={null} />
        <Bar
          dataKey="gold"
          name={t('eval.dist.gold')}
          fill={SERIES_COLORS[3]}
          isAnimationActive={false}
          radius={[4, 4, 0, 0]}
        />
        <Bar
          dataKey="predicted"
          name={t('eval.dist.predicted')}
          fill={SERIES_COLORS[0]}
          isAnimationActive={false}
          radius={[4, 4, 0, 0]}
        />
      </BarChart>
    </ResponsiveContainer>
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
    <ResponsiveContainer width="100%" height={280}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 0 }} barCategoryGap="18%">
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="metric" tick={axisTick} tickLine={false} axisLine={{ stroke: 'var(--border)' }} />
        <YAxis {...percentAxis} />
        <Tooltip
          formatter={(v: unknown) => percent(Number(v))}
          contentStyle={tooltipStyle}
          cursor={{ fill: 'var(--panel-2)' }}
        />
        <Legend wrapperStyle={{ fontSize: 14 }} itemSorter={null} />
        {rows.map((r, i) => (
          <Bar
            key={i}
            dataKey={`s${i}`}
            name={r.name}
            fill={SERIES_COLORS[i % SERIES_COLORS.length]}
            isAnimationActive={false}
            radius={[4, 4, 0, 0]}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
