// Shared shapes of the converters between ClozeLab and other prompt-learning tools.
import { issue, type FormatIssueCode, type Issue, type IssueParams } from '../issues.ts';

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
