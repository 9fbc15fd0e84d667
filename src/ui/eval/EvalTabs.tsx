import type { ReactNode } from 'react';
import { useEvaluation, type EvalPanel } from '../../store/evaluation';
import { useT, type MessageKey } from '../i18n';

const TABS: { id: EvalPanel; key: MessageKey }[] = [
  { id: 'results', key: 'fewshot.tabs.results' },
  { id: 'fewshot', key: 'fewshot.tabs.fewshot' },
];

/** The workbench's result tabs: the zero-shot evaluation's results, or few-shot learning on the same data. */
export function EvalTabs({ children }: { children: Record<EvalPanel, ReactNode> }) {
  const t = useT();
  const panel = useEvaluation((s) => s.panel);
  const fewShotStatus = useEvaluation((s) => s.fewShot.status);
  const { setPanel } = useEvaluation.getState();
  return (
    <>
      <div className="eval-tabs" role="tablist" aria-label={t('fewshot.tabs.aria')}>
        {TABS.map((tab) => (
          <button
            key={tab.id}
            role="tab"
            id={`eval-tab-${tab.id}`}
            aria-selected={panel === tab.id}
            aria-controls="eval-tabpanel"
            tabIndex={panel === tab.id ? 0 : -1}
            className={panel === tab.id ? 'active' : undefined}
            onClick={() => setPanel(tab.id)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const next = TABS[(TABS.findIndex((x) => x.id === panel) + 1) % TABS.length]!.id;
              setPanel(next);
              document.getElementById(`eval-tab-${next}`)?.focus();
            }}
            data-testid={`eval-tab-${tab.id}`}
          >
            {t(tab.key)}
            {tab.id === 'fewshot' && (fewShotStatus === 'running' || fewShotStatus === 'preparing') ? (
              <span className="pending-dot" aria-hidden="true" />
            ) : null}
          </button>
        ))}
      </div>
      <div className="eval-tabpanel" role="tabpanel" id="eval-tabpanel" aria-labelledby={`eval-tab-${panel}`}>
        {children[panel]}
      </div>
    </>
  );
}
