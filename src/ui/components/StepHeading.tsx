// The heading of a numbered step panel (the prompt's three steps, the evaluation's four): the
// panel's aria-labelledby points at its id.
import type { ReactNode } from 'react';

export function StepHeading({ id, step, children }: { id: string; step: number; children: ReactNode }) {
  return (
    <h2 id={id}>
      <span className="step">{step}</span>
      {children}
    </h2>
  );
}
