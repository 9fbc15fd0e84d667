import { labelBalance } from '../../core/diagnosis';
import type { Metrics } from '../../core/metrics';
import { percent } from '../../core/percent';
import { useT } from '../i18n';

/** Warns when one label dominates the gold labels (imbalanced data) or the predictions (a bias). */
export function BalanceWarnings({ labels, metrics }: { labels: string[]; metrics: Metrics }) {
  const t = useT();
  const balance = labelBalance(metrics);
  const warnings = [
    { testId: 'imbalance-warning', message: 'eval.dist.imbalanced', index: balance.dominantGold, counts: balance.gold },
    { testId: 'bias-warning', message: 'eval.dist.bias', index: balance.dominantPredicted, counts: balance.predicted },
  ] as const;
  return (
    <>
      {warnings.map((w) =>
        w.index >= 0 ? (
          <p key={w.testId} className="message warning" data-testid={w.testId}>
            {t(w.message, {
              label: labels[w.index]!,
              share: percent(w.counts[w.index]! / Math.max(1, metrics.n), 0),
            })}
          </p>
        ) : null,
      )}
    </>
  );
}
