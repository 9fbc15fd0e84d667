import { CartesianGrid, ErrorBar, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FewShotMethod, FewShotResult, MeanStd } from '../../../core/fewshot/types';
import { FEWSHOT_METHODS } from '../../../core/fewshot/types';
import { percent } from '../../../core/percent';
import type { FewShotMetric } from '../../../store/evaluation';
import { useT } from '../../i18n';
import { METHOD_KEYS, METHOD_STYLE } from './methods';

/** The summary's value of `metric` (null: not computed or undefined). */
export function metricOf(
  row: { accuracy: MeanStd; macroF1: MeanStd | null } | undefined,
  metric: FewShotMetric,
): MeanStd | null {
  if (!row) return null;
  return metric === 'accuracy' ? row.accuracy : row.macroF1;
}

/** The methods of a result in the fixed order (the config's choice). */
export function resultMethods(result: FewShotResult): FewShotMethod[] {
  return FEWSHOT_METHODS.filter((m) => result.config.methods.includes(m));
}

const axisTick = { fill: 'var(--text)', fontSize: 14 };

/**
 * Test accuracy (or macro-F1) against K, one line per method: the mean over the seeds, with the
 * standard deviation as error bars (cut at 0 and 100 %). The table beside it holds the same numbers.
 */
export function LearningCurve({ result, metric }: { result: FewShotResult; metric: FewShotMetric }) {
  const t = useT();
  const methods = resultMethods(result);
  const data = result.config.ks.map((k) => {
    const row: Record<string, number | string | [number, number] | null> = { k: `K = ${k}` };
    for (const m of methods) {
      const v = metricOf(
        result.summary.find((s) => s.method === m && s.k === k),
        metric,
      );
      row[m] = v ? v.mean : null;
      row[`${m}:err`] = v ? [Math.min(v.std, v.mean), Math.min(v.std, 1 - v.mean)] : null;
      row[`${m}:seeds`] = v ? v.seeds : null;
    }
    return row;
  });
  const names = Object.fromEntries(methods.map((m) => [m, t(METHOD_KEYS[m])]));
  return (
    <div role="img" aria-label={t('fewshot.chart.aria')} className="fewshot-curve" data-testid="fewshot-curve">
      <ResponsiveContainer width="100%" height={300}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis
            dataKey="k"
            tick={axisTick}
            tickLine={false}
            axisLine={{ stroke: 'var(--border)' }}
            interval={0}
            padding={{ left: 32, right: 32 }}
          />
          <YAxis
            domain={[0, 1]}
            tickFormatter={(v: number) => percent(v, 0)}
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
            width={48}
          />
          <Tooltip
            formatter={(value: unknown, name: unknown, item: { payload?: Record<string, unknown> }) => {
              const method = methods.find((m) => names[m] === name);
              const err = method ? item.payload?.[`${method}:err`] : null;
              const std = Array.isArray(err) ? Math.max(Number(err[0]), Number(err[1])) : 0;
              return [`${percent(Number(value))} ± ${(100 * std).toFixed(1)}`, String(name)];
            }}
            contentStyle={{
              background: 'var(--panel)',
              border: '1px solid var(--border)',
              borderRadius: 8,
              color: 'var(--text)',
            }}
          />
          <Legend
            wrapperStyle={{ fontSize: 14 }}
            itemSorter={null}
            // Names in the text colour: a light series colour (zero-shot's grey) is hard to read as text.
            formatter={(value: string) => <span style={{ color: 'var(--text)' }}>{value}</span>}
          />
          {methods.map((m) => (
            <Line
              key={m}
              dataKey={m}
              name={names[m]}
              stroke={METHOD_STYLE[m].color}
              strokeDasharray={METHOD_STYLE[m].dash || undefined}
              strokeWidth={2}
              dot={{ r: 3.5, fill: METHOD_STYLE[m].color }}
              isAnimationActive={false}
              connectNulls={false}
            >
              <ErrorBar
                dataKey={`${m}:err`}
                width={6}
                strokeWidth={1.5}
                stroke={METHOD_STYLE[m].color}
                direction="y"
                isAnimationActive={false}
              />
            </Line>
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
