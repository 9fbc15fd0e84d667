import type { ReactNode } from 'react';
import { useT } from '../i18n';

/**
 * A result's headline ("Prediction: positive (89.3%)"). Every headline of a result goes through
 * here, so one whose inputs changed since it was computed — an invalid template, an edit not yet
 * scored — is greyed and says "not current" (to screen readers too: the label is part of its text).
 */
export function ResultHeadline({
  stale,
  className = 'winner',
  testId = 'winner',
  children,
}: {
  stale: boolean;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <p
      className={`${className} result-headline${stale ? ' is-stale' : ''}`}
      data-testid={testId}
      data-stale={stale || undefined}
    >
      <span className="result-headline-text">{children}</span>
      {stale ? (
        <>
          {' '}
          <span className="stale-label" title={t('result.notCurrentHint')} data-testid="not-current">
            {t('result.notCurrent')}
          </span>
        </>
      ) : null}
    </p>
  );
}
