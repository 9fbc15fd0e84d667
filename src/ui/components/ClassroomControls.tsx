// Header buttons: "Share & import" (the dialog) and the presentation-mode toggle.
import { usePrefs } from '../../store/prefs';
import { useT } from '../i18n';
import { ShareDialog, useShareDialog } from './share/ShareDialog';

export function ClassroomControls() {
  const t = useT();
  const presentation = usePrefs((s) => s.presentation);
  const setPresentation = usePrefs((s) => s.setPresentation);
  const dialog = useShareDialog();
  return (
    <>
      <button className="btn" onClick={() => dialog.show('link')} data-testid="open-share">
        {t('header.share')}
      </button>
      <button
        className={`btn${presentation ? ' active' : ''}`}
        aria-pressed={presentation}
        onClick={() => setPresentation(!presentation)}
        title={presentation ? t('header.presentExitHint') : t('header.presentHint')}
        data-testid="toggle-presentation"
      >
        {presentation ? t('header.presentExit') : t('header.present')}
      </button>
      <ShareDialog open={dialog.open} tab={dialog.tab} onTab={dialog.setTab} onClose={dialog.close} />
    </>
  );
}
