import { useState } from 'react';
import { gridTable, type GridMetric, type GridTable } from '../../core/grid-report';
import type { GridCellKey } from '../../core/grid';
import type { GridResult } from '../../core/grid-run';
import { percent } from '../../core/percent';
import { MAIN_VERBALIZER } from '../../core/setup';
import { useT, type Translate } from '../i18n';
import { ChartFrame } from './Charts';

type Sort = { by: 'column' | 'row'; index: number; descending: boolean } | null;

/** Rows (or columns) in the order of one column's (row's) values; cells without a value last. */
function order(n: number, value: (i: number) => number | null | undefined, descending: boolean): number[] {
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const va = value(a) ?? -1;
    const vb = value(b) ?? -1;
    return descending ? vb - va || a - b : va - vb || a - b;
  });
}

export const rowName = (t: Translate, row: GridTable['rows'][number]) =>
  `${row.templateName || row.templateId} · ${row.verbalizerName === MAIN_VERBALIZER ? t('grid.mainVerbalizer') : row.verbalizerName}`;
export const columnName = (t: Translate, col: GridTable['columns'][number]) =>
  `${col.modelId} · ${col.calibrate ? t('grid.calibrated') : t('grid.uncalibrated')}`;

/** Sequential colour for a value in [0, 1] (light → the accent colour). */
const shade = (v: number) => 0.08 + 0.85 * Math.max(0, Math.min(1, v));

/**
 * The grid as a ChainForge-style heatmap (SVG, exported as PNG) and the same numbers as a table:
 * rows template × verbalizer, columns model × calibration. Column and row headers of the table sort
 * by that column / row; a cell (in either) opens its full results.
 */
