// Another tab saved a different workspace: this tab has stopped saving until the user chooses
// (store/tabs.ts). The other version's name is shown as text.
import { resolveKeepMine, resolveLoadTheirs, useTabConflict } from '../../store/tabs';
import { useT } from '../i18n';

export function TabConflictBanner() {
  const t = useT();
  const theirs = useTabConflict((s) => s.theirs);
  if (!theirs) return null;
  return (
    <section className="link-banner message warning" role="alert" data-testid="tab-conflict">
      <div className="grow">
        <strong>{t('tabs.conflict.title')}</strong>
        <p>{t('tabs.conflict.body', { name: theirs.setup.name })}</p>
      </div>
      <div className="link-banner-actions">
        <button className="btn primary" onClick={resolveLoadTheirs} data-testid="tab-load-theirs">
          {t('tabs.conflict.loadTheirs')}
        </button>
        <button className="btn" onClick={resolveKeepMine} data-testid="tab-keep-mine">
          {t('tabs.conflict.keepMine')}
        </button>
      </div>
    </section>
  );
}
