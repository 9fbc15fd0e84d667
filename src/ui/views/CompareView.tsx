// Two templates side by side on the same inputs: A is the active template (the live pipeline),
// B a second template of the setup scored in its own lane (src/store/compare.ts).
import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isTestModelId } from '../../core/models';
import { parseTemplate } from '../../core/template';
import { compareSignature, defaultCompareId, setCompareTemplate, useCompare } from '../../store/compare';
import { rowSignature } from '../../store/live';
import { activeTemplate, useWorkspace, type RowResult } from '../../store/workspace';
import { LabelChart, RenderedPrompt } from '../components/ResultCard';
import { ResultHeadline } from '../components/ResultHeadline';
import { templateLabels } from '../templateLabels';
import { probabilityPercent } from '../../core/percent';
import { useT } from '../i18n';
import { useIssueText } from '../i18n/issues';
import '../classroom.css';

function Side({ result, stale, label }: { result: RowResult | null; stale: boolean; label: string }) {
  const t = useT();
  if (!result) return <p className="empty">{t('compare.noResult')}</p>;
  const { scores } = result;
  const winner = scores.labels[scores.winner];
  return (
    <div
      className={`compare-side result-card${stale ? ' stale' : ''}`}
      data-testid={`compare-${label}`}
      data-stale={stale || undefined}
    >
      <RenderedPrompt result={result} />
      <ResultHeadline stale={stale} testId={`compare-${label}-winner`}>
        {t('result.prediction')} <strong>{winner ?? '—'}</strong>{' '}
        {winner !== undefined ? `(${probabilityPercent(scores.probs[scores.winner] ?? 0)})` : ''}
      </ResultHeadline>
      <LabelChart result={result} height={Math.max(70, 30 * scores.labels.length + 12)} />
    </div>
  );
}

function TemplateField({ id, label }: { id: string; label: string }) {
  const t = useT();
  const issues = useIssueText();
  const entry = useWorkspace((s) => s.setup.templates.find((x) => x.id === id));
  const setTemplateText = useWorkspace((s) => s.setTemplateText);
  const parse = useMemo(() => (entry ? parseTemplate(entry.text) : null), [entry]);
  if (!entry) return null;
  return (
    <div className="compare-template">
      <textarea
        className="mono code-area"
        rows={2}
        value={entry.text}
        aria-label={label}
        aria-invalid={parse ? !parse.ok : undefined}
        onChange={(e) => setTemplateText(entry.id, e.target.value)}
        spellCheck={false}
      />
      {parse && !parse.ok ? <p className="message error">{issues.text(parse.errors[0]!)}</p> : null}
      {parse?.ok ? null : <p className="hint">{t('compare.lastGood')}</p>}
    </div>
  );
}

