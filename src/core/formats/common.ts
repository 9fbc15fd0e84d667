// Shared shapes of the converters between ClozeLab and other prompt-learning tools.
import { issue, type FormatIssueCode, type Issue, type IssueParams } from '../issues.ts';
import { IMPORTED_MAPPING_CHARS, LIMITS } from '../limits.ts';
import type { Verbalizer } from '../verbalizer.ts';

/**
 * Something that a conversion could not carry over exactly, or why it failed. Never dropped
 * silently: every converter returns its warnings, and the UI lists them. A converter that reads a
 * template passes the template's own errors on. `template` names the template it is about when a
 * whole setup (several templates) is converted.
 */
export type FormatWarning = Issue<FormatIssueCode> & { template?: string };

export function formatWarning<C extends FormatIssueCode>(code: C, params: IssueParams<C>): FormatWarning {
  return issue(code, 'warning', params) as FormatWarning;
}

export function formatFailure<C extends FormatIssueCode>(code: C, params: IssueParams<C>): FormatWarning {
  return issue(code, 'error', params) as FormatWarning;
}

/** The refusal of a label-word text too long to read (checked before it is parsed), or null. */
export function mappingTooLong(text: string): FormatWarning | null {
  return text.length > IMPORTED_MAPPING_CHARS
    ? formatFailure('import-too-long', { what: 'mapping', length: text.length, max: IMPORTED_MAPPING_CHARS })
    : null;
}

/** The first limit of a verbalizer (LIMITS) that converted label words break, or null. */
export function verbalizerOverLimit(labels: Verbalizer['labels']): FormatWarning | null {
  const over = (what: 'labels' | 'label' | 'words' | 'word', label: string, max: number) =>
    formatFailure('mapping-over-limit', { what, label, max });
  if (labels.length > LIMITS.labels) return over('labels', '', LIMITS.labels);
  for (const { label, words } of labels) {
    if (label.length > LIMITS.labelChars) return over('label', label.slice(0, 40), LIMITS.labelChars);
    if (words.length > LIMITS.wordsPerLabel) return over('words', label, LIMITS.wordsPerLabel);
    if (words.some((word) => word.length > LIMITS.wordChars)) return over('word', label, LIMITS.wordChars);
  }
  return null;
}

export type ConvertResult<T> =
  { ok: true; value: T; warnings: FormatWarning[] } | { ok: false; errors: FormatWarning[]; warnings: FormatWarning[] };

/** Escapes literal text for ClozeLab's template language. */
export function escapeTemplateText(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** Slot name for input number `index` (0-based) when a template has `count` inputs. */
export function slotForIndex(index: number, numbered: boolean): string {
  return numbered ? `X${index + 1}` : 'X';
}

/** 0-based input number of a ClozeLab slot ("X" and "X1" → 0, "X2" → 1). */
export function indexOfSlot(slot: string): number {
  return slot === 'X' ? 0 : Number(slot.slice(1)) - 1;
}
