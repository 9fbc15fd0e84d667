// UI strings live only in the message catalogs (en.ts, zh.ts). `{name}` placeholders are filled
// from params; the result is plain text (React escapes it), never HTML.
import { useCallback } from 'react';
import { usePrefs, type Locale } from '../../store/prefs';
import { en, type MessageKey } from './en';
import { zh } from './zh';

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, zh };

export type { MessageKey };
export type TranslateParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: TranslateParams) => string;

export function translate(locale: Locale, key: MessageKey, params?: TranslateParams): string {
  const template = catalogs[locale][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The translate function of the current locale; the same function until the locale changes. */
export function useT(): Translate {
  const locale = usePrefs((s) => s.locale);
  return useCallback<Translate>((key, params) => translate(locale, key, params), [locale]);
}
