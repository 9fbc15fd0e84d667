// Verbalizer: which words stand for which label.
//
// Text form (one label per line):
//     # Sentiment
//     positive: great, excellent, good
//     negative: terrible, awful, "not good"
// - Blank lines are ignored; "#" starts a comment anywhere outside quotes.
// - Words are separated by commas and trimmed. A word (or label) may be written in double quotes to
//   include commas, colons, "#", or leading/trailing spaces; inside quotes \" is a quote, \\ a
//   backslash, \t a tab; any other backslash is kept literally. \n and \r are read as line breaks,
//   which a label or word can't hold (an error, like any text a saved setup could not hold).
// - An empty item between commas (e.g. a trailing comma) is ignored with a warning.
//
// Errors are values with a severity, a source span [start, end) and (for issues at a place in the
// text) the 1-based line and column in their params; their words come from src/core/messages.

import { issue, VERBALIZER_ISSUES, type Issue, type IssueParams, type VerbalizerIssueCode } from './issues.ts';
import { LIMITS } from './limits.ts';
import { lineIndex } from './positions';
import type { Span } from './types.ts';

export type { Severity, VerbalizerIssueCode } from './issues.ts';

export interface VerbalizerLabel {
  label: string;
  words: string[];
}
export interface Verbalizer {
  labels: VerbalizerLabel[];
}

/** A verbalizer problem, at a span of the text (the whole text for 'empty-verbalizer', …). */
export type VerbalizerIssue = Issue<VerbalizerIssueCode> & { span: Span };

export type VerbalizerParse =
  | { ok: true; verbalizer: Verbalizer; warnings: VerbalizerIssue[] }
  | { ok: false; errors: VerbalizerIssue[]; warnings: VerbalizerIssue[] };

/** A hostile paste can't make the parser build huge structures. */
export const MAX_VERBALIZER_CHARS = LIMITS.verbalizerChars;

/**
 * What a saved setup may hold (limits.ts, which the setup schema reads too). The editor reports
 * more as an error where it happens: a verbalizer the setup schema would reject must never be
 * saved, or the next page load could not restore the workspace.
 */
export const VERBALIZER_LIMITS = Object.freeze({
  labels: LIMITS.labels,
  labelChars: LIMITS.labelChars,
  wordsPerLabel: LIMITS.wordsPerLabel,
  wordChars: LIMITS.wordChars,
});

/** A label or word holds no line break ("\n" and "\r" in quotes): a setup can't store one (label-newline, word-newline). */
const LINE_BREAK = /[\r\n]/;

/** Reports an issue; the line and column of the span's start are added for issues at a place. */
type Report = <C extends VerbalizerIssueCode>(
  code: C,
  severity: 'error' | 'warning',
  span: Span,
  params: Omit<IssueParams<C>, 'line' | 'column'>,
) => void;

interface Item {
  value: string;
  quoted: boolean;
  span: Span; // source span of the item (quotes included), or of the separator if empty
}

