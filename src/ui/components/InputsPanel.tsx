import { useLayoutEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LIMITS } from '../../core/limits';
import { rowSignature } from '../../store/live';
import { isEmptyInput } from '../../store/template-rows';
import { inputFieldSlots, selectResolution, useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';
import { selectModelSituation } from '../../store/model-status';
import { ModelLine } from './ModelLine';
import { ResultCard } from './ResultCard';
import { AttributionPanel, ExplainButton } from './WordAttribution';
import { RuntimeErrorText } from './RuntimeErrorText';
import { runOnCtrlEnter } from './runOnCtrlEnter';
import { CompareSummary, SideBySide, useComparing } from './SideBySide';

/** Puts the caret in the first field of input `row`; false when it is not on the page (yet). */
function focusInput(list: HTMLElement | null, row: number): boolean {
  const block = list?.querySelectorAll('[data-testid="input-row"]')[row];
  const field = block?.querySelector('textarea');
  if (!field) return false;
  field.focus();
  return true;
}

export function InputsPanel({ onRunNow }: { onRunNow(): void }) {
  const t = useT();
  // Narrow subscriptions: download progress and other model-panel updates don't re-render the results.
  const { setup, rows, rowErrors, pending } = useWorkspace(
    useShallow((s) => ({
      setup: s.setup,
      rows: s.rows,
      rowErrors: s.rowErrors,
      pending: s.pending,
    })),
  );
  const situation = useWorkspace(selectModelSituation);
  const modelReady = situation.inUse.status === 'ready';
  const signatures = useWorkspace(useShallow((s) => s.setup.inputs.map((_, row) => rowSignature(s, row))));
  const resolution = useWorkspace(selectResolution);
  const comparing = useComparing();
  const { setInput, addInputRow, removeInputRow } = useWorkspace.getState();
  // One field per slot of the active template; the last good slots while it has errors.
  const fieldSlots = useMemo(() => inputFieldSlots(setup), [setup]);
  // "+ Add an input" puts the caret in the new input (typing must not press the button again);
  // when the last input is still empty, it goes there instead of adding another empty one.
  const list = useRef<HTMLDivElement>(null);
  const focusRow = useRef<number | null>(null);
  const addInput = () => {
    const last = setup.inputs.length - 1;
    if (last >= 0 && isEmptyInput(setup.inputs[last], fieldSlots)) {
      focusInput(list.current, last);
      return;
    }
    focusRow.current = setup.inputs.length;
    addInputRow();
  };
  // Before the browser paints, so that no keystroke reaches the button in between.
  useLayoutEffect(() => {
    if (focusRow.current !== null && focusInput(list.current, focusRow.current)) focusRow.current = null;
  }, [setup.inputs.length]);
  const labelWordIds = useMemo(
    () => new Set((resolution?.words ?? []).filter((w) => w.status === 'single').map((w) => w.form.ids[0]!)),
    [resolution],
  );

  return (
    <section className="panel" aria-labelledby="inputs-heading">
      <h2 id="inputs-heading">
        {t('inputs.title')}
        {pending ? (
          <span className="badge" role="status" data-testid="pending">
            <span className="pending-dot" /> {t('inputs.pending')}
          </span>
        ) : null}
        <span style={{ marginLeft: 'auto', textTransform: 'none', letterSpacing: 0 }} className="hint">
          <span className="kbd">Ctrl</span>+<span className="kbd">Enter</span> {t('inputs.runNow')}
        </span>
      </h2>
      <ModelLine />
      {comparing ? <CompareSummary /> : null}
      <div className="results" ref={list}>
        {setup.inputs.map((inputs, row) => {
          const result = rows[row] ?? null;
          const stale = !!result && (pending || result.signature !== signatures[row]);
          const error = rowErrors[row];
          const empty = isEmptyInput(inputs, fieldSlots);
          const mainResult = empty ? (
            <p className="empty" data-testid="input-empty">
              {t('inputs.typeSomething')}
            </p>
          ) : result ? (
            <>
              <ResultCard result={result} stale={stale} labelWordIds={labelWordIds} />
              <ExplainButton target={{ kind: 'playground', row }} />
              <AttributionPanel target={{ kind: 'playground', row }} />
            </>
          ) : modelReady ? (
            <p className="empty">{pending || situation.inputsValid ? t('inputs.computing') : t('inputs.invalid')}</p>
          ) : null;
          return (
            <article
              key={row}
              className="input-block"
              data-testid="input-row"
              aria-label={t('inputs.rowAria', { n: row + 1 })}
            >
              <div className="input-row">
                {fieldSlots.map((slot) => (
                  <textarea
                    key={slot}
                    aria-label={
                      fieldSlots.length > 1
                        ? t('inputs.slotAria', { n: row + 1, slot })
                        : t('inputs.fieldAria', { n: row + 1 })
                    }
                    placeholder={fieldSlots.length > 1 ? `[${slot}]` : t('inputs.placeholder')}
                    value={inputs[slot] ?? ''}
                    rows={2}
                    onChange={(event) => setInput(row, slot, event.target.value)}
                    onKeyDown={runOnCtrlEnter(onRunNow)}
                  />
                ))}
                <button
                  className="btn icon"
                  onClick={() => removeInputRow(row)}
                  disabled={setup.inputs.length <= 1}
                  aria-label={t('inputs.remove', { n: row + 1 })}
                  title={t('inputs.remove', { n: row + 1 })}
                >
                  ✕
                </button>
              </div>
              {error ? (
                <p className="message error" role="alert">
                  <RuntimeErrorText failure={error} />
                </p>
              ) : null}
              {comparing ? <SideBySide row={row} main={mainResult} /> : mainResult}
              {row < setup.inputs.length - 1 ? (
                <hr style={{ border: 0, borderTop: '1px solid var(--border)', margin: '14px 0 4px' }} />
              ) : null}
            </article>
          );
        })}
      </div>
      <button
        className="btn"
        style={{ marginTop: 12 }}
        onClick={addInput}
        disabled={setup.inputs.length >= LIMITS.inputRows}
        data-testid="add-input"
      >
        + {t('inputs.add')}
      </button>
    </section>
  );
}
