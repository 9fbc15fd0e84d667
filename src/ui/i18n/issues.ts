// Messages from the prompt engine, the setup schema, share links, format converters and the
// runtime, in the UI's language. Engine issues are rendered by the engine's own message catalogs
// (src/core/messages), the same ones the CLI prints in English.
import type { Issue } from '../../core/issues';
import { formatIssue, formatSetupError } from '../../core/messages';
import type { SetupError } from '../../core/setup';
import { usePrefs, type Locale } from '../../store/prefs';

// Runtime failure codes (src/runtime/errors.ts RuntimeErrorCode; the UI reads them through the store).
const RUNTIME_ZH: Record<string, string> = {
  'hub-unreachable': '无法连接 Hugging Face Hub。',
  'file-missing': '模型缺少需要的文件。',
  'not-masked-lm': '这不是掩码语言模型（fill-mask），无法在 [Z] 处打分。',
  'corrupt-model': '模型文件已损坏或无法读取。',
  'out-of-memory': '内存不足，无法运行这个模型。',
  'webgpu-unavailable': 'WebGPU 不可用。',
  'invalid-input': '输入无效。',
  'not-loaded': '模型还没有加载。',
  'worker-crashed': '模型工作线程意外停止。',
  'worker-restarted': '模型工作线程已重启。',
  unknown: '发生了未知错误。',
};

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
    text: (issue) => formatIssue(issue, locale),
    setup: (error) => formatSetupError(error, locale),
    runtime: (f) => {
      const summary = locale === 'zh' ? RUNTIME_ZH[f.code] : undefined;
      return summary ? { summary, detail: f.message } : { summary: f.message, detail: null };
    },
  };
}

/** The translator for the current UI language. */
export function useIssueText(): IssueText {
  const locale = usePrefs((s) => s.locale);
  return issueText(locale);
}
