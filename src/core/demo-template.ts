// The demonstration template of a template entry (few-shot, LM-BFF): how one training example,
// filled with its label word, is written after the query. [X…] are the demonstration example's
// own inputs, [Z] its label word. Absent, a demonstration uses the query's template. It is parsed
// like a template (same syntax, same errors with positions); its messages are shown after
// "demonstration template" (formatDemoTemplateIssue), and one check is its own: it may only use
// inputs the query's template has (a demonstration example has the same fields as the query).

import { issue, type Issue } from './issues.ts';
import type { Locale } from './messages/catalog.ts';
import { fieldInWords } from './messages/fields.ts';
import { formatIssue } from './messages/index.ts';
import type { TemplateEntry } from './setup.ts';
import {
  offsetToLineColumn,
  parseTemplate,
  type Template,
  type TemplateIssue,
  type TemplateParse,
} from './template.ts';

/** The text a demonstration is written with: the entry's demo template, else its own. */
export function demoTemplateText(entry: Pick<TemplateEntry, 'text' | 'demo'>): string {
  return entry.demo ?? entry.text;
}

/**
 * Parse a demonstration template. `query` is the query's parsed template (null while it has
 * errors: then only the demo's own syntax is checked). Not a problem: a demo that shows none or
 * only some of its example's inputs, so the "no input slot" and "slot gap" warnings are left out.
 */
export function parseDemoTemplate(text: string, query: Template | null): TemplateParse {
  const parsed = parseTemplate(text);
  // A demonstration may show only some of its example's inputs: no "no input" or "gap" warning.
  const warnings = parsed.warnings.filter((x) => x.code !== 'no-input-slot' && x.code !== 'slot-gap');
  if (!parsed.ok) return { ...parsed, warnings };
  if (query !== null) {
    const source = parsed.template.source;
    const multiline = source.includes('\n') ? 1 : 0;
    const known = new Set(query.slots);
    const errors = parsed.template.nodes
      .filter((n) => n.kind === 'input' && !known.has(n.slot))
      .map((n) => {
        const slot = n.kind === 'input' ? n.slot : '';
        const at = { ...offsetToLineColumn(source, n.span.start), multiline } as const;
        const slots = query.slots.map((s) => `[${s}]`).join(', ');
        return issue(
          'demo-slot-unknown',
          'error',
          { ...at, slot, slots },
          n.span,
        ) as TemplateIssue<'demo-slot-unknown'>;
      });
    if (errors.length > 0) return { ok: false, errors, warnings };
  }
  return { ok: true, template: parsed.template, warnings };
}

/**
 * A demo template's issue in words, after the field it is about: "Template 2, demonstration
 * template: …" (with the entry's index) or "Demonstration template: …".
 */
export function formatDemoTemplateIssue(
  reported: Issue,
  locale: Locale = 'en',
  templateIndex: number | null = null,
): string {
  const field = fieldInWords(templateIndex === null ? 'demo' : `templates[${templateIndex}].demo`, locale);
  const message = formatIssue(reported, locale);
  if (locale === 'zh') return `${field}：${message}`;
  return `${field.charAt(0).toUpperCase()}${field.slice(1)}: ${message}`;
}
