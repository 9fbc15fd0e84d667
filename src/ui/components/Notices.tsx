import { useWorkspace } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';

export function Notices() {
  const t = useT();
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
          <span>{t(notice.key as MessageKey, notice.params)}</span>
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
