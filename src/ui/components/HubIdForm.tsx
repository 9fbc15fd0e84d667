import { useState } from 'react';
import { isValidModelId } from '../../core/setup';
import { useT } from '../i18n';

/** "Type any Hub id" with its check (owner/name) and Load button; the model panel's and the second model's. */
export function HubIdForm({
  label,
  loadLabel,
  onChoose,
}: {
  label: string;
  /** The Load button's accessible name, where "Load" alone would be ambiguous on the page. */
  loadLabel?: string;
  onChoose: (id: string) => void;
}) {
  const t = useT();
  const [customId, setCustomId] = useState('');
  const customValid = isValidModelId(customId.trim());
  return (
    <>
      <form
        className="row"
        style={{ marginTop: 8 }}
        onSubmit={(event) => {
          event.preventDefault();
          if (customValid) onChoose(customId.trim());
        }}
      >
        <input
          type="text"
          className="grow"
          aria-label={label}
          placeholder={t('model.customPlaceholder')}
          value={customId}
          onChange={(e) => setCustomId(e.target.value)}
          aria-invalid={customId !== '' && !customValid}
        />
        <button className="btn" type="submit" disabled={!customValid} aria-label={loadLabel}>
          {t('model.loadCustom')}
        </button>
      </form>
      {customId !== '' && !customValid ? <p className="message error">{t('model.invalidId')}</p> : null}
    </>
  );
}
