// How the UI names a setup's templates in lists and pickers.
import type { TemplateEntry } from '../core/setup';
import type { Translate } from './i18n';

/** A name that only numbers the template ("Template 2", as a new template is named): no name of its own. */
const NUMBERING = /^\s*(template|模板)\s*\d+\s*$/i;

/**
 * Template id → its label: the template's own name, or "Template 2" (by its position) when it has
 * none. When two templates share a name, the number comes first ("Template 2 · Short") so that no
 * two labels look alike; a number is never said twice ("Template 2 · Template 2").
 */
export function templateLabels(templates: readonly TemplateEntry[], t: Translate): Map<string, string> {
  const own = (entry: TemplateEntry) => (NUMBERING.test(entry.name) ? '' : entry.name.trim());
  const counts = new Map<string, number>();
  for (const entry of templates) counts.set(own(entry), (counts.get(own(entry)) ?? 0) + 1);
  return new Map(
    templates.map((entry, index) => {
      const name = own(entry);
      const numbered = t('template.tabName', { n: index + 1 });
      if (!name) return [entry.id, numbered];
      return [entry.id, (counts.get(name) ?? 0) > 1 ? `${numbered} · ${name}` : name];
    }),
  );
}
