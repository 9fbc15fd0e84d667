import { useMemo } from 'react';
import { parseVerbalizer } from '../../core/verbalizer';
import { selectModelSituation } from '../../store/model-status';
import { selectResolution, useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';
import { useIssueText } from '../i18n/issues';
import { EditorIssues } from './EditorIssues';
import { HighlightedEditor } from './HighlightedEditor';
import { runOnCtrlEnter } from './runOnCtrlEnter';
import { StepHeading } from './StepHeading';
import { TokenMarkerNote } from './TokenMarkerNote';

export function VerbalizerEditor({ onRunNow }: { onRunNow(): void }) {
  const t = useT();
  const issueText = useIssueText();
  const text = useWorkspace((s) => s.verbalizerText);
  const setVerbalizerText = useWorkspace((s) => s.setVerbalizerText);
  const resolution = useWorkspace(selectResolution);
  const modelReady = useWorkspace((s) => selectModelSituation(s).inUse.status === 'ready');
  const parse = useMemo(() => parseVerbalizer(text), [text]);
  const issues = parse.ok
    ? parse.warnings
    : [...parse.errors, ...parse.warnings].sort((a, b) => a.span.start - b.span.start);
  const errors = parse.ok ? [] : parse.errors;
  const lines = Math.min(10, Math.max(3, text.split('\n').length + 1));

  // Words of each label with their tokens, once the model has tokenized them.
  const labels = parse.ok ? parse.verbalizer.labels : [];
  const wordsByLabel = new Map<string, NonNullable<typeof resolution>['words']>();
  for (const word of resolution?.words ?? []) {
    wordsByLabel.set(word.label, [...(wordsByLabel.get(word.label) ?? []), word]);
  }
  const wordIssues = resolution?.issues.filter((issue) => issue.severity !== 'info') ?? [];

  return (
    <section className="panel" aria-labelledby="verbalizer-heading">
      <StepHeading id="verbalizer-heading" step={3}>
        {t('verbalizer.title')}
      </StepHeading>
      <HighlightedEditor
        id="verbalizer-input"
        label={t('verbalizer.label')}
        value={text}
        onChange={setVerbalizerText}
        highlights={errors.map((e) => ({ span: e.span, className: 'tok-error' }))}
        invalid={!parse.ok}
        rows={lines}
        describedBy="verbalizer-issues"
        placeholder={'positive: great, excellent\nnegative: terrible, awful'}
        onKeyDown={runOnCtrlEnter(onRunNow)}
      />
      <div id="verbalizer-issues" aria-live="polite">
        <EditorIssues issues={issues} usable={parse.ok} editorId="verbalizer-input" testId="verbalizer-errors" />
        {wordIssues.length > 0 ? (
          <div className="message warning" role="status" data-testid="word-issues">
            <ul>
              {wordIssues.map((issue, i) => (
                <li key={i}>{issueText.text(issue)}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      <p className="hint">{t('verbalizer.help')}</p>
      {labels.length > 0 ? (
        <table className="verbalizer-table" aria-label={t('verbalizer.tokensTable')}>
          <thead>
            <tr>
              <th scope="col">{t('verbalizer.labelColumn')}</th>
              <th scope="col">{t('verbalizer.tokensColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {labels.map((label) => (
              <tr key={label.label}>
                <th scope="row">{label.label}</th>
                <td>
                  {(
                    wordsByLabel.get(label.label) ?? label.words.map((word) => ({ word, status: null, form: null }))
                  ).map((entry) => (
                    <span
                      key={entry.word}
                      className={`word-chip${entry.status === 'multi' ? ' multi' : ''}${entry.status === 'unknown' || entry.status === 'empty' ? ' unknown' : ''}`}
                      title={entry.form ? t('verbalizer.chipTitle', { ids: entry.form.ids.join(', ') }) : undefined}
                    >
                      <span>{entry.word}</span>
                      <span className="pieces">
                        {entry.form
                          ? entry.form.pieces.join(' · ') +
                            (entry.status === 'multi'
                              ? ` (${t('verbalizer.multi', { n: entry.form.ids.length })})`
                              : '') +
                            (entry.status === 'unknown' ? ` (${t('verbalizer.unknown')})` : '')
                          : modelReady
                            ? '…'
                            : t('verbalizer.noModel')}
                      </span>
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <TokenMarkerNote tokens={(resolution?.words ?? []).flatMap((word) => word.form.pieces)} />
    </section>
  );
}
