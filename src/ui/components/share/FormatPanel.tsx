// Export to / import from OpenPrompt and LM-BFF. Whatever a format cannot express is listed.
import { useId, useMemo, useState } from 'react';
import type { FormatWarning } from '../../../core/formats/common';
import { exportLmBff, importLmBff } from '../../../core/formats/lmbff';
import { exportOpenPrompt, importOpenPrompt } from '../../../core/formats/openprompt';
import type { PromptSetup } from '../../../core/setup';
import { useWorkspace } from '../../../store/workspace';
import { useT } from '../../i18n';
import { useIssueText } from '../../i18n/issues';
import { downloadText, fileNameFor } from '../../download';
import { ImportPreview } from './SetupPreview';

type Format = 'openprompt' | 'lmbff';

/** Warnings or errors of a conversion, each prefixed with the template it is about. */
function FormatIssueList({ issues }: { issues: FormatWarning[] }) {
  const text = useIssueText();
  return (
    <ul>
      {issues.map((issue, i) => (
        <li key={i}>
          {issue.template !== undefined ? <strong>{issue.template}: </strong> : null}
          {text.text(issue)}
        </li>
      ))}
    </ul>
  );
}

function WarningList({ warnings, testId }: { warnings: FormatWarning[]; testId: string }) {
  const t = useT();
  if (warnings.length === 0) return <p className="hint">{t('format.noWarnings')}</p>;
  return (
    <div className="message warning" role="status" data-testid={testId}>
      {t('format.warnings', { n: warnings.length })}
      <FormatIssueList issues={warnings} />
    </div>
  );
}

function CopyArea({ label, value, rows = 3, testId }: { label: string; value: string; rows?: number; testId: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const id = useId();
  // The label names only the text area (not the copy button beside it).
  return (
    <div className="field">
      <span className="row">
        <label className="grow" htmlFor={id}>
          {label}
        </label>
        <button
          type="button"
          className="btn small"
          onClick={() =>
            void navigator.clipboard.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('format.copied') : t('format.copy')}
        </button>
      </span>
      <textarea
        id={id}
        className="mono code-area"
        readOnly
        rows={rows}
        value={value}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
      />
    </div>
  );
}

/** A text area for another tool's code, pasted by the user. */
function CodeInput({
  label,
  rows,
  value,
  onChange,
  placeholder,
  testId,
}: {
  label: string;
  rows: number;
  value: string;
  onChange(value: string): void;
  placeholder: string;
  testId: string;
}) {
  return (
    <label className="field">
      {label}
      <textarea
        className="mono code-area"
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        data-testid={testId}
      />
    </label>
  );
}

export function FormatPanel({ format, onOpened }: { format: Format; onOpened(): void }) {
  const t = useT();
  const setup = useWorkspace((s) => s.setup);
  // LM-BFF: templates with a demonstration template always carry their demonstrations; this adds them to all.
  const [withDemos, setWithDemos] = useState(false);
  const exported = useMemo(
    () => (format === 'openprompt' ? exportOpenPrompt(setup) : exportLmBff(setup, { demonstrations: withDemos })),
    [format, setup, withDemos],
  );
  const [templates, setTemplates] = useState('');
  const [words, setWords] = useState('');
  const [classes, setClasses] = useState('');
  const [result, setResult] = useState<
    | { ok: true; value: PromptSetup; warnings: FormatWarning[] }
    | { ok: false; errors: FormatWarning[]; warnings: FormatWarning[] }
    | null
  >(null);

  const check = () => {
    const base = useWorkspace.getState().setup;
    setResult(
      format === 'openprompt'
        ? importOpenPrompt({ templates, labelWords: words, classes }, base)
        : importLmBff({ templates, mapping: words }, base),
    );
  };

  const isOpenPrompt = format === 'openprompt';
  const op = isOpenPrompt ? (exported as ReturnType<typeof exportOpenPrompt>) : null;
  const lm = !isOpenPrompt ? (exported as ReturnType<typeof exportLmBff>) : null;
  const templateLines = op
    ? op.templates.map((x) => x.text).join('\n')
    : lm!.templates.map((x) => x.template).join('\n');

  return (
    <div className="share-format">
      <section>
        <h3>{isOpenPrompt ? t('format.openprompt.exportTitle') : t('format.lmbff.exportTitle')}</h3>
        <p className="hint">{isOpenPrompt ? t('format.openprompt.exportHelp') : t('format.lmbff.exportHelp')}</p>
        {isOpenPrompt ? null : (
          <label className="check">
            <input
              type="checkbox"
              checked={withDemos}
              onChange={(e) => setWithDemos(e.target.checked)}
              data-testid="lmbff-export-demos"
            />
            {t('format.lmbff.withDemos')}
          </label>
        )}
        <CopyArea
          label={t('format.templates')}
          value={templateLines}
          rows={Math.min(5, Math.max(2, templateLines.split('\n').length))}
          testId={`${format}-export-templates`}
        />
        <CopyArea
          label={isOpenPrompt ? t('format.labelWords') : t('format.mapping')}
          value={op ? op.labelWords : lm!.mapping}
          rows={2}
          testId={`${format}-export-words`}
        />
        {op ? (
          <CopyArea label={t('format.python')} value={op.python} rows={7} testId="openprompt-export-python" />
        ) : null}
        {op ? (
          <button
            className="btn small"
            onClick={() => downloadText(fileNameFor(setup.name, 'openprompt.py'), op.python, 'text/x-python')}
          >
            {t('format.downloadPython')}
          </button>
        ) : null}
        <WarningList warnings={exported.warnings} testId={`${format}-export-warnings`} />
      </section>
      <section>
        <h3>{isOpenPrompt ? t('format.openprompt.importTitle') : t('format.lmbff.importTitle')}</h3>
        <p className="hint">{isOpenPrompt ? t('format.openprompt.importHelp') : t('format.lmbff.importHelp')}</p>
        <CodeInput
          label={t('format.templatesInput')}
          rows={3}
          value={templates}
          onChange={setTemplates}
          placeholder={isOpenPrompt ? '{"placeholder":"text_a"} It was {"mask"}.' : '*cls**sent_0*_It_was*mask*.*sep+*'}
          testId={`${format}-import-templates`}
        />
        <CodeInput
          label={isOpenPrompt ? t('format.labelWords') : t('format.mapping')}
          rows={2}
          value={words}
          onChange={setWords}
          placeholder={
            isOpenPrompt
              ? '{"negative": ["bad", "terrible"], "positive": ["good", "great"]}'
              : "{'0':'terrible','1':'great'}"
          }
          testId={`${format}-import-words`}
        />
        {isOpenPrompt ? (
          <label className="field">
            {t('format.classes')}
            <input
              type="text"
              className="mono"
              value={classes}
              onChange={(e) => setClasses(e.target.value)}
              placeholder='["negative", "positive"]'
            />
          </label>
        ) : null}
        <div className="row" style={{ marginTop: 8 }}>
          <button
            className="btn"
            onClick={check}
            disabled={templates.trim() === '' || words.trim() === ''}
            data-testid={`${format}-import-check`}
          >
            {t('format.check')}
          </button>
        </div>
        {result && !result.ok ? (
          <div className="message error" role="alert" data-testid={`${format}-import-errors`}>
            {t('format.importFailed')}
            <FormatIssueList issues={result.errors} />
          </div>
        ) : null}
        {result ? <WarningList warnings={result.warnings} testId={`${format}-import-warnings`} /> : null}
        {result?.ok ? (
          <ImportPreview setup={result.value} onOpened={onOpened} openTestId={`${format}-import-open`} />
        ) : null}
      </section>
    </div>
  );
}
