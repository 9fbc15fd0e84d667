// Messages from the prompt engine, the setup schema, share links, format converters and the
// runtime, in the UI's language. Engine issues are rendered by the engine's own message catalogs
// (src/core/messages), the same ones the CLI prints in English.
import { issue, RUNTIME_ERRORS, type Issue, type RuntimeErrorCode } from '../../core/issues';
import { formatIssue, formatSetupError } from '../../core/messages';
import type { SetupError } from '../../core/setup-parse';
import { usePrefs, type Locale } from '../../store/prefs';

export interface IssueText {
  /** Any issue the engine reports (template, verbalizer, label words, scoring, link, format, data). */
  text(issue: Issue): string;
  /** "path: message" for setup schema errors. */
  setup(error: SetupError): string;
  /** A runtime failure: a translated summary, and the engine's English text as detail (null in English). */
  runtime(failure: { code: string; message: string }): { summary: string; detail: string | null };
}

export function issueText(locale: Locale): IssueText {
  return {
    text: (reported) => formatIssue(reported, locale),
    setup: (error) => formatSetupError(error, locale),
    runtime: (f) => {
      // In English the runtime's own message says it all; in Chinese it follows a translated summary.
      if (locale === 'en' || !Object.hasOwn(RUNTIME_ERRORS, f.code)) return { summary: f.message, detail: null };
      const summary = formatIssue(issue(f.code as RuntimeErrorCode, 'error', {}), locale);
      return { summary, detail: f.message };
    },
  };
}

/** The translator for the current UI language. */
export function useIssueText(): IssueText {
  const locale = usePrefs((s) => s.locale);
  return issueText(locale);
}
