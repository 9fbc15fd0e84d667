// The data slice: labelled data from a file, a paste or a demo, parsed in slices so that large
// files don't freeze the page. New data drops everything computed from the old (its examples, a
// running evaluation or label search); the newest parse wins.
import { idleGridRun } from './grid.ts';
import { parseDatasetAsync } from '../../core/dataset-parse.ts';
import { issue } from '../../core/issues.ts';
import { toFailure } from '../failure.ts';
import { sliceTimer } from '../yield.ts';
import { initialMapping, rebuildExamples } from './mapping.ts';
import {
  emptyMapping,
  idleRun,
  idleSearch,
  stopResultWork,
  type DataSlice,
  type DataSource,
  type FormatChoice,
  type SliceContext,
} from './state.ts';

/** Reads `text` as the workbench's data, then guesses the mapping and builds the examples. */
export async function parseData(
  ctx: SliceContext,
  text: string,
  source: DataSource,
  format: FormatChoice,
): Promise<void> {
  const { set, get, deps, work } = ctx;
  const ticket = work.parse.begin();
  stopResultWork(work); // results of other data would be meaningless now
  set({
    source,
    text,
    format,
    parseStatus: 'parsing',
    parseProgress: 0,
    parseError: null,
    parseMs: null,
    dataset: null,
    examples: [],
    mappingProblems: [],
    labelValues: [],
    run: idleRun(),
    gridRun: idleGridRun(),
    labelSearch: idleSearch(),
    view: { ...get().view, cell: null },
  });
  const started = performance.now();
  try {
    const result = await parseDatasetAsync(
      text,
      { format, fileName: source.name },
      {
        ...sliceTimer(deps.nextSlice),
        onProgress: (fraction) => {
          if (ticket.isCurrent()) set({ parseProgress: fraction });
        },
        // A newer parse (or clearData) stops this one at its next pause.
        signal: ticket.signal,
      },
    );
    if (!ticket.isCurrent()) return;
    if (!result.ok) {
      set({
        parseStatus: 'error',
        parseError: result.error,
        parseMs: performance.now() - started,
      });
      return;
    }
    set({
      parseStatus: 'ready',
      dataset: result.dataset,
      mapping: initialMapping(ctx, result.dataset),
      parseProgress: 1,
      parseMs: performance.now() - started,
    });
    await rebuildExamples(ctx);
  } catch (error) {
    if (!ticket.isCurrent()) return;
    set({
      parseStatus: 'error',
      parseError: issue('data-unreadable', 'error', { detail: toFailure(error).message }),
      parseMs: performance.now() - started,
    });
  }
}

/** The data slice with no data (the format choice is kept apart: clearing data keeps it). */
const NO_DATA = {
  source: null,
  text: null,
  parseStatus: 'idle',
  parseProgress: 0,
  parseMs: null,
  parseError: null,
  dataset: null,
} as const satisfies Partial<DataSlice>;

export function dataSlice(ctx: SliceContext): DataSlice {
  const { set, get, work } = ctx;
  return {
    ...NO_DATA,
    format: 'auto',

    loadText: (text, source) => parseData(ctx, text, { ...source, chars: text.length }, get().format),
    loadFile: async (file) => {
      const text = await file.text();
      await parseData(ctx, text, { kind: 'file', name: file.name, chars: text.length }, 'auto');
    },
    setFormat: async (format) => {
      const { text, source } = get();
      set({ format });
      if (text !== null && source) await parseData(ctx, text, source, format);
    },
    clearData: () => {
      work.parse.cancel();
      work.build.cancel();
      stopResultWork(work);
      set({
        ...NO_DATA,
        mapping: emptyMapping(),
        examples: [],
        mappingProblems: [],
        labelValues: [],
        building: false,
        run: idleRun(),
        gridRun: idleGridRun(),
        labelSearch: idleSearch(),
      });
    },
  };
}
