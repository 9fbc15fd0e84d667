// What happened to the share link this page was opened with: a setup waiting for "open as new
// setup", a link that could not be read (and why), or a link that was opened (with "restore
// previous workspace"). Everything from the link is shown as text.
import { NOT_KEPT_KEYS, restoreSavedSetup } from '../../store/open-setup';
import { acceptIncomingLink, dismissIncomingLink, useSharing } from '../../store/sharing';
import { useT } from '../i18n';
import { useIssueText } from '../i18n/issues';
import { SetupPreview } from './share/SetupPreview';
import '../classroom.css';

export function IncomingLinkBanner() {
  const t = useT();
  const issues = useIssueText();
  const incoming = useSharing((s) => s.incoming);
  if (incoming.status === 'none') return null;

  if (incoming.status === 'error') {
    const { error } = incoming;
    return (
      <div className="link-banner message error" role="alert" data-testid="link-error" data-code={error.code}>
        <div className="grow">
          <strong>{t('link.error.title')}</strong>{' '}
          {error.code === 'invalid-setup' ? t('link.error.invalidSetup') : issues.text(error)}
          {error.errors && error.errors.length > 0 ? (
            <ul>
              {error.errors.slice(0, 8).map((e, i) => (
                <li key={i}>{issues.setup(e)}</li>
              ))}
            </ul>
          ) : null}
          <p className="hint">{t('link.error.workspaceKept')}</p>
        </div>
        <button className="btn small" onClick={dismissIncomingLink}>
          {t('link.dismiss')}
        </button>
      </div>
    );
  }

  if (incoming.status === 'pending') {
    return (
      <section className="link-banner panel" aria-labelledby="incoming-title" data-testid="link-pending">
        <div className="grow">
          <h2 id="incoming-title">{t('link.pending.title')}</h2>
          <SetupPreview setup={incoming.setup} />
          {incoming.free === null ? <p className="hint">{t('link.pending.download')}</p> : null}
          {incoming.linkVersion < 2 ? (
            <p className="hint">{t('link.olderFormat', { version: incoming.linkVersion })}</p>
          ) : null}
          {incoming.notKept ? (
            <p className="message error" role="alert" data-testid="link-not-kept">
              {t(NOT_KEPT_KEYS[incoming.notKept], { name: incoming.setup.name || t('preview.unnamed') })}
            </p>
          ) : null}
        </div>
        <div className="link-banner-actions">
          <button className="btn primary" onClick={acceptIncomingLink} data-testid="link-open">
            {t('open.asNew')}
          </button>
          <button className="btn" onClick={dismissIncomingLink} data-testid="link-ignore">
            {t('link.pending.keep')}
          </button>
          <p className="hint">{t('open.keepsPrevious')}</p>
        </div>
      </section>
    );
  }

  const previous = incoming.previous;
  return (
    <div className="link-banner message info" role="status" data-testid="link-opened">
      <span className="grow">
        {t('link.opened', { name: incoming.name || t('preview.unnamed') })}
        {incoming.linkVersion < 2 ? ` ${t('link.olderFormat', { version: incoming.linkVersion })}` : ''}
        {previous ? ` ${t('link.previousSaved')}` : ''}
      </span>
      {previous ? (
        <button
          className="btn small"
          onClick={() => {
            // When the current workspace can't be kept, nothing changes and a notice says why.
            if (restoreSavedSetup(previous.id)?.ok) dismissIncomingLink();
          }}
          data-testid="link-restore"
        >
          {t('link.restorePrevious')}
        </button>
      ) : null}
      <button className="btn small" onClick={dismissIncomingLink}>
        {t('link.dismiss')}
      </button>
    </div>
  );
}
