// Export the setup as a JSON file; import one (validated by parseSetupJson, errors with paths). The
// export is cut to the limits the import reads (exportSetupJson), so an exported file always imports.
import { useState } from 'react';
import { issue } from '../../../core/issues';
import { exportSetupJson, parseSetupJson, type SetupError } from '../../../core/setup-parse';
import { SETUP_LIMITS, type PromptSetup } from '../../../core/setup';
import { useWorkspace } from '../../../store/workspace';
import { useT } from '../../i18n';
import { useIssueText } from '../../i18n/issues';
import { downloadText, fileNameFor } from '../../download';
import { ImportPreview } from './SetupPreview';

type Loaded =
  | { kind: 'none' }
  | { kind: 'ok'; setup: PromptSetup; file: string }
  | { kind: 'error'; errors: SetupError[]; file: string };

export function FilePanel({ onOpened }: { onOpened(): void }) {
  const t = useT();
  const issues = useIssueText();
  const setup = useWorkspace((s) => s.setup);
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'none' });
  /** Paths of the fields the last export had to cut. */
  const [exportTrimmed, setExportTrimmed] = useState<string[]>([]);

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > SETUP_LIMITS.jsonChars * 4) {
      setLoaded({
        kind: 'error',
        file: file.name,
        errors: [{ ...issue('file-too-large', 'error', { bytes: file.size }), path: '(root)' }],
      });
      return;
    }
    const parsed = parseSetupJson(await file.text());
    setLoaded(
      parsed.ok
        ? { kind: 'ok', setup: parsed.setup, file: file.name }
        : { kind: 'error', errors: parsed.errors, file: file.name },
    );
  };

  return (
    <div className="share-file">
      <section>
        <h3>{t('file.export.title')}</h3>
        <p className="hint">{t('file.export.help')}</p>
        <button
          className="btn primary"
          onClick={() => {
            const exported = exportSetupJson(setup);
            setExportTrimmed(exported.trimmed);
            downloadText(fileNameFor(setup.name, 'clozelab.json'), exported.text, 'application/json');
          }}
          data-testid="export-json"
        >
          {t('file.export.button')}
        </button>
        {exportTrimmed.length > 0 ? (
          <p className="message warning" role="status" data-testid="export-trimmed">
            {t('file.export.trimmed', { fields: issues.fields(exportTrimmed) })}
          </p>
        ) : null}
      </section>
      <section>
        <h3>{t('file.import.title')}</h3>
        <p className="hint">{t('file.import.help')}</p>
        <input
          type="file"
          accept=".json,application/json"
          aria-label={t('file.import.pick')}
          onChange={(e) => void readFile(e.target.files?.[0])}
          data-testid="import-json"
        />
        {loaded.kind === 'error' ? (
          <div className="message error" role="alert" data-testid="import-errors">
            {t('file.import.invalid', { file: loaded.file })}
            <ul>
              {loaded.errors.slice(0, 20).map((e, i) => (
                <li key={i}>{issues.setup(e)}</li>
              ))}
            </ul>
            {loaded.errors.length > 20 ? <p>{t('file.import.more', { n: loaded.errors.length - 20 })}</p> : null}
          </div>
        ) : null}
        {loaded.kind === 'ok' ? (
          <ImportPreview setup={loaded.setup} onOpened={onOpened} openTestId="import-open" />
        ) : null}
      </section>
    </div>
  );
}
