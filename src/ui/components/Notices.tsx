import { useWorkspace } from '../../store/workspace';
import { useT, type MessageKey, type TranslateParams } from '../i18n';
import { useIssueText } from '../i18n/issues';

export function Notices() {
  const t = useT();
  const issues = useIssueText();
  // `fields` are setup paths ("inputs[0].X"): the user reads them in words ("input 1, [X]").
  const params = (p: TranslateParams | undefined): TranslateParams | undefined =>
    p && typeof p.fields === 'string' ? { ...p, fields: issues.fields(p.fields.split('\n')) } : p;
  const notices = useWorkspace((s) => s.notices);
  const dismiss = useWorkspace((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`message ${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="notice"
        >
          <span>{t(notice.key as MessageKey, params(notice.params))}</span>
          <button
            className="btn small"
            style={{ marginLeft: 12 }}
            onClick={() => dismiss(notice.id)}
            aria-label={t('notice.dismiss')}
          >
            {t('notice.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
