// The share link of the current setup, a copy button and a QR code for a projector.
import QRCode from 'qrcode';
import { useEffect, useMemo, useState } from 'react';
import { currentShareLink } from '../../../store/sharing';
import { useWorkspace } from '../../../store/workspace';
import { useT } from '../../i18n';
import { useIssueText } from '../../i18n/issues';

type QrState = { kind: 'none' } | { kind: 'ok'; dataUrl: string } | { kind: 'too-long' };

export function LinkPanel() {
  const t = useT();
  const issues = useIssueText();
  const setup = useWorkspace((s) => s.setup);
  const link = useMemo(() => currentShareLink(setup), [setup]);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'blocked'>('idle');
  const [qr, setQr] = useState<QrState>({ kind: 'none' });
  const [bigQr, setBigQr] = useState(false);

  // A new link: forget "copied" and, without a URL, the QR code (adjusted while rendering, not in an effect).
  const [shownLink, setShownLink] = useState(link);
  if (shownLink !== link) {
    setShownLink(link);
    setCopied('idle');
    if (!link.ok || !link.url) setQr({ kind: 'none' });
  }

  useEffect(() => {
    if (!link.ok || !link.url) return;
    let cancelled = false;
    // Byte mode, low error correction: the longest links still fit (≈ 2,900 bytes).
    QRCode.toDataURL(link.url, { errorCorrectionLevel: 'L', margin: 2, width: 768 })
      .then((dataUrl) => !cancelled && setQr({ kind: 'ok', dataUrl }))
      .catch(() => !cancelled && setQr({ kind: 'too-long' }));
    return () => {
      cancelled = true;
    };
  }, [link]);

  if (!link.ok) {
    return (
      <div className="message error" role="alert" data-testid="share-link-error">
        {issues.text(link.error)}
        {link.error.errors ? (
          <ul>
            {link.error.errors.slice(0, 10).map((e, i) => (
              <li key={i}>{issues.setup(e)}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url!);
      setCopied('copied');
    } catch {
      // Clipboard blocked (permissions, insecure context): select the text for a manual copy.
      const field = document.getElementById('share-link-field');
      if (field instanceof HTMLInputElement) field.select();
      setCopied('blocked');
    }
  };

  return (
    <div className="share-link">
      <p className="hint" style={{ marginTop: 0 }}>
        {t('share.link.help')}
      </p>
      <label className="field">
        {t('share.link.label')}
        <div className="row">
          <input
            id="share-link-field"
            type="text"
            className="grow mono"
            readOnly
            value={link.url}
            onFocus={(e) => e.currentTarget.select()}
            data-testid="share-link"
          />
          <button className="btn primary" onClick={() => void copy()} data-testid="copy-link">
            {t('share.link.copy')}
          </button>
        </div>
      </label>
      <p className="hint" role="status" aria-live="polite">
        {copied === 'copied'
          ? t('share.link.copied')
          : copied === 'blocked'
            ? t('share.link.copyBlocked')
            : t('share.link.size', { n: link.url!.length })}
      </p>
      <div className="qr-area">
        {qr.kind === 'ok' ? (
          <>
            <img src={qr.dataUrl} alt={t('share.qr.alt')} className={bigQr ? 'qr big' : 'qr'} data-testid="share-qr" />
            <button className="btn small" onClick={() => setBigQr((v) => !v)} aria-pressed={bigQr}>
              {bigQr ? t('share.qr.smaller') : t('share.qr.bigger')}
            </button>
          </>
        ) : qr.kind === 'too-long' ? (
          <p className="message warning">{t('share.qr.tooLong')}</p>
        ) : null}
      </div>
    </div>
  );
}
