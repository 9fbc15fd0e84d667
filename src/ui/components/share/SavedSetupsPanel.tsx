// The saved setups: workspaces kept before a link, preset or import replaced them, and ones the
// user saved by hand. Restoring one saves the current workspace first.
import { restoreSavedSetup, saveCurrentSetup } from '../../../store/open-setup';
import {
  removeSavedSetup,
  useSavedSetups,
  type SaveReason,
  type SavedSetupsFailure,
} from '../../../store/saved-setups';
import { usePrefs } from '../../../store/prefs';
import { useT, type MessageKey } from '../../i18n';
import { ModelOrigin } from './SetupPreview';

/** Why the last change of the list was not stored. */
const FAILURE_KEYS: Record<SavedSetupsFailure, MessageKey> = {
  quota: 'saved.failure.quota',
  unavailable: 'saved.failure.unavailable',
  'not-kept': 'saved.failure.notKept',
  newer: 'saved.failure.newer',
};

const REASON_KEYS: Record<SaveReason, MessageKey> = {
  'before-link': 'saved.reason.beforeLink',
  'before-preset': 'saved.reason.beforePreset',
  'before-import': 'saved.reason.beforeImport',
  'before-restore': 'saved.reason.beforeRestore',
  manual: 'saved.reason.manual',
};

export function SavedSetupsPanel({ onRestored }: { onRestored(): void }) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const { entries, failure } = useSavedSetups();
  const time = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div className="saved-setups">
      <p className="hint" style={{ marginTop: 0 }}>
        {t('saved.help')}
      </p>
      <button className="btn" onClick={() => saveCurrentSetup()} data-testid="save-current">
        {t('saved.saveCurrent')}
      </button>
      {failure ? (
        <p className="message error" role="alert" data-testid="saved-failure">
          {t(FAILURE_KEYS[failure])}
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="empty">{t('saved.empty')}</p>
      ) : (
        <ul className="saved-list" data-testid="saved-list">
          {entries.map((entry) => (
            <li key={entry.id}>
              <div className="grow">
                <strong>{entry.setup.name || t('preview.unnamed')}</strong>
                <div className="hint">
                  {t(REASON_KEYS[entry.reason])} · {time.format(entry.savedAt)} · <ModelOrigin setup={entry.setup} />
                </div>
              </div>
              <button
                className="btn small primary"
                onClick={() => {
                  if (restoreSavedSetup(entry.id)?.ok) onRestored();
                }}
              >
                {t('saved.restore')}
              </button>
              <button
                className="btn small"
                onClick={() => removeSavedSetup(entry.id)}
                aria-label={t('saved.deleteAria', { name: entry.setup.name || t('preview.unnamed') })}
              >
                {t('saved.delete')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
