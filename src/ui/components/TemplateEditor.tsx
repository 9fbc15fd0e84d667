import { useMemo } from 'react';
import { LIMITS } from '../../core/limits';
import { parseTemplate } from '../../core/template';
import { activeTemplate, useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';
import { EditorIssues } from './EditorIssues';
import { HighlightedEditor, type Highlight } from './HighlightedEditor';
import { slotHighlights } from './slotHighlights';
import { runOnCtrlEnter } from './runOnCtrlEnter';
import { DemoTemplateEditor } from './DemoTemplateEditor';
import { StepHeading } from './StepHeading';

export function TemplateEditor({ onRunNow }: { onRunNow(): void }) {
  const t = useT();
  const setup = useWorkspace((s) => s.setup);
  // The mask token of the model in use (the setup's model, loaded); unknown while none is.
  const maskToken = useWorkspace((s) =>
    s.model.status === 'ready' && s.model.ref?.id === s.setup.model.id ? s.model.facts?.maskToken : undefined,
  );
  const { setTemplateText, setActiveTemplate, addTemplate, removeTemplate } = useWorkspace.getState();
  const active = activeTemplate(setup);
  const parse = useMemo(() => parseTemplate(active.text), [active.text]);
  const issues = parse.ok ? parse.warnings : [...parse.errors, ...parse.warnings];
  const highlights: Highlight[] = [
    ...slotHighlights(active.text),
    // An error about the whole template (e.g. no [Z]) is listed below, not underlined everywhere.
    ...(parse.ok
      ? []
      : parse.errors
          .filter((e) => e.span.end - e.span.start < active.text.length)
          .map((e) => ({ span: e.span, className: 'tok-error' }))),
  ];

  return (
    <section className="panel" aria-labelledby="template-heading">
      <StepHeading id="template-heading" step={1}>
        {t('template.title')}
      </StepHeading>
      <div className="row template-tabs" role="tablist" aria-label={t('template.tabs')}>
        {setup.templates.map((entry, index) => (
          <button
            key={entry.id}
            role="tab"
            aria-selected={entry.id === active.id}
            className={`btn small${entry.id === active.id ? ' primary' : ''}`}
            onClick={() => setActiveTemplate(entry.id)}
          >
            {t('template.tabName', { n: index + 1 })}
          </button>
        ))}
        <button
          className="btn small"
          onClick={addTemplate}
          disabled={setup.templates.length >= LIMITS.templates}
          aria-label={t('template.add')}
        >
          +
        </button>
        {setup.templates.length > 1 ? (
          <button className="btn small" onClick={() => removeTemplate(active.id)} aria-label={t('template.remove')}>
            {t('template.removeShort')}
          </button>
        ) : null}
      </div>
      <div style={{ marginTop: 8 }}>
        <HighlightedEditor
          id="template-input"
          label={t('template.label')}
          value={active.text}
          onChange={(text) => setTemplateText(active.id, text)}
          highlights={highlights}
          invalid={!parse.ok}
          describedBy="template-issues template-help"
          placeholder="[X] Overall, it was a [Z] movie."
          onKeyDown={runOnCtrlEnter(onRunNow)}
        />
      </div>
      <div id="template-issues" aria-live="polite">
        <EditorIssues issues={issues} usable={parse.ok} editorId="template-input" testId="template-errors" />
      </div>
      <p className="hint" id="template-help">
        {t('template.help.slots')}{' '}
        {maskToken ? (
          <span data-testid="mask-explainer">{t('template.help.mask', { mask: maskToken })}</span>
        ) : (
          t('template.help.maskUnknown')
        )}{' '}
        {t('template.help.modifiers')}
      </p>
      <DemoTemplateEditor entry={active} query={parse.ok ? parse.template : null} />
    </section>
  );
}
