// A saved workspace that could not be read is kept in a backup (store/backup.ts): say what happened
// and offer it — restore it into the workspace, download it as a file, or discard it.
import { useState } from 'react';
import {
  discardWorkspaceBackup,
  dismissBackupAction,
  restoreWorkspaceBackup,
  useWorkspaceBackup,
} from '../../store/backup';
import { NOT_KEPT_KEYS } from '../../store/open-setup';
import type { ResetCause } from '../../store/persistence';
import { downloadText } from '../download';
import { useT, type Translate } from '../i18n';
import { useIssueText, type IssueText } from '../i18n/issues';

function causeText(cause: ResetCause, t: Translate, issues: IssueText): string {
  switch (cause.code) {
    case 'json':
      return t('backup.reason.json');
    case 'shape':
      return t('backup.reason.shape');
    case 'empty':
      return t('backup.reason.empty');
    case 'newer':
      return t('backup.reason.newer', { version: cause.version });
    case 'migrate':
      return t('backup.reason.migrate', { version: cause.version });
    case 'invalid':
      return t('backup.reason.invalid', { error: cause.error ? issues.setup(cause.error) : '' });
  }
}

export function WorkspaceBackupBanner() {
  const t = useT();
  const issues = useIssueText();
  const { text, cause, action } = useWorkspaceBackup();
  const [later, setLater] = useState(false);
  if (text === null && action === null) return null;
  if (later && action === null) return null;

  let result: { kind: 'info' | 'error'; message: string } | null = null;
  switch (action?.kind) {
    case undefined:
      break;
    case 'restored':
      result =
        action.changed.length === 0
          ? { kind: 'info', message: t('backup.restored') }
          : { kind: 'info', message: t('backup.restoredCut', { fields: issues.fields(action.changed) }) };
      break;
    case 'restored-unsaved':
      result = { kind: 'error', message: t('backup.restoredUnsaved') };
      break;
    case 'restore-failed':
      result = { kind: 'error', message: t('backup.restoreFailed', { reason: causeText(action.cause, t, issues) }) };
      break;
    case 'not-kept':
      result = { kind: 'error', message: t(NOT_KEPT_KEYS[action.reason], { name: t('preview.unnamed') }) };
      break;
    case 'discard-failed':
      result = { kind: 'error', message: t('backup.discardFailed') };
      break;
  }
  const restored = action?.kind === 'restored' || action?.kind === 'restored-unsaved';

  return (
    <section
      className={`link-banner message ${text !== null && !restored ? 'warning' : 'info'}`}
      role={result?.kind === 'error' ? 'alert' : 'status'}
      data-testid="workspace-backup"
    >
      <div className="grow">
        {text !== null && !restored ? (
          <>
            <strong>{t('backup.title')}</strong>
            <p>{cause ? t('backup.body', { reason: causeText(cause, t, issues) }) : t('backup.bodyReadable')}</p>
          </>
        ) : null}
        {result ? (
          <p className={result.kind === 'error' ? 'message error' : undefined} data-testid="workspace-backup-result">
            {result.message}
          </p>
        ) : null}
      </div>
      <div className="link-banner-actions">
        {text !== null && !restored ? (
          <button className="btn primary" onClick={() => restoreWorkspaceBackup()} data-testid="backup-restore">
            {t('backup.restore')}
          </button>
        ) : null}
        {text !== null ? (
          <button
            className="btn"
            onClick={() => downloadText('clozelab-workspace-unreadable.json', text, 'application/json')}
            data-testid="backup-download"
          >
            {t('backup.download')}
          </button>
        ) : null}
        {text !== null ? (
          <button className="btn" onClick={() => discardWorkspaceBackup()} data-testid="backup-discard">
            {t('backup.discard')}
          </button>
        ) : null}
        <button
          className="btn small"
          onClick={() => {
            setLater(true);
            dismissBackupAction();
          }}
          data-testid="backup-later"
        >
          {text !== null ? t('backup.later') : t('notice.dismiss')}
        </button>
      </div>
    </section>
  );
}
