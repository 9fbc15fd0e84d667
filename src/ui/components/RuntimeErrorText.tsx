// A runtime failure in the UI's language: a translated summary, with the runtime's own English
// text as detail where the summary is a translation (src/ui/i18n/issues.ts).
import { useIssueText } from '../i18n/issues';

export function RuntimeErrorText({ failure }: { failure: { code: string; message: string } }) {
  const text = useIssueText().runtime(failure);
  return (
    <>
      {text.summary}
      {text.detail ? <span className="hint"> ({text.detail})</span> : null}
    </>
  );
}
