import { useState } from 'react';
import { parseSetup } from '../../core/setup-parse';
import type { PromptSetup, VerbalizerVariant } from '../../core/setup';
import { formatVerbalizer, parseVerbalizer } from '../../core/verbalizer';
import { useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';
import { useIssueText } from '../i18n/issues';

interface Draft {
  name: string;
  text: string;
}

const draftsOf = (variants: readonly VerbalizerVariant[]): Draft[] =>
  variants.map((v) => ({ name: v.name, text: formatVerbalizer({ labels: v.labels }) }));

/**
 * Verbalizer variants: a named alternative label-word list each, written like the verbalizer (one
 * label per line). A draft is put into the setup only when every variant reads and the setup
 * validates (same labels as the verbalizer, distinct names); otherwise its messages are shown.
 */
export function VariantEditor({ disabled }: { disabled: boolean }) {
  const t = useT();
  const issues = useIssueText();
  const setup = useWorkspace((s) => s.setup);
  const [drafts, setDrafts] = useState<Draft[]>(() => draftsOf(setup.verbalizerVariants));
  const [errors, setErrors] = useState<string[]>([]);

  const commit = (next: Draft[]) => {
    setDrafts(next);
    const problems: string[] = [];
    const variants: VerbalizerVariant[] = [];
    next.forEach((d, i) => {
      const parsed = parseVerbalizer(d.text);
      if (!parsed.ok)
        problems.push(
          `${d.name || t('grid.variantN', { n: i + 1 })}: ${parsed.errors.map((e) => issues.text(e)).join(' ')}`,
        );
      else variants.push({ name: d.name, labels: parsed.verbalizer.labels });
    });
    if (problems.length === 0) {
      const candidate: PromptSetup = { ...setup, verbalizerVariants: variants, grid: null };
      const checked = parseSetup(candidate);
      if (checked.ok) useWorkspace.getState().setVerbalizerVariants(variants);
      else problems.push(...checked.errors.map((e) => issues.setup(e)));
    }
    setErrors(problems);
  };

  return (
    <fieldset className="grid-variants" data-testid="grid-variants">
      <legend>{t('grid.variants')}</legend>
      <p className="hint">{t('grid.variantsHelp')}</p>
      {drafts.map((d, i) => (
        <div key={i} className="grid-variant" data-testid="grid-variant">
          <label>
            {t('grid.variantName')}{' '}
            <input
              value={d.name}
              disabled={disabled}
              onChange={(e) => commit(drafts.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
              data-testid="grid-variant-name"
            />
          </label>
          <textarea
            rows={3}
            value={d.text}
            disabled={disabled}
            aria-label={t('grid.variantWords', { name: d.name || t('grid.variantN', { n: i + 1 }) })}
            onChange={(e) => commit(drafts.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
            data-testid="grid-variant-text"
          />
          <button className="btn small" disabled={disabled} onClick={() => commit(drafts.filter((_, j) => j !== i))}>
            {t('grid.variantRemove')}
          </button>
        </div>
      ))}
      <button
        className="btn small"
        disabled={disabled}
        onClick={() =>
          commit([
            ...drafts,
            { name: t('grid.variantDefaultName', { n: drafts.length + 1 }), text: formatVerbalizer(setup.verbalizer) },
          ])
        }
        data-testid="grid-variant-add"
      >
        {t('grid.variantAdd')}
      </button>
      {errors.length > 0 ? (
        <ul className="message error" role="alert" data-testid="grid-variant-errors">
          {errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