export function GridHeatmap({
  result,
  open,
  onOpen,
}: {
  result: GridResult;
  open: GridCellKey | null;
  onOpen(key: GridCellKey): void;
}) {
  const t = useT();
  const [metric, setMetric] = useState<GridMetric>('accuracy');
  const [sort, setSort] = useState<Sort>(null);
  const table = gridTable(result);
  const values = table[metric];
  const rows =
    sort?.by === 'column'
      ? order(table.rows.length, (r) => values[r]![sort.index], sort.descending)
      : table.rows.map((_, i) => i);
  const cols =
    sort?.by === 'row'
      ? order(table.columns.length, (c) => values[sort.index]![c], sort.descending)
      : table.columns.map((_, i) => i);
  const keyOf = (r: number, c: number): GridCellKey => ({
    template: table.rows[r]!.template,
    verbalizer: table.rows[r]!.verbalizer,
    model: table.columns[c]!.model,
    calibration: table.columns[c]!.calibration,
  });
  const isOpen = (r: number, c: number) => {
    const k = keyOf(r, c);
    return (
      open !== null &&
      open.template === k.template &&
      open.verbalizer === k.verbalizer &&
      open.model === k.model &&
      open.calibration === k.calibration
    );
  };
  const toggle = (by: 'column' | 'row', index: number) =>
    setSort((s) =>
      s?.by === by && s.index === index ? { by, index, descending: !s.descending } : { by, index, descending: true },
    );
  const metricName = metric === 'accuracy' ? t('grid.accuracy') : t('grid.macroF1');

  const cell = 64;
  const left = 260;
  const top = 200;
  // Room on the right for the slanted column names and for the legend.
  const width = Math.max(left + cols.length * cell + 260, left + 260);
  const height = top + rows.length * cell + 48;
  const clip = (s: string, n: number) => ([...s].length > n ? [...s].slice(0, n - 1).join('') + '…' : s);

  return (
    <div data-testid="grid-results">
      <div className="row" role="group" aria-label={t('grid.metric')}>
        {(['accuracy', 'macroF1'] as const).map((m) => (
          <button
            key={m}
            className={`btn small${metric === m ? ' primary' : ''}`}
            aria-pressed={metric === m}
            onClick={() => setMetric(m)}
            data-testid={`grid-metric-${m}`}
          >
            {m === 'accuracy' ? t('grid.accuracy') : t('grid.macroF1')}
          </button>
        ))}
      </div>
      <ChartFrame
        title={t('grid.heatmapTitle', { metric: metricName })}
        fileName={`grid-${metric}`}
        testId="grid-heatmap-figure"
      >
        <svg
          className="eval-svg"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="group"
          aria-label={t('grid.heatmapAria', { metric: metricName })}
        >
          {cols.map((c, j) => (
            <text
              key={c}
              x={left + j * cell + cell / 2}
              y={top - 8}
              fontSize={12}
              fill="var(--text)"
              transform={`rotate(-40 ${left + j * cell + cell / 2} ${top - 8})`}
            >
              <title>{columnName(t, table.columns[c]!)}</title>
              {clip(columnName(t, table.columns[c]!), 44)}
            </text>
          ))}
          {rows.map((r, i) => (
            <g key={r}>
              <text
                x={left - 8}
                y={top + i * cell + cell / 2}
                textAnchor="end"
                dominantBaseline="central"
                fontSize={13}
                fill="var(--text)"
              >
                <title>{rowName(t, table.rows[r]!)}</title>
                {clip(rowName(t, table.rows[r]!), 34)}
              </text>
              {cols.map((c, j) => {
                const v = values[r]![c];
                const x = left + j * cell;
                const y = top + i * cell;
                const box = { x: x + 2, y: y + 2, width: cell - 4, height: cell - 4, rx: 6 };
                const select = () => onOpen(keyOf(r, c));
                return (
                  <g
                    key={c}
                    role="button"
                    tabIndex={0}
                    className="eval-heat-cell"
                    aria-pressed={isOpen(r, c)}
                    aria-label={t('grid.cellAria', {
                      row: rowName(t, table.rows[r]!),
                      column: columnName(t, table.columns[c]!),
                      value: v == null ? '—' : percent(v),
                    })}
                    data-testid="grid-cell"
                    data-row={r}
                    data-column={c}
                    data-value={v ?? ''}
                    onClick={select}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        select();
                      }
                    }}
                  >
                    <rect {...box} fill="var(--panel-2)" />
                    {v != null ? <rect {...box} fill="var(--accent)" fillOpacity={shade(v)} /> : null}
                    <text
                      x={x + cell / 2}
                      y={y + cell / 2}
                      textAnchor="middle"
                      dominantBaseline="central"
                      fontSize={14}
                      fontWeight={600}
                      fill={v != null && v > 0.55 ? '#ffffff' : 'var(--text)'}
                    >
                      {v == null ? '—' : percent(v, 0)}
                    </text>
                    {isOpen(r, c) ? (
                      <rect {...box} fill="none" stroke="var(--text)" strokeWidth={3} data-export="omit" />
                    ) : null}
                  </g>
                );
              })}
            </g>
          ))}
          {/* Colour legend: 0 % → 100 %. */}
          <defs>
            <linearGradient id="grid-legend">
              <stop offset="0%" stopColor="var(--accent)" stopOpacity={shade(0)} />
              <stop offset="100%" stopColor="var(--accent)" stopOpacity={shade(1)} />
            </linearGradient>
          </defs>
          <g aria-label={t('grid.legend')} data-testid="grid-legend">
            <text x={left} y={height - 24} fontSize={12} fill="var(--muted)">
              {t('grid.legend')}
            </text>
            <text x={left} y={height - 6} fontSize={12} fill="var(--text)">
              0 %
            </text>
            <rect x={left + 30} y={height - 18} width={160} height={12} fill="url(#grid-legend)" />
            <text x={left + 196} y={height - 6} fontSize={12} fill="var(--text)">
              100 %
            </text>
          </g>
        </svg>
      </ChartFrame>
      <table className="eval-table" data-testid="grid-table">
        <caption>{t('grid.tableCaption', { metric: metricName })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('grid.rowHeader')}</th>
            {cols.map((c) => (
              <th
                key={c}
                scope="col"
                aria-sort={
                  sort?.by === 'column' && sort.index === c ? (sort.descending ? 'descending' : 'ascending') : 'none'
                }
              >
                <button className="btn small" onClick={() => toggle('column', c)} data-testid="grid-sort-column">
                  {columnName(t, table.columns[c]!)}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r}>
              <th scope="row">
                <button
                  className="btn small"
                  onClick={() => toggle('row', r)}
                  data-testid="grid-sort-row"
                  title={t('grid.sortRow')}
                >
                  {rowName(t, table.rows[r]!)}
                </button>
              </th>
              {cols.map((c) => {
                const v = values[r]![c];
                return (
                  <td key={c} className="num">
                    <button className="link-button" onClick={() => onOpen(keyOf(r, c))} data-testid="grid-table-cell">
                      {v == null ? '—' : percent(v)}
                    </button>{' '}
                    <span className="hint">n = {table.n[r]![c]}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