/** Split a line (already without its newline) into the label item and the word items. */
function lexLine(
  source: string,
  lineStart: number,
  lineEnd: number,
  report: Report,
): { label: Item | null; words: Item[]; colon: boolean; blank: boolean; failed: boolean } {
  const words: Item[] = [];
  let label: Item | null = null;
  let colon = false;
  let failed = false;
  let i = lineStart;
  let content = false;

  const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

  // Reads one item starting at i, stopping at a delimiter: ',' (always), ':' (only for the label), '#', or end.
  const readItem = (inLabel: boolean): Item => {
    while (i < lineEnd && isSpace(source[i])) i++;
    const start = i;
    if (source[i] === '"') {
      let value = '';
      i++;
      let closed = false;
      while (i < lineEnd) {
        const ch = source[i]!;
        if (ch === '\\' && i + 1 < lineEnd) {
          const nx = source[i + 1]!;
          const esc: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };
          if (nx in esc) {
            value += esc[nx]!;
            i += 2;
            continue;
          }
          value += ch;
          i++;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        value += ch;
        i++;
      }
      const end = i;
      if (!closed) {
        report('unclosed-quote', 'error', { start, end: start + 1 }, {});
        failed = true;
        return { value, quoted: true, span: { start, end } };
      }
      while (i < lineEnd && isSpace(source[i])) i++;
      const nx = source[i];
      if (i < lineEnd && nx !== ',' && nx !== '#' && !(inLabel && nx === ':')) {
        let e = i;
        while (e < lineEnd && source[e] !== ',' && source[e] !== '#') e++;
        report(
          'unexpected-text',
          'error',
          { start: i, end: e },
          { kind: inLabel ? 'after-quote-label' : 'after-quote' },
        );
        failed = true;
        i = e;
      }
      return { value, quoted: true, span: { start, end } };
    }
    while (i < lineEnd) {
      const ch = source[i]!;
      if (ch === ',' || ch === '#' || (inLabel && ch === ':')) break;
      if (ch === '"') {
        report('unexpected-text', 'error', { start: i, end: i + 1 }, { kind: 'quote' });
        failed = true;
      } else if (ch === ':') {
        report('unexpected-text', 'error', { start: i, end: i + 1 }, { kind: 'colon' });
        failed = true;
      }
      i++;
    }
    let s = start;
    let e = i;
    while (e > s && isSpace(source[e - 1])) e--;
    while (s < e && isSpace(source[s])) s++;
    return {
      value: source.slice(s, e),
      quoted: false,
      span: s === e ? { start: i, end: Math.min(i + 1, lineEnd) } : { start: s, end: e },
    };
  };

  // Label
  const first = readItem(true);
  if (first.quoted || first.value !== '') content = true;
  if (i < lineEnd && source[i] === ':') {
    colon = true;
    content = true;
    label = first;
    i++;
    // Words
    for (;;) {
      const w = readItem(false);
      words.push(w);
      if (i < lineEnd && source[i] === ',') {
        i++;
        continue;
      }
      break; // '#' comment or end of line
    }
  } else {
    label = first;
  }
  return { label, words, colon, blank: !content, failed };
}

