import type { DiagnosisHint } from '../../core/diagnosis';
import { useT } from '../i18n';
import { useIssueText } from '../i18n/issues';

/** Diagnosis hints in plain words: what the numbers suggest trying next. */
export function Hints({ hints }: { hints: DiagnosisHint[] }) {
  const t = useT();
  const issues = useIssueText();
  if (hints.length === 0)
    return (
      <p className="hint" data-testid="eval-hints">
        {t('eval.hint.none')}
      </p>
    );
  return (
    <ul className="eval-hints" data-testid="eval-hints">
      {hints.map((h, i) => (
        <li key={i} className={h.severity} data-code={h.code}>
          {issues.text(h)}
        </li>
      ))}
    </ul>
  );
}
