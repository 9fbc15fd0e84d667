import type { Metrics } from '../../core/metrics';
import { useT } from '../i18n';
import { percent } from '../../core/percent';

/** Longest label text drawn in full on the axes; longer ones are shortened with "…" (full name in the tooltip). */
const LABEL_CHARS = 14;

function short(label: string): string {
  return [...label].length > LABEL_CHARS ? [...label].slice(0, LABEL_CHARS - 1).join('') + '…' : label;
}

/** A label on an axis, shortened to fit, with its full name as the tooltip. */
function LabelText({
  label,
  x,
  y,
  anchor,
  centred = false,
}: {
  label: string;
  x: number;
  y: number;
  anchor: 'middle' | 'end';
  /** Centred vertically on y (row labels) rather than standing on it (column labels). */
  centred?: boolean;
}) {
  return (
    <text
      x={x}
      y={y}
      textAnchor={anchor}
      {...(centred ? { dominantBaseline: 'central' } : {})}
      fontSize={14}
      fill="var(--text)"
    >
      <title>{label}</title>
      {short(label)}
    </text>
  );
}

/**
 * The confusion matrix as a heatmap: rows are gold labels, columns predictions; a cell's colour is
 * its share of the row (so each label's recall reads along the diagonal). Cells are buttons (click,
 * Enter or Space); `data-cell="g-p"` finds one again (ResultsPanel returns focus to it).
 */
export function ConfusionHeatmap({
  metrics,
  selected,
  onSelect,
}: {
  metrics: Metrics;
  selected: [number, number] | null;
  onSelect(cell: [number, number]): void;
}) {
  const t = useT();
  const L = metrics.labels.length;
  const cell = Math.max(44, Math.min(92, Math.floor(520 / Math.max(1, L))));
  const left = 24 + 9 * Math.min(LABEL_CHARS, Math.max(...metrics.labels.map((l) => [...l].length), 4));
  const top = 56;
  const width = left + L * cell + 8;
  const height = top + L * cell + 8;
  const fontSize = cell >= 64 ? 18 : 14;
  return (
    <svg
      className="eval-svg eval-heatmap"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="group"
      aria-label={t('eval.confusion.aria')}
      data-testid="confusion-matrix"
    >
      <text x={left + (L * cell) / 2} y={14} textAnchor="middle" fontSize={13} fill="var(--muted)">
        {t('eval.confusion.predicted')}
      </text>
      <text
        x={10}
        y={top + (L * cell) / 2}
        textAnchor="middle"
        fontSize={13}
        fill="var(--muted)"
        transform={`rotate(-90 10 ${top + (L * cell) / 2})`}
      >
        {t('eval.confusion.gold')}
      </text>
      {metrics.labels.map((label, p) => (
        <LabelText key={`c${p}`} label={label} x={left + p * cell + cell / 2} y={top - 10} anchor="middle" />
      ))}
      {metrics.labels.map((label, g) => {
        const row = metrics.confusion[g] ?? [];
        const rowTotal = row.reduce((a, b) => a + b, 0);
        return (
          <g key={`r${g}`}>
            <LabelText label={label} x={left - 8} y={top + g * cell + cell / 2} anchor="end" centred />
            {row.map((n, p) => {
              const share = rowTotal > 0 ? n / rowTotal : 0;
              const isSelected = selected?.[0] === g && selected?.[1] === p;
              const strong = share > 0.55;
              const x = left + p * cell;
              const y = top + g * cell;
              const box = { x: x + 2, y: y + 2, width: cell - 4, height: cell - 4, rx: 6 };
              const select = () => onSelect([g, p]);
              return (
                <g
                  key={p}
                  role="button"
                  tabIndex={0}
                  className="eval-heat-cell"
                  aria-pressed={isSelected}
                  aria-label={t('eval.confusion.cellAria', { gold: label, predicted: metrics.labels[p]!, n })}
                  data-testid="confusion-cell"
                  data-cell={`${g}-${p}`}
                  data-gold={label}
                  data-predicted={metrics.labels[p]}
                  data-count={n}
                  onClick={select}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      select();
                    }
                  }}
                >
                  <rect {...box} fill="var(--panel-2)" />
                  <rect
                    {...box}
                    fill={g === p ? 'var(--eval-correct)' : 'var(--eval-wrong)'}
                    fillOpacity={n > 0 ? 0.12 + 0.88 * share : 0}
                  />
                  {g === p ? (
                    <rect {...box} fill="none" stroke="var(--eval-correct)" strokeWidth={1.5} strokeDasharray="4 3" />
                  ) : null}
                  <text
                    x={x + cell / 2}
                    y={y + cell / 2 - (cell >= 64 ? 7 : 0)}
                    textAnchor="middle"
                    dominantBaseline="central"
                    fontSize={fontSize}
                    fontWeight={600}
                    fill={strong ? '#ffffff' : 'var(--text)'}
                  >
                    {n}
                  </text>
                  {cell >= 64 ? (
                    <text
                      x={x + cell / 2}
                      y={y + cell / 2 + 13}
                      textAnchor="middle"
                      dominantBaseline="central"
                      fontSize={12}
                      fill={strong ? '#ffffff' : 'var(--muted)'}
                    >
                      {rowTotal > 0 ? percent(share, 0) : '—'}
                    </text>
                  ) : null}
                  {isSelected ? (
                    <rect {...box} fill="none" stroke="var(--text)" strokeWidth={3} data-export="omit" />
                  ) : null}
                </g>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}
