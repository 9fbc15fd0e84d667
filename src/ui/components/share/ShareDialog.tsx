// "Share & import": link and QR code, JSON files, OpenPrompt and LM-BFF, saved setups.
// A native <dialog> (Esc closes it, focus stays inside).
import { useEffect, useRef, useState } from 'react';
import { useT, type MessageKey } from '../../i18n';
import '../../classroom.css';
import { FilePanel } from './FilePanel';
import { FormatPanel } from './FormatPanel';
import { LinkPanel } from './LinkPanel';
import { SavedSetupsPanel } from './SavedSetupsPanel';

export type ShareTab = 'link' | 'file' | 'openprompt' | 'lmbff' | 'saved';

const TABS: { id: ShareTab; key: MessageKey }[] = [
  { id: 'link', key: 'share.tab.link' },
  { id: 'file', key: 'share.tab.file' },
  { id: 'openprompt', key: 'share.tab.openprompt' },
  { id: 'lmbff', key: 'share.tab.lmbff' },
  { id: 'saved', key: 'share.tab.saved' },
];

export function ShareDialog({
  open,
  tab,
  onTab,
  onClose,
}: {
  open: boolean;
  tab: ShareTab;
  onTab(tab: ShareTab): void;
  onClose(): void;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="share-dialog"
      aria-labelledby="share-title"
      onClose={onClose}
      data-testid="share-dialog"
    >
      {open ? (
        <>
          <div className="share-dialog-head">
            <h2 id="share-title">{t('share.title')}</h2>
            <button className="btn small" onClick={onClose} aria-label={t('share.close')}>
              ✕
            </button>
          </div>
          <div className="share-tabs" role="tablist" aria-label={t('share.title')}>
            {TABS.map((entry) => (
              <button
                key={entry.id}
                role="tab"
                id={`share-tab-${entry.id}`}
                aria-selected={tab === entry.id}
                aria-controls="share-tabpanel"
                className={`view-tab${tab === entry.id ? ' active' : ''}`}
                onClick={() => onTab(entry.id)}
              >
                {t(entry.key)}
              </button>
            ))}
          </div>
          <div className="share-body" role="tabpanel" id="share-tabpanel" aria-labelledby={`share-tab-${tab}`}>
            {tab === 'link' ? <LinkPanel /> : null}
            {tab === 'file' ? <FilePanel onOpened={onClose} /> : null}
            {tab === 'openprompt' ? <FormatPanel format="openprompt" onOpened={onClose} /> : null}
            {tab === 'lmbff' ? <FormatPanel format="lmbff" onOpened={onClose} /> : null}
            {tab === 'saved' ? <SavedSetupsPanel onRestored={onClose} /> : null}
          </div>
        </>
      ) : null}
    </dialog>
  );
}

/** Header buttons: Share (opens the dialog) and the presentation-mode toggle. */
export function useShareDialog(): {
  open: boolean;
  tab: ShareTab;
  show(tab?: ShareTab): void;
  close(): void;
  setTab(tab: ShareTab): void;
} {
  const [state, setState] = useState<{ open: boolean; tab: ShareTab }>({ open: false, tab: 'link' });
  return {
    ...state,
    show: (tab = 'link') => setState({ open: true, tab }),
    close: () => setState((s) => ({ ...s, open: false })),
    setTab: (tab) => setState((s) => ({ ...s, tab })),
  };
}
