import { useState } from 'react';
import type { PromptLayout } from '../../core/template';
import type { InputPartRead } from '../../core/types';
import { usePrefs } from '../../store/prefs';
import { useT } from '../i18n';
import '../reading.css';

/**
 * A filled prompt's text with its input(s) and its answer slot marked (tok-input, tok-answer).
 * With `read` (the runtime cut the inputs to fit the model), an input shows only the part the
 * model read; the rest is folded behind "… n more tokens not read by the model (show)".
 */
export function PromptSegments({
  layout,
  read,
}: {
  layout: PromptLayout;
  read?: readonly InputPartRead[] | undefined;
}) {
  let inputIndex = 0;
  return (
    <>
      {layout.segments.map((segment, i) => {
        const piece = layout.text.slice(segment.span.start, segment.span.end);
        if (segment.kind === 'input') return <InputPiece key={i} text={piece} read={read?.[inputIndex++]} />;
        if (segment.kind === 'mask')
          return (
            <span key={i} className="tok-answer">
              {piece}
            </span>
          );
        return <span key={i}>{piece}</span>;
      })}
    </>
  );
}

/** An input's text in a prompt: all of it, or the part the model read and the rest folded. */
export function InputPiece({ text, read }: { text: string; read?: InputPartRead | undefined }) {
  if (!read || read.dropped <= 0 || read.chars >= text.length) return <span className="tok-input">{text}</span>;
  return (
    <span>
      <span className="tok-input">{text.slice(0, read.chars)}</span>
      <UnreadFold text={text.slice(read.chars)} dropped={read.dropped} />
    </span>
  );
}

/** The part of an input the model did not read: a count and a button; the text itself only on request. */
function UnreadFold({ text, dropped }: { text: string; dropped: number }) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const [open, setOpen] = useState(false);
  const n = dropped.toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-US');
  return (
    <>
      <span className="unread-fold" data-testid="unread-fold">
        {t('result.unreadFold', { n })}{' '}
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          ({open ? t('result.unreadHide') : t('result.unreadShow')})
        </button>
      </span>
      {open ? (
        <span className="unread-text" role="region" aria-label={t('result.unreadText')} data-testid="unread-text">
          {text}
        </span>
      ) : null}
    </>
  );
}
