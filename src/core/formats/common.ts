// Shared shapes of the converters between ClozeLab and other prompt-learning tools.

/**
 * Something that a conversion could not carry over exactly. Never dropped silently: every
 * converter returns its warnings, and the UI lists them. `message` is English; the UI translates
 * by `code` and `params`.
 */
export interface FormatWarning {
  code: string;
  message: string;
  params?: Record<string, string | number>;
}

/** A warning (or error) with its code, English message and the values the message names. */
export function formatWarning(code: string, message: string, params?: Record<string, string | number>): FormatWarning {
  return { code, message, ...(params ? { params } : {}) };
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
