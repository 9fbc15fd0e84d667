import type { Issue } from '../../core/issues';
import type { Span } from '../../core/types';
import { useIssueText } from '../i18n/issues';
import { selectSpan } from './HighlightedEditor';

/**
 * The issues of an edited text (template, verbalizer), each a link that selects the place it is
 * about in the editor `editorId`. Shown as errors while the text can't be used, else as warnings.
 */
export function EditorIssues({
  issues,
  usable,
  editorId,
  testId,
  format,
}: {
  issues: readonly (Issue & { span: Span })[];
  usable: boolean;
  editorId: string;
  testId: string;
  /** The words of an issue, where they need more than its message (e.g. "Demonstration template: …"). */
  format?: (issue: Issue & { span: Span }) => string;
}) {
  const issueText = useIssueText();
  if (issues.length === 0) return null;
  return (
    <div className={`message ${usable ? 'warning' : 'error'}`} role={usable ? 'status' : 'alert'} data-testid={testId}>
      <ul>
        {issues.map((issue, i) => (
          <li key={i}>
            <button type="button" className="issue-link" onClick={() => selectSpan(editorId, issue.span)}>
              {format ? format(issue) : issueText.text(issue)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
