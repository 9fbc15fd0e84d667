import { noExamplesReason, type NoExamplesReason } from '../../core/dataset-mapping';
import { usePrefs } from '../../store/prefs';
import { chosenSlots, useEvaluation } from '../../store/evaluation';
import { useWorkspace } from '../../store/workspace';
import { useT, type MessageKey } from '../i18n';
import { count } from './format';

const REASON_KEYS: Record<NoExamplesReason, MessageKey> = {
  'no-text-column': 'eval.run.needTextColumn',
  'no-label-column': 'eval.run.needLabelColumn',
  'no-label-mapped': 'eval.run.needLabelMapping',
  'no-usable-row': 'eval.run.noUsableRow',
};

/**
 * Takes the user to step 2's first control that needs them, in noExamplesReason's order: a column
 * not chosen yet, an unmapped label value, the list of skipped rows.
 */
export function focusMappingControl(): void {
  const control =
    [...document.querySelectorAll<HTMLSelectElement>('.eval-map-grid select')].find((s) => s.value === '') ??
    document.querySelector<HTMLElement>('[data-testid="label-map"] select.unmapped') ??
    document.querySelector<HTMLElement>('[data-testid="bad-rows"] summary');
  control?.scrollIntoView({ block: 'center' });
  control?.focus();
}

/** Why there is nothing to evaluate yet, as the next step to take: load data, or finish step 2. */
export function NoExamplesHint() {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const dataset = useEvaluation((s) => s.dataset);
  const mapping = useEvaluation((s) => s.mapping);
  const building = useEvaluation((s) => s.building);
  const labelValues = useEvaluation((s) => s.labelValues);
  const selected = useEvaluation((s) => s.selectedTemplates);
  const setup = useWorkspace((s) => s.setup);
  if (!dataset) return <span className="hint">{t('eval.run.needData')}</span>;
  if (building) return null;
  const slots = chosenSlots(setup, selected);
  const reason = noExamplesReason(
    mapping,
    slots,
    labelValues.map((v) => v.value),
  );
  return (
    <p className="message warning" role="status" data-testid="no-examples" data-reason={reason}>
      {t(REASON_KEYS[reason], {
        rows: count(dataset.totalRows, locale),
        slots: slots.map((s) => `[${s}]`).join(', '),
        column: mapping.labelColumn ?? '',
      })}{' '}
      <button className="btn small" onClick={focusMappingControl}>
        {t('eval.run.showMapping')}
      </button>
    </p>
  );
}
