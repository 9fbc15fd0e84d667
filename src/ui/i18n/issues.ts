// Messages from the prompt engine, the setup schema, share links, format converters and the
// runtime, in the UI's language. Engine issues are rendered by the engine's own message catalogs
// (src/core/messages), the same ones the CLI prints in English.
import { RUNTIME_ERRORS, type Issue } from '../../core/issues';
import { fieldsInWords, formatIssue, formatSetupError } from '../../core/messages';
import type { SetupError } from '../../core/setup-parse';
import { usePrefs, type Locale } from '../../store/prefs';

/** What the UI knows of a runtime failure (store/failure.ts). */
export interface RuntimeFailureText {
  code: string;
  message: string;
  file?: string;
  where?: string;
}

const WHERE = new Set(['hub', 'app', 'folder', 'disk']);

export interface IssueText {
  /** Any issue the engine reports (template, verbalizer, label words, scoring, link, format, data). */
  text(issue: Issue): string;
  /** "Field: message" for setup schema errors, the field in words ("Input 1, [X]: …"). */
  setup(error: SetupError): string;
  /** Setup paths ("inputs[0].X", from setup-fit.ts) as a list of fields in words. */
  fields(paths: readonly string[]): string;
  /**
   * A runtime failure: a translated summary (naming the file that is wrong, and what to do), and the
   * engine's English text as detail (null in English, where that text is the summary).
   */
  runtime(failure: RuntimeFailureText): { summary: string; detail: string | null };
}

export function issueText(locale: Locale): IssueText {
  return {
    text: (reported) => formatIssue(reported, locale),
    setup: (error) => formatSetupError(error, locale),
    fields: (paths) => fieldsInWords(paths, locale),
    runtime: (f) => {
      // In English the runtime's own message says it all; in Chinese it follows a translated summary.
      if (locale === 'en' || !Object.hasOwn(RUNTIME_ERRORS, f.code)) return { summary: f.message, detail: null };
      // Codes about a model file take its name and where the model comes from; the others take none.
      const params = { file: f.file ?? '', where: f.where && WHERE.has(f.where) ? f.where : '' };
      const summary = formatIssue({ code: f.code, severity: 'error', params } as Issue, locale);
      return { summary, detail: f.message };
    },
  };
}

/** The translator for the current UI language. */
export function useIssueText(): IssueText {
  const locale = usePrefs((s) => s.locale);
  return issueText(locale);
}
