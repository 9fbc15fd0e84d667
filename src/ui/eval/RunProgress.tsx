import type { ReactNode } from 'react';

/** A long job's progress bar and its line of text (evaluation run, few-shot curve). */
export function RunProgress({
  testId,
  label,
  done,
  total,
  children,
}: {
  /** `${testId}` on the box, `${testId}-text` on the line. */
  testId: string;
  label: string;
  done: number;
  total: number;
  children: ReactNode;
}) {
  return (
    <div className="eval-progress" data-testid={testId}>
      <div
        className="progress big"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div style={{ width: `${total ? (100 * done) / total : 0}%` }} />
      </div>
      <p className="eval-progress-text" data-testid={`${testId}-text`}>
        {children}
      </p>
    </div>
  );
}
