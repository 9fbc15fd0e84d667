// A textarea with a highlighted mirror behind it, so slots and error positions show in place
// while the user types. The mirror renders text nodes only (never HTML).
import { useRef, type KeyboardEvent } from 'react';
import type { Span } from '../../core/types';

export interface Highlight {
  span: Span;
  className: string;
}

interface Props {
  id: string;
  value: string;
  onChange(value: string): void;
  highlights: Highlight[];
  invalid?: boolean;
  rows?: number;
  label: string;
  describedBy?: string;
  placeholder?: string;
  onKeyDown?(event: KeyboardEvent<HTMLTextAreaElement>): void;
}

/** Puts the cursor on a span of an editor (clicking an error message jumps to its position). */
export function selectSpan(editorId: string, span: Span): void {
  const field = document.getElementById(editorId);
  if (!(field instanceof HTMLTextAreaElement)) return;
  field.focus();
  field.setSelectionRange(span.start, Math.max(span.start, span.end));
}

/** Splits text into runs that share the same set of classes (later highlights add to earlier ones). */
export function highlightRuns(text: string, highlights: readonly Highlight[]): { text: string; className: string }[] {
  const classes: string[][] = Array.from({ length: text.length }, () => []);
  for (const { span, className } of highlights) {
    const start = Math.max(0, span.start);
    const end = Math.min(text.length, Math.max(span.end, span.start + 1));
    for (let i = start; i < end; i++) classes[i]!.push(className);
  }
  const runs: { text: string; className: string }[] = [];
  for (let i = 0; i < text.length; i++) {
    const className = classes[i]!.join(' ');
    const last = runs[runs.length - 1];
    if (last?.className === className) last.text += text[i]!;
    else runs.push({ text: text[i]!, className });
  }
  return runs;
}

export function HighlightedEditor({
  id,
  value,
  onChange,
  highlights,
  invalid,
  rows = 2,
  label,
  describedBy,
  placeholder,
  onKeyDown,
}: Props) {
  const mirror = useRef<HTMLDivElement>(null);
  const runs = highlightRuns(value, highlights);
  // An error at the very end (e.g. an unclosed bracket) needs a visible cell to underline.
  const endError = highlights.some((h) => h.span.start >= value.length && h.className.includes('tok-error'));
  return (
    <div className={`editor${invalid ? ' invalid' : ''}`}>
      <div className="mirror" ref={mirror} aria-hidden="true">
        {runs.map((run, i) =>
          run.className ? (
            <span key={i} className={run.className}>
              {run.text}
            </span>
          ) : (
            run.text
          ),
        )}
        {endError ? <span className="tok-error">&nbsp;</span> : null}
        {'\n'}
      </div>
      <textarea
        id={id}
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        value={value}
        rows={rows}
        spellCheck={false}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        onScroll={(event) => {
          if (mirror.current) mirror.current.scrollTop = event.currentTarget.scrollTop;
        }}
      />
    </div>
  );
}
