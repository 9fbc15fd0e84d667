import { useMemo, useState } from 'react';
import { labelCandidates } from '../../core/dataset-mapping';
import { allProblems } from '../../core/dataset';
import { usePrefs } from '../../store/prefs';
import { chosenSlots, useEvaluation } from '../../store/evaluation';
import { useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';
import { useIssueText } from '../i18n/issues';
import { count } from './format';
import { StepHeading } from '../components/StepHeading';

/** Label values shown in the mapping table (a text column picked by mistake has thousands). */
const MAX_LABEL_VALUES = 40;
const PROBLEMS_SHOWN = 50;

/** A drop-down of `choices` with a first entry for none (its value is null). */
function ChoiceSelect({
  ariaLabel,
  choices,
  noneLabel,
  value,
  onChange,
  className,
}: {
  ariaLabel: string;
  choices: string[];
  noneLabel: string;
  value: string | null;
  onChange(choice: string | null): void;
  className?: string;
}) {
  return (
    <select
      aria-label={ariaLabel}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || null)}
      className={className}
    >
      <option value="">{noneLabel}</option>
      {choices.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}

/** A choice of one of the data's columns (or none yet). */
function ColumnSelect({
  label,
  ariaLabel,
  columns,
  value,
  onChange,
}: {
  label: string;
  ariaLabel: string;
  columns: string[];
  value: string | null;
  onChange(column: string | null): void;
}) {
  const t = useT();
  return (
    <label className="field">
      {label}
      <ChoiceSelect
        ariaLabel={ariaLabel}
        choices={columns}
        noneLabel={t('eval.map.choose')}
        value={value}
        onChange={onChange}
      />
    </label>
  );
}

/** Step 2: which column fills each template slot, which holds the gold label, and how label values map. */
export function MappingPanel() {
  const t = useT();
  const issues = useIssueText();
  const locale = usePrefs((s) => s.locale);
  const dataset = useEvaluation((s) => s.dataset);
  const mapping = useEvaluation((s) => s.mapping);
  const examples = useEvaluation((s) => s.examples);
  const mappingProblems = useEvaluation((s) => s.mappingProblems);
  const building = useEvaluation((s) => s.building);
  const selected = useEvaluation((s) => s.selectedTemplates);
  const setup = useWorkspace((s) => s.setup);
  const { setSlotColumn, setLabelColumn, setLabelMapping } = useEvaluation.getState();
  const [showAllProblems, setShowAllProblems] = useState(false);
  const labels = setup.verbalizer.labels.map((l) => l.label);
  const slots = chosenSlots(setup, selected);
  // Counted over the rows that are used (or would be, once their value is mapped): skipped rows count nowhere.
  const values = useEvaluation((s) => s.labelValues);
  const problems = useMemo(() => (dataset ? allProblems(dataset, mappingProblems) : []), [dataset, mappingProblems]);

  const heading = (
    <StepHeading id="eval-map-heading" step={2}>
      {t('eval.map.title')}
    </StepHeading>
  );
  if (!dataset) {
    return (
      <section className="panel" aria-labelledby="eval-map-heading">
        {heading}
        <p className="empty">{t('eval.map.noData')}</p>
      </section>
    );
  }

  const shownProblems = showAllProblems ? problems.slice(0, 1000) : problems.slice(0, PROBLEMS_SHOWN);
  return (
    <section className="panel" aria-labelledby="eval-map-heading">
      {heading}
      <div className="eval-map-grid">
        {slots.map((slot) => (
          <ColumnSelect
            key={slot}
            label={t('eval.map.slot', { slot: `[${slot}]` })}
            ariaLabel={t('eval.map.slotAria', { slot })}
            columns={dataset.columns}
            value={mapping.slots[slot] ?? null}
            onChange={(column) => setSlotColumn(slot, column)}
          />
        ))}
        <ColumnSelect
          label={t('eval.map.labelColumn')}
          ariaLabel={t('eval.map.labelColumn')}
          columns={dataset.columns}
          value={mapping.labelColumn}
          onChange={setLabelColumn}
        />
      </div>

      {mapping.labelColumn ? (
        <>
          <h3 className="eval-subtitle">{t('eval.map.values')}</h3>
          {values.length > 0 && labels.length > 0 && ![...mapping.labelMap.values()].some((l) => l !== null) ? (
            <p className="message warning" data-testid="no-label-mapped">
              {t('eval.map.noneMapped', {
                column: mapping.labelColumn,
                labels: labels.join(', '),
                value: values[0]?.value ?? '',
                label: labels[0]!,
              })}
            </p>
          ) : null}
          {values.length > MAX_LABEL_VALUES ? (
            <p className="message warning">{t('eval.map.tooManyValues', { n: count(values.length, locale) })}</p>
          ) : null}
          <table className="eval-table compact" aria-label={t('eval.map.values')} data-testid="label-map">
            <thead>
              <tr>
                <th>{t('eval.map.valueColumn')}</th>
                <th className="num">{t('eval.map.rowsColumn')}</th>
                <th>{t('eval.map.labelTarget')}</th>
              </tr>
            </thead>
            <tbody>
              {values.slice(0, MAX_LABEL_VALUES).map(({ value, count: n }) =>
                value === '' ? null : (
                  <tr key={value}>
                    <td className="mono">{value}</td>
                    <td className="num">{count(n, locale)}</td>
                    <td>
                      {mapping.labelMap.get(value) == null && labelCandidates(value, labels).length > 1 ? (
                        <p className="message warning" data-testid="ambiguous-label">
                          {t('eval.map.ambiguous', { labels: labelCandidates(value, labels).join(', ') })}
                        </p>
                      ) : null}
                      <ChoiceSelect
                        ariaLabel={t('eval.map.valueAria', { value })}
                        choices={labels}
                        noneLabel={t('eval.map.skip')}
                        value={mapping.labelMap.get(value) ?? null}
                        onChange={(label) => setLabelMapping(value, label)}
                        className={mapping.labelMap.get(value) ? undefined : 'unmapped'}
                      />
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </>
      ) : null}

      <p className="eval-ready-line" data-testid="examples-ready" role="status">
        {building
          ? t('eval.map.building')
          : t('eval.map.ready', { n: count(examples.length, locale), total: count(dataset.totalRows, locale) })}
      </p>
      {problems.length > 0 ? (
        <details className="eval-problems" data-testid="bad-rows" open={problems.length <= 10}>
          <summary>
            <span className="badge" style={{ color: 'var(--warning)' }}>
              {t('eval.map.problems', { n: count(problems.length, locale) })}
            </span>{' '}
            {t('eval.map.problemsHelp')}
          </summary>
          <ul>
            {shownProblems.map((p, i) => (
              <li key={i} data-line={p.params.line}>
                {issues.text(p)}
              </li>
            ))}
          </ul>
          {problems.length > shownProblems.length ? (
            <button className="btn small" onClick={() => setShowAllProblems(true)} disabled={showAllProblems}>
              {showAllProblems
                ? t('eval.map.problemsMore', { n: count(problems.length - shownProblems.length, locale) })
                : t('eval.map.problemsShowMore')}
            </button>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}
