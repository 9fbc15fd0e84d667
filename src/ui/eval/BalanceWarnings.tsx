import { labelBalance } from '../../core/evaluation';
import type { Metrics } from '../../core/metrics';
import { percent } from '../../core/percent';
import { useT } from '../i18n';

/** Warns when one label dominates the gold labels (imbalanced data) or the predictions (a bias). */
export function BalanceWarnings({ labels, metrics }: { labels: string[]; metrics: Metrics }) {
  const t = useT();
  const balance = labelBalance(metrics);
  return (
    <>
      {balance.dominantGold >= 0 ? (
        <p className="message warning" data-testid="imbalance-warning">
          {t('eval.dist.imbalanced', {
            label: labels[balance.dominantGold]!,
            share: percent(balance.gold[balance.dominantGold]! / Math.max(1, metrics.n), 0),
          })}
        </p>
      ) : null}
      {balance.dominantPredicted >= 0 ? (
        <p className="message warning" data-testid="bias-warning">
          {t('eval.dist.bias', {
            label: labels[balance.dominantPredicted]!,
            share: percent(balance.predicted[balance.dominantPredicted]! / Math.max(1, metrics.n), 0),
          })}
        </p>
      ) : null}
    </>
  );
}
