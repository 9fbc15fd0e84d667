// The active template's demonstration template (few-shot, LM-BFF): how each demonstration — a
// training example with its label word in [Z] — is written after the query. Empty: the template
// itself. Folded away until used; its problems are listed like the template's, after
// "Demonstration template:".
import { useMemo } from 'react';
import { formatDemoTemplateIssue, parseDemoTemplate } from '../../core/demo-template';
import type { TemplateEntry } from '../../core/setup';
import type { Template } from '../../core/template';
import { usePrefs } from '../../store/prefs';
import { useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';
import { EditorIssues } from './EditorIssues';
import { HighlightedEditor, type Highlight } from './HighlightedEditor';
import { slotHighlights } from './slotHighlights';

export function DemoTemplateEditor({ entry, query }: { entry: TemplateEntry; query: Template | null }) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const { setDemoTemplate } = useWorkspace.getState();
  const text = entry.demo ?? '';
  const parse = useMemo(() => (text === '' ? null : parseDemoTemplate(text, query)), [text, query]);
  const issues = parse === null ? [] : parse.ok ? parse.warnings : [...parse.errors, ...parse.warnings];
  const highlights: Highlight[] = [
    ...slotHighlights(text),
    ...(parse && !parse.ok
      ? parse.errors
          .filter((e) => e.span.end - e.span.start < text.length)
          .map((e) => ({ span: e.span, className: 'tok-error' }))
      : []),
  ];
  return (
    <details className="demo-template" open={entry.demo !== undefined} data-testid="demo-template">
      <summary>{t('template.demo.summary')}</summary>
      <HighlightedEditor
        id="demo-template-input"
        label={t('template.demo.label')}
        value={text}
        onChange={(next) => setDemoTemplate(entry.id, next === '' ? null : next)}
        highlights={highlights}
        invalid={parse !== null && !parse.ok}
        describedBy="demo-template-issues demo-template-help"
        placeholder={entry.text}
      />
      <div id="demo-template-issues" aria-live="polite">
        <EditorIssues
          issues={issues}
          usable={parse === null || parse.ok}
          editorId="demo-template-input"
          testId="demo-template-errors"
          format={(issue) => formatDemoTemplateIssue(issue, locale)}
        />
      </div>
      <p className="hint" id="demo-template-help">
        {t('template.demo.help')}
      </p>
    </details>
  );
}