export function CompareView() {
  const t = useT();
  // Narrow subscriptions: download progress does not re-render the comparison.
  const { setup, rows, pending, status } = useWorkspace(
    useShallow((s) => ({ setup: s.setup, rows: s.rows, pending: s.pending, status: s.model.status })),
  );
  const compare = useCompare();
  const bText = compare.templateId ? setup.templates.find((x) => x.id === compare.templateId)?.text : undefined;
  const signatures = useWorkspace(
    useShallow((s) =>
      s.setup.inputs
        .map((_, row) => [rowSignature(s, row), bText === undefined ? '' : compareSignature(s, bText, row)] as const)
        .flat(),
    ),
  );
  const active = activeTemplate(setup);
  const bId =
    compare.templateId && compare.templateId !== active.id && setup.templates.some((x) => x.id === compare.templateId)
      ? compare.templateId
      : null;

  // Choose a B when none (or the active one) is chosen; turn the lane off when leaving the view.
  useEffect(() => {
    if (!bId) {
      const fallback = defaultCompareId(useWorkspace.getState());
      if (fallback !== compare.templateId) setCompareTemplate(fallback);
    }
  }, [bId, compare.templateId, setup.templates, active.id]);
  useEffect(() => () => setCompareTemplate(null), []);

  const labels = templateLabels(setup.templates, t);
  const templateName = (id: string) => labels.get(id) ?? id;

  const addSecond = () => {
    const before = active.id;
    useWorkspace.getState().addTemplate();
    const added = activeTemplate(useWorkspace.getState().setup).id;
    useWorkspace.getState().setActiveTemplate(before);
    setCompareTemplate(added);
  };

  const bTemplate = bId ? setup.templates.find((x) => x.id === bId)! : null;
  let agree = 0;
  let both = 0;
  setup.inputs.forEach((_, row) => {
    const a = rows[row];
    const b = compare.rows[row];
    if (a && b) {
      both++;
      if (a.scores.labels[a.scores.winner] === b.scores.labels[b.scores.winner]) agree++;
    }
  });

  return (
    <main className="compare-view">
      <section className="panel">
        <h2>{t('compare.title')}</h2>
        <p className="hint">{t('compare.help')}</p>
        <p className="hint">
          {t('preview.model')}: <code>{setup.model.id}</code>{' '}
          {isTestModelId(setup.model.id) ? <span className="badge test">{t('model.testBadgeLong')}</span> : null}
        </p>
        {setup.templates.length < 2 ? (
          <div className="message info">
            {t('compare.needTwo')}{' '}
            <button className="btn small primary" onClick={addSecond} data-testid="compare-add">
              {t('compare.addSecond')}
            </button>
          </div>
        ) : (
          <div className="compare-grid compare-heads">
            <div className="compare-col">
              <label className="field">
                {t('compare.templateA')}
                <select
                  value={active.id}
                  onChange={(e) => useWorkspace.getState().setActiveTemplate(e.target.value)}
                  data-testid="compare-select-a"
                >
                  {setup.templates.map((x) => (
                    <option key={x.id} value={x.id} disabled={x.id === bId}>
                      {templateName(x.id)}
                    </option>
                  ))}
                </select>
              </label>
              <TemplateField id={active.id} label={t('compare.templateAText')} />
            </div>
            <div className="compare-col">
              <label className="field">
                {t('compare.templateB')}
                <select
                  value={bId ?? ''}
                  onChange={(e) => setCompareTemplate(e.target.value)}
                  data-testid="compare-select-b"
                >
                  {setup.templates
                    .filter((x) => x.id !== active.id)
                    .map((x) => (
                      <option key={x.id} value={x.id}>
                        {templateName(x.id)}
                      </option>
                    ))}
                </select>
              </label>
              {bTemplate ? <TemplateField id={bTemplate.id} label={t('compare.templateBText')} /> : null}
            </div>
          </div>
        )}
        {status !== 'ready' ? <p className="message info">{t('inputs.noModel')}</p> : null}
        {bTemplate && both > 0 ? (
          <p className="compare-summary" data-testid="compare-summary">
            {t('compare.agreement', { agree, n: both })}
            {pending || compare.pending ? <span className="badge"> {t('inputs.pending')}</span> : null}
          </p>
        ) : null}
      </section>
      {bTemplate
        ? setup.inputs.map((inputs, row) => {
            const a = rows[row] ?? null;
            const b = compare.rows[row] ?? null;
            const sameWinner = a && b ? a.scores.labels[a.scores.winner] === b.scores.labels[b.scores.winner] : null;
            return (
              <section
                key={row}
                className="panel compare-row"
                aria-label={t('inputs.rowAria', { n: row + 1 })}
                data-testid="compare-row"
              >
                <p className="compare-input">
                  <span className="badge">{t('inputs.rowAria', { n: row + 1 })}</span>{' '}
                  {Object.values(inputs).join(' · ') || '—'}
                  {sameWinner === null ? null : sameWinner ? (
                    <span className="badge ok">{t('compare.same')}</span>
                  ) : (
                    <span className="badge test">{t('compare.different')}</span>
                  )}
                </p>
                <div className="compare-grid">
                  <Side result={a} stale={!!a && (pending || a.signature !== signatures[2 * row])} label="a" />
                  <Side
                    result={b}
                    stale={!!b && (compare.pending || b.signature !== signatures[2 * row + 1])}
                    label="b"
                  />
                </div>
              </section>
            );
          })
        : null}
    </main>
  );
}
