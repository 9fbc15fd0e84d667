// Export to / import from OpenPrompt and LM-BFF. Whatever a format cannot express is listed.
import { useId, useMemo, useState } from 'react';
import type { FormatWarning } from '../../../core/formats/common';
import { exportLmBff, importLmBff } from '../../../core/formats/lmbff';
import { exportOpenPrompt, importOpenPrompt } from '../../../core/formats/openprompt';
import type { PromptSetup } from '../../../core/setup';
import { openAsNewSetup } from '../../../store/open-setup';
import { useWorkspace } from '../../../store/workspace';
import { useT } from '../../i18n';
import { useIssueText } from '../../i18n/issues';
import { downloadText, fileNameFor } from '../../download';
import { SetupPreview } from './SetupPreview';

type Format = 'openprompt' | 'lmbff';

function WarningList({ warnings, testId }: { warnings: FormatWarning[]; testId: string }) {
  const t = useT();
  const issues = useIssueText();
  if (warnings.length === 0) return <p className="hint">{t('format.noWarnings')}</p>;
  return (
    <div className="message warning" role="status" data-testid={testId}>
      {t('format.warnings', { n: warnings.length })}
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>
            {w.params?.template !== undefined ? <strong>{String(w.params.template)}: </strong> : null}
            {issues.format(w)}
          </li>
        ))}
      </ul>
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

export function FormatPanel({ format, onOpened }: { format: Format; onOpened(): void }) {
  const t = useT();
  const issues = useIssueText();
  const setup = useWorkspace((s) => s.setup);
  const exported = useMemo(
    () => (format === 'openprompt' ? exportOpenPrompt(setup) : exportLmBff(setup)),
    [format, setup],
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
        <label className="field">
          {t('format.templatesInput')}
          <textarea
            className="mono code-area"
            rows={3}
            value={templates}
            onChange={(e) => setTemplates(e.target.value)}
            placeholder={
              isOpenPrompt ? '{"placeholder":"text_a"} It was {"mask"}.' : '*cls**sent_0*_It_was*mask*.*sep+*'
            }
            data-testid={`${format}-import-templates`}
          />
        </label>
        <label className="field">
          {isOpenPrompt ? t('format.labelWords') : t('format.mapping')}
          <textarea
            className="mono code-area"
            rows={2}
            value={words}
            onChange={(e) => setWords(e.target.value)}
            placeholder={
              isOpenPrompt
                ? '{"negative": ["bad", "terrible"], "positive": ["good", "great"]}'
                : "{'0':'terrible','1':'great'}"
            }
            data-testid={`${format}-import-words`}
          />
        </label>
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
            <ul>
              {result.errors.map((e, i) => (
                <li key={i}>
                  {e.params?.template !== undefined ? <strong>{String(e.params.template)}: </strong> : null}
                  {issues.format(e)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {result ? <WarningList warnings={result.warnings} testId={`${format}-import-warnings`} /> : null}
        {result?.ok ? (
          <div className="import-preview">
            <SetupPreview setup={result.value} />
            <button
              className="btn primary"
              onClick={() => {
                openAsNewSetup(result.value, 'import');
                onOpened();
              }}
              data-testid={`${format}-import-open`}
            >
              {t('open.asNew')}
            </button>
            <p className="hint">{t('open.keepsPrevious')}</p>
          </div>
        ) : null}
      </section>
    </div>
  );
}
