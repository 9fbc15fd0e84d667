// Highlighting of a template's slots in an editor (the template and the demonstration template).
import type { Highlight } from './HighlightedEditor';

/** Slot-looking pieces of the text, for highlighting even while the template has errors. */
export function slotHighlights(text: string): Highlight[] {
  const out: Highlight[] = [];
  for (const match of text.matchAll(/\\[[\]\\]|\[[^[\]\n]*\]/g)) {
    const start = match.index;
    const span = { start, end: start + match[0].length };
    if (match[0].startsWith('\\')) out.push({ span, className: 'tok-escape' });
    else if (/^\[\s*Z\s*\]$/.test(match[0])) out.push({ span, className: 'tok-answer' });
    else if (/^\[\s*X\d*\s*(\|[^\]]*)?\]$/.test(match[0])) out.push({ span, className: 'tok-input' });
  }
  return out;
}
