// The side-by-side results: for each input, the setup's model and the second model next to each
// other (stacked on narrow screens), each column with its model's name, mask token and label-word
// tokenization; above them, both models' memory and "Unload".
import { useMemo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ResolvedWord } from '../../core/label-words';
import { measureTabMemory, modelFileBytes, type TabMemory } from '../../store/memory';
import { sideRowSignature, unloadSideModel, useSideModel } from '../../store/side-model';
import { isEmptyInput } from '../../store/template-rows';
import { inputFieldSlots, useWorkspace, type FileProgress } from '../../store/workspace';
import { useT } from '../i18n';
import { formatBytes } from './ModelPanel';
import { ResultCard } from './ResultCard';
import { RuntimeErrorText } from './RuntimeErrorText';
import { TokenMarkerNote } from './TokenMarkerNote';

/** Whether a second model is on the page (loading, loaded, failed or waiting for a click). */
export function useComparing(): boolean {
  return useSideModel((s) => s.status !== 'idle');
}

function singleIds(words: readonly ResolvedWord[] | undefined): Set<number> {
  return new Set((words ?? []).filter((w) => w.status === 'single').map((w) => w.form.ids[0]!));
}

/** A column's heading: the model, its mask token and how it tokenizes the label words. */
function ColumnHeader({
  id,
  maskToken,
  words,
}: {
  id: string;
  maskToken: string | undefined;
  words: readonly ResolvedWord[] | undefined;
}) {
  const t = useT();
  const pieces = (words ?? []).flatMap((w) => w.form.pieces);
  return (
    <header className="model-column-head">
      <h3 className="model-column-name">{id}</h3>
      {maskToken ? (
        <span className="badge" data-testid="column-mask-token" data-token={maskToken}>
          {t('side.maskToken', { token: maskToken })}
        </span>
      ) : null}
      {words && words.length > 0 ? (
        <p className="word-tokens" aria-label={t('side.wordsAria', { id })} data-testid="column-words">
          {words.map((w, i) => (
            <span key={i} className="word-token" data-word={w.word} data-pieces={w.form.pieces.join(' ')}>
              {w.word} →{' '}
              {w.form.pieces.map((p, j) => (
                <code key={j}>{p}</code>
              ))}
            </span>
          ))}
        </p>
      ) : null}
      <TokenMarkerNote tokens={pieces} />
    </header>
  );
}

/** One input's results of both models. `main` is what the playground shows for the setup's model. */
export function SideBySide({ row, main }: { row: number; main: ReactNode }) {
  const t = useT();
  const side = useSideModel(
    useShallow((s) => ({
      ref: s.ref,
      status: s.status,
      maskToken: s.facts?.maskToken,
      words: s.bound?.words,
      result: s.rows[row] ?? null,
      error: s.rowErrors[row] ?? null,
      pending: s.pending,
      info: s.info,
    })),
  );
  const ws = useWorkspace(
    useShallow((s) => ({
      id: s.setup.model.id,
      maskToken: s.model.facts?.maskToken,
      words: s.bound?.words,
      empty: isEmptyInput(s.setup.inputs[row], inputFieldSlots(s.setup)),
      sideSignature: sideRowSignature(s, side.info, row),
    })),
  );
  const sideIds = useMemo(() => singleIds(side.words), [side.words]);
  const sideId = side.ref?.id ?? '';
  const stale = !!side.result && (side.pending || side.result.signature !== ws.sideSignature);
  const empty = ws.empty;
  return (
    <div className="side-by-side" data-testid="side-by-side">
      <section
        className="model-column"
        data-testid="model-column"
        data-side="main"
        aria-label={t('side.columnAria', { id: ws.id })}
      >
        <ColumnHeader id={ws.id} maskToken={ws.maskToken} words={ws.words} />
        {main}
      </section>
      <section
        className="model-column"
        data-testid="model-column"
        data-side="second"
        aria-label={t('side.columnAria', { id: sideId })}
      >
        <ColumnHeader id={sideId} maskToken={side.maskToken} words={side.words} />
        {side.error ? (
          <p className="message error" role="alert">
            <RuntimeErrorText failure={side.error} />
          </p>
        ) : null}
        {empty ? null : side.result ? (
          <ResultCard result={side.result} stale={stale} labelWordIds={sideIds} />
        ) : side.status === 'ready' || side.status === 'loading' ? (
          <p className="empty">{t('side.noResult')}</p>
        ) : null}
      </section>
    </div>
  );
}

function FileSize({ files }: { files: Record<string, FileProgress> }) {
  const t = useT();
  const bytes = modelFileBytes(files);
  return (
    <span className="badge" title={t('side.modelFilesHint')} data-testid="model-file-bytes" data-bytes={bytes ?? ''}>
      {bytes === null ? t('side.modelFilesUnknown') : t('side.modelFiles', { size: formatBytes(bytes) })}
    </span>
  );
}

function MemoryText({ memory }: { memory: TabMemory | null }) {
  const t = useT();
  if (!memory) return <>{t('side.memoryNone')}</>;
  if (memory.kind === 'tab')
    return <>{t('side.memoryTab', { total: formatBytes(memory.bytes), workers: formatBytes(memory.workerBytes) })}</>;
  return <>{t('side.memoryHeap', { total: formatBytes(memory.bytes) })}</>;
}

/** Above the results while comparing: both models, their memory, and "Unload". */
export function CompareSummary() {
  const t = useT();
  const mainId = useWorkspace((s) => s.setup.model.id);
  const mainFiles = useWorkspace((s) => s.model.files);
  const side = useSideModel(useShallow((s) => ({ ref: s.ref, files: s.files, status: s.status })));
  const [memory, setMemory] = useState<{ value: TabMemory | null } | 'measuring' | null>(null);
  const measure = () => {
    setMemory('measuring');
    void measureTabMemory().then((value) => setMemory({ value }));
  };
  return (
    <div className="side-summary" data-testid="side-summary">
      <strong>{t('side.comparing')}</strong>
      <ul className="side-summary-models">
        <li>
          <span className="side-summary-id">{mainId}</span> <FileSize files={mainFiles} />
        </li>
        <li>
          <span className="side-summary-id">{side.ref?.id}</span>{' '}
          {side.status === 'ready' ? <FileSize files={side.files} /> : null}
        </li>
      </ul>
      <p className="row" style={{ margin: '6px 0 0' }}>
        <button className="btn small" onClick={measure} disabled={memory === 'measuring'} data-testid="measure-memory">
          {memory === 'measuring' ? t('side.measuring') : t('side.measure')}
        </button>
        <button className="btn small" onClick={unloadSideModel} data-testid="summary-unload">
          {t('side.unload')}
        </button>
      </p>
      {memory && memory !== 'measuring' ? (
        <p className="hint" role="status" data-testid="tab-memory">
          <MemoryText memory={memory.value} />
        </p>
      ) : null}
    </div>
  );
}