/** Parse the text form of a verbalizer. Never throws. */
export function parseVerbalizer(text: string): VerbalizerParse {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- "never throws" also for untyped (JS, JSON) callers
  const source = String(text ?? '');
  const issues: VerbalizerIssue[] = [];
  const index = lineIndex(source);
  const { lineStarts } = index;
  // Messages name the line and column, except for issues about the whole verbalizer.
  const report: Report = (code, severity, span, params) => {
    const located = 'line' in VERBALIZER_ISSUES[code] ? { ...params, ...index.at(span.start) } : params;
    issues.push(issue(code, severity, located as IssueParams<typeof code>, span) as VerbalizerIssue);
  };

  if (source.length > MAX_VERBALIZER_CHARS) {
    report(
      'verbalizer-too-large',
      'error',
      { start: 0, end: source.length },
      { length: source.length, max: MAX_VERBALIZER_CHARS },
    );
    return { ok: false, errors: issues, warnings: [] };
  }

  const labels: VerbalizerLabel[] = [];
  const labelSeen = new Map<string, number>(); // label → index
  const wordOwner = new Map<string, string>(); // word → first label having it
  let tooManyLabels = false;

  for (let ln = 0; ln < lineStarts.length; ln++) {
    const lineStart = lineStarts[ln]!;
    let lineEnd = ln + 1 < lineStarts.length ? lineStarts[ln + 1]! - 1 : source.length;
    if (lineEnd > lineStart && source[lineEnd - 1] === '\r') lineEnd--;
    const lexed = lexLine(source, lineStart, lineEnd, report);
    if (lexed.blank) continue;
    if (!lexed.colon) {
      if (lexed.failed) continue;
      const span = lexed.label!.span;
      report('missing-colon', 'error', span, { text: short(lexed.label!.value) });
      continue;
    }
    const labelItem = lexed.label!;
    const label = labelItem.value;
    let labelOk = true;
    if (label.trim() === '') {
      report('empty-label', 'error', labelItem.span, {});
      labelOk = false;
    } else if (labelSeen.has(label)) {
      report('duplicate-label', 'error', labelItem.span, { label: short(label) });
      labelOk = false;
    } else if (LINE_BREAK.test(label)) {
      report('line-break', 'error', labelItem.span, { text: short(label) });
      labelOk = false;
    } else if (label.length > VERBALIZER_LIMITS.labelChars) {
      report('label-too-long', 'error', labelItem.span, {
        label: short(label),
        length: label.length,
        max: VERBALIZER_LIMITS.labelChars,
      });
      labelOk = false;
    } else if (labels.length >= VERBALIZER_LIMITS.labels) {
      // Reported once, at the first label too many.
      if (!tooManyLabels)
        report('too-many-labels', 'error', labelItem.span, { label: short(label), max: VERBALIZER_LIMITS.labels });
      tooManyLabels = true;
      labelOk = false;
    }
    const words: string[] = [];
    const wordSpans: Span[] = [];
    for (const w of lexed.words) {
      if (!w.quoted && w.value === '') {
        if (lexed.words.length > 1) report('empty-word', 'warning', w.span, { quoted: 0 });
        continue;
      }
      if (w.value === '') {
        report('empty-word', 'warning', w.span, { quoted: 1 });
        continue;
      }
      if (w.value.length > VERBALIZER_LIMITS.wordChars) {
        report('word-too-long', 'error', w.span, {
          word: short(w.value),
          length: w.value.length,
          max: VERBALIZER_LIMITS.wordChars,
        });
        labelOk = false;
        continue;
      }
      if (LINE_BREAK.test(w.value)) {
        report('line-break', 'error', w.span, { text: short(w.value) });
        labelOk = false;
        continue;
      }
      if (words.length === VERBALIZER_LIMITS.wordsPerLabel) {
        report('too-many-words', 'error', w.span, { label: short(label), max: VERBALIZER_LIMITS.wordsPerLabel });
        labelOk = false;
        break;
      }
      if (words.includes(w.value)) {
        report('duplicate-word', 'error', w.span, { word: short(w.value), label: short(label) });
        labelOk = false;
        continue;
      }
      words.push(w.value);
      wordSpans.push(w.span);
    }
    if (words.length === 0 && !lexed.failed) {
      report('no-words', 'error', labelItem.span, { label: short(label) });
      labelOk = false;
    }
    if (!labelOk || lexed.failed) {
      if (label.trim() !== '' && !labelSeen.has(label)) labelSeen.set(label, -1);
      continue;
    }
    words.forEach((w, k) => {
      const owner = wordOwner.get(w);
      if (owner !== undefined && owner !== label) {
        report('shared-word', 'warning', wordSpans[k]!, { word: short(w), other: short(owner) });
      } else if (owner === undefined) wordOwner.set(w, label);
    });
    labelSeen.set(label, labels.length);
    labels.push({ label, words });
  }

  const hasErrors = issues.some((x) => x.severity === 'error');
  if (labelSeen.size === 0 && !hasErrors) {
    report('empty-verbalizer', 'error', { start: 0, end: source.length }, {});
  } else if (labels.length === 1 && !hasErrors) {
    report('single-label', 'warning', { start: 0, end: source.length }, { label: short(labels[0]!.label) });
  }

  issues.sort((a, b) => a.span.start - b.span.start);
  const errors = issues.filter((x) => x.severity === 'error');
  const warnings = issues.filter((x) => x.severity === 'warning');
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, verbalizer: { labels }, warnings };
}

function short(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '…' : s;
}

function needsQuotes(s: string): boolean {
  return s === '' || /[,:#"\\\n\r\t]/.test(s) || /^\s|\s$/.test(s);
}

function quote(s: string): string {
  if (!needsQuotes(s)) return s;
  return (
    '"' +
    s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') +
    '"'
  );
}

/** Text form of a structured verbalizer; `parseVerbalizer(formatVerbalizer(v))` gives back `v`. */
export function formatVerbalizer(v: Verbalizer): string {
  return v.labels.map((l) => `${quote(l.label)}: ${l.words.map(quote).join(', ')}`).join('\n');
}
