// Issues in words: the one place where an issue's code and params become a sentence, in the UI's
// language or (for the CLI) in English.
import type { Issue } from '../issues.ts';
import type { SetupError } from '../setup-parse.ts';
import type { IssueCatalog, Locale } from './catalog.ts';
import { en } from './en.ts';
import { zh } from './zh.ts';
import { fieldInWords } from './fields.ts';

export type { IssueCatalog, Locale, MessageEntry } from './catalog.ts';
export { percent } from './catalog.ts';
export { fieldInWords, fieldsInWords } from './fields.ts';

export const ISSUE_CATALOGS: Readonly<Record<Locale, IssueCatalog>> = { en, zh };

export function formatIssue(issue: Issue, locale: Locale = 'en'): string {
  const entry = ISSUE_CATALOGS[locale][issue.code] ?? en[issue.code];
  // The catalogs are typed per code; TypeScript can't pair a union's code with its entry here.
  return typeof entry === 'string' ? entry : (entry as (p: unknown) => string)(issue.params);
}

/** A setup error after the field it is about, in words: "Template 1, text: …" ("模板 1 的文本：…"); none for the whole setup. */
export function formatSetupError(error: SetupError, locale: Locale = 'en'): string {
  // About the whole setup: the message says so itself.
  if (error.path === '(root)') return formatIssue(error, locale);
  const field = fieldInWords(error.path, locale);
  if (locale === 'zh') return `${field}：${formatIssue(error, locale)}`;
  return `${field.charAt(0).toUpperCase()}${field.slice(1)}: ${formatIssue(error, locale)}`;
}
