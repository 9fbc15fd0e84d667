// Issues in words: the one place where an issue's code and params become a sentence, in the UI's
// language or (for the CLI) in English.
import type { Issue } from '../issues.ts';
import type { SetupError } from '../setup-parse.ts';
import type { IssueCatalog, Locale } from './catalog.ts';
import { en } from './en.ts';
import { zh } from './zh.ts';

export type { IssueCatalog, Locale, MessageEntry } from './catalog.ts';
export { percent } from './catalog.ts';

export const ISSUE_CATALOGS: Readonly<Record<Locale, IssueCatalog>> = { en, zh };

export function formatIssue(issue: Issue, locale: Locale = 'en'): string {
  const entry = ISSUE_CATALOGS[locale][issue.code] ?? en[issue.code];
  // The catalogs are typed per code; TypeScript can't pair a union's code with its entry here.
  return typeof entry === 'string' ? entry : (entry as (p: unknown) => string)(issue.params);
}

/** A setup error with the path of the value it is about: "templates[0].text: …". */
export function formatSetupError(error: SetupError, locale: Locale = 'en'): string {
  return `${error.path}: ${formatIssue(error, locale)}`;
}
