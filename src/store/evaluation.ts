// The evaluation workbench's state: labelled data (parsed in slices so large files don't freeze the
// page), its mapping to template slots and labels, batch runs on the runtime's 'eval' lane, and
// the label-word search. Not persisted: datasets can be large, and results belong to one session.
import { create } from 'zustand';
import {
  autoLabelMap,
  buildExamples,
  matchLabel,
  parseDatasetAsync,
  suggestMapping,
  type Dataset,
  type DatasetError,
  type DatasetFormat,
  type DatasetMapping,
  type EvalExample,
  type RowProblem,
} from '../core/dataset.ts';
import { findDemoDataset } from '../core/demo-datasets.ts';
import { issue } from '../core/issues.ts';
import {
  evaluationReport,
  predictionsCsv,
  runEvaluation,
  templateSlots,
  type CalibrationMode,
  type EvalSource,
  type EvaluationProgress,
  type EvaluationRun,
  type TemplateProblem,
} from '../core/evaluation.ts';
import { appendLabelWord, labelSearchPrompts, type LabelWordStatsResult } from '../core/label-search.ts';
import { CACHE_LIMITS, PASSES } from '../core/pipeline.ts';
import { parseTemplate, type Template } from '../core/template.ts';
import type { PromptSetup } from '../core/setup.ts';
import { isUsable, parseVerbalizer } from '../core/verbalizer.ts';
import { isCancellation, RuntimeError } from '../runtime/errors.ts';
import { getRuntime, modelPipeline } from './live.ts';
import { useWorkspace } from './workspace.ts';

export const EVAL_LANE = PASSES.evaluation.lane;
const LABEL_SEARCH_LANE = 'label-search';
/** Examples per label sampled for the label-word search. */
export const LABEL_SEARCH_PER_LABEL = 64;
export const LABEL_SEARCH_TOP_N = 8;
/** A slice of main-thread work (parsing, building examples) stops after this many milliseconds. */
const SLICE_MS = 12;
const BUILD_SLICE_ROWS = 10_000;
const PROGRESS_INTERVAL_MS = 100;

export type DataKind = 'file' | 'paste' | 'demo';
export type FormatChoice = DatasetFormat | 'auto';

export interface DataSource {
  kind: DataKind;
  name: string;
  demoId?: string;
  chars: number;
}

export type RunStatus = 'idle' | 'preparing' | 'running' | 'complete' | 'cancelled' | 'failed';

export interface RunMeta {
  modelId: string;
  dtype: string;
  device: string;
  testModel: boolean;
  dataName: string;
  skippedRows: number;
  startedAt: number;
}

export interface EvalRunState {
  status: RunStatus;
  progress: EvaluationProgress | null;
  /** The finished (or cancelled / failed, partial) run. */
  result: EvaluationRun | null;
  /** 'no-model', 'no-template', or the failure of the run (code + English message). */
  error: string | null;
  errorCode: string;
  templateProblems: TemplateProblem[];
  meta: RunMeta | null;
}

export interface LabelSearchState {
  status: 'idle' | 'running' | 'done' | 'error';
  result: LabelWordStatsResult | null;
  labels: string[];
  templateName: string | null;
  error: string | null;
  errorCode: string;
}

export interface EvalState {
  source: DataSource | null;
  format: FormatChoice;
  /** Kept so that choosing another format re-parses the same text. */
  text: string | null;
  parseStatus: 'idle' | 'parsing' | 'ready' | 'error';
  parseProgress: number;
  parseMs: number | null;
  /** Why the data can't be read (src/core/dataset.ts), or 'data-unreadable' with what failed. */
  parseError: DatasetError | null;
  dataset: Dataset | null;
  mapping: DatasetMapping;
  examples: EvalExample[];
  mappingProblems: RowProblem[];
  /** Rebuilding examples after a mapping change (large data is built in slices). */
  building: boolean;
  /** Templates to evaluate; null = all of the setup's. */
  selectedTemplates: string[] | null;
  run: EvalRunState;
  view: { source: EvalSource; mode: CalibrationMode; cell: [number, number] | null };
  labelSearch: LabelSearchState;
  /** The workspace before a demo replaced its templates and verbalizer (for Undo). */
  replacedSetup: { setup: PromptSetup; verbalizerText: string; demoId: string } | null;

  loadText(text: string, source: Omit<DataSource, 'chars'>): Promise<void>;
  loadFile(file: File): Promise<void>;
  loadDemo(id: string): Promise<void>;
  undoDemoSetup(): void;
  dismissDemoSetup(): void;
  setFormat(format: FormatChoice): Promise<void>;
  clearData(): void;
  setSlotColumn(slot: string, column: string | null): void;
  setLabelColumn(column: string | null): void;
  setLabelMapping(value: string, label: string | null): void;
  toggleTemplate(id: string): void;
  /** Re-matches slots and label values after the workspace's templates or labels changed. */
  syncWithSetup(): void;
  startRun(): Promise<void>;
  cancelRun(): void;
  setViewSource(source: EvalSource): void;
  setMode(mode: CalibrationMode): void;
  selectCell(cell: [number, number] | null): void;
  suggestLabelWords(): Promise<void>;
  cancelLabelWords(): void;
  addLabelWord(label: string, word: string): boolean;
}

const emptyMapping = (): DatasetMapping => ({ slots: {}, labelColumn: null, labelMap: new Map() });
const idleRun = (): EvalRunState => ({
  status: 'idle',
  progress: null,
  result: null,
  error: null,
  errorCode: 'unknown',
  templateProblems: [],
  meta: null,
});
const idleSearch = (): LabelSearchState => ({
  status: 'idle',
  result: null,
  labels: [],
  templateName: null,
  error: null,
  errorCode: 'unknown',
});

/** Labels of the workspace's current (valid) verbalizer. */
export function workspaceLabels(): string[] {
  return useWorkspace.getState().setup.verbalizer.labels.map((l) => l.label);
}

/** The setup's templates chosen for evaluation, with their parse. */
export function chosenTemplates(setup: PromptSetup, selected: readonly string[] | null) {
  return setup.templates
    .filter((t) => selected === null || selected.includes(t.id))
    .map((entry) => ({ entry, parse: parseTemplate(entry.text) }));
}

/** Slots the chosen valid templates use (X when none is valid yet). */
export function chosenSlots(setup: PromptSetup, selected: readonly string[] | null): string[] {
  const valid = chosenTemplates(setup, selected).flatMap(({ parse }) =>
    parse.ok ? [{ template: parse.template }] : [],
  );
  const slots = templateSlots(valid);
  return slots.length > 0 ? slots : ['X'];
}

function nextSlice(): Promise<void> {
  // A macrotask without setTimeout's clamping: lets the page paint and handle input.
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

let parseGeneration = 0;
let buildGeneration = 0;
let runController: AbortController | null = null;
let searchController: AbortController | null = null;

/** Stops a running evaluation and label search; their results will not be stored. */
function stopWork(): void {
  runController?.abort();
  runController = null;
  searchController?.abort();
  searchController = null;
}

function failureMessage(error: unknown): string {
  if (error instanceof RuntimeError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function failureCode(error: unknown): string {
  return error instanceof RuntimeError ? error.code : 'unknown';
}

export const useEvaluation = create<EvalState>()((set, get) => {
  /** Rebuilds the examples from dataset + mapping, in slices for large data. */
  const rebuild = async () => {
    const generation = ++buildGeneration;
    const { dataset, mapping } = get();
    if (!dataset) {
      set({ examples: [], mappingProblems: [], building: false });
      return;
    }
    const labels = workspaceLabels();
    const examples: EvalExample[] = [];
    const problems: RowProblem[] = [];
    set({ building: true });
    for (let start = 0; start < dataset.rows.length; start += BUILD_SLICE_ROWS) {
      const part = buildExamples(dataset, mapping, labels, { start, end: start + BUILD_SLICE_ROWS });
      for (const e of part.examples) examples.push(e);
      for (const p of part.problems) problems.push(p);
      if (start + BUILD_SLICE_ROWS < dataset.rows.length) {
        await nextSlice();
        if (generation !== buildGeneration) return;
      }
    }
    if (generation !== buildGeneration) return;
    set({ examples, mappingProblems: problems, building: false });
  };

  /** Keeps the mapping complete for the current slots and labels, keeping the user's choices. */
  const reconcileMapping = (dataset: Dataset, mapping: DatasetMapping, fresh: boolean): DatasetMapping => {
    const { setup } = useWorkspace.getState();
    const slots = chosenSlots(setup, get().selectedTemplates);
    const labels = workspaceLabels();
    if (fresh) return suggestMapping(dataset, slots, labels);
    const guess = suggestMapping(dataset, slots, labels);
    const nextSlots: Record<string, string | null> = {};
    for (const slot of slots) {
      const chosen = mapping.slots[slot];
      nextSlots[slot] =
        chosen !== undefined && (chosen === null || dataset.columns.includes(chosen))
          ? chosen
          : (guess.slots[slot] ?? null);
    }
    const labelMap = new Map<string, string | null>();
    for (const [value, label] of mapping.labelMap) {
      labelMap.set(value, label !== null && labels.includes(label) ? label : matchLabel(value, labels));
    }
    return { slots: nextSlots, labelColumn: mapping.labelColumn, labelMap };
  };

  const parse = async (text: string, source: DataSource, format: FormatChoice) => {
    const generation = ++parseGeneration;
    stopWork(); // results of other data would be meaningless now
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
      run: idleRun(),
      labelSearch: idleSearch(),
      view: { ...get().view, cell: null },
    });
    const started = performance.now();
    let sliceStart = performance.now();
    try {
      const result = await parseDatasetAsync(
        text,
        { format, fileName: source.name },
        {
          shouldYield: () => performance.now() - sliceStart > SLICE_MS,
          yieldNow: async () => {
            await nextSlice();
            sliceStart = performance.now();
          },
          onProgress: (fraction) => {
            if (generation === parseGeneration) set({ parseProgress: fraction });
          },
        },
      );
      if (generation !== parseGeneration) return;
      if (!result.ok) {
        set({
          parseStatus: 'error',
          parseError: result.error,
          parseMs: performance.now() - started,
        });
        return;
      }
      const mapping = reconcileMapping(result.dataset, emptyMapping(), true);
      set({
        parseStatus: 'ready',
        dataset: result.dataset,
        mapping,
        parseProgress: 1,
        parseMs: performance.now() - started,
      });
      await rebuild();
    } catch (error) {
      if (generation !== parseGeneration) return;
      set({
        parseStatus: 'error',
        parseError: issue('data-unreadable', 'error', { detail: failureMessage(error) }),
        parseMs: performance.now() - started,
      });
    }
  };

  const updateMapping = (fn: (mapping: DatasetMapping, dataset: Dataset) => DatasetMapping) => {
    const { dataset, mapping } = get();
    if (!dataset) return;
    set({ mapping: fn(mapping, dataset) });
    void rebuild();
  };

  return {
    source: null,
    format: 'auto',
    text: null,
    parseStatus: 'idle',
    parseProgress: 0,
    parseMs: null,
    parseError: null,
    dataset: null,
    mapping: emptyMapping(),
    examples: [],
    mappingProblems: [],
    building: false,
    selectedTemplates: null,
    run: idleRun(),
    view: { source: 0, mode: 'uncalibrated', cell: null },
    labelSearch: idleSearch(),
    replacedSetup: null,

    loadText: (text, source) => parse(text, { ...source, chars: text.length }, get().format),
    loadFile: async (file) => {
      const text = await file.text();
      await parse(text, { kind: 'file', name: file.name, chars: text.length }, 'auto');
    },
    loadDemo: async (id) => {
      const demo = findDemoDataset(id);
      if (!demo) return;
      // One click gives a runnable setup: the demo's templates and verbalizer replace the current
      // ones (the model stays); Undo brings the previous ones back.
      const ws = useWorkspace.getState();
      const labels = ws.setup.verbalizer.labels.map((l) => l.label).join('\u0000');
      const demoLabels = demo.verbalizer.map((l) => l.label).join('\u0000');
      const sameTemplates = JSON.stringify(ws.setup.templates) === JSON.stringify(demo.templates);
      if (labels !== demoLabels || !sameTemplates) {
        set({ replacedSetup: { setup: ws.setup, verbalizerText: ws.verbalizerText, demoId: demo.id } });
        ws.replaceSetup({
          ...ws.setup,
          templates: demo.templates.map((t) => ({ ...t })),
          activeTemplateId: demo.templates[0]!.id,
          verbalizer: { labels: demo.verbalizer.map((l) => ({ label: l.label, words: [...l.words] })) },
        });
      }
      set({ selectedTemplates: null, format: 'auto' });
      await parse(demo.csv, { kind: 'demo', name: demo.fileName, demoId: demo.id, chars: demo.csv.length }, 'auto');
    },
    undoDemoSetup: () => {
      const replaced = get().replacedSetup;
      if (!replaced) return;
      const ws = useWorkspace.getState();
      ws.replaceSetup(replaced.setup);
      ws.setVerbalizerText(replaced.verbalizerText);
      set({ replacedSetup: null });
    },
    dismissDemoSetup: () => set({ replacedSetup: null }),
    setFormat: async (format) => {
      const { text, source } = get();
      set({ format });
      if (text !== null && source) await parse(text, source, format);
    },
    clearData: () => {
      ++parseGeneration;
      ++buildGeneration;
      stopWork();
      set({
        source: null,
        text: null,
        parseStatus: 'idle',
        parseProgress: 0,
        parseMs: null,
        parseError: null,
        dataset: null,
        mapping: emptyMapping(),
        examples: [],
        mappingProblems: [],
        building: false,
        run: idleRun(),
        labelSearch: idleSearch(),
      });
    },
    setSlotColumn: (slot, column) => updateMapping((m) => ({ ...m, slots: { ...m.slots, [slot]: column } })),
    setLabelColumn: (column) =>
      updateMapping((m, dataset) => ({
        ...m,
        labelColumn: column,
        labelMap: autoLabelMap(dataset, column, workspaceLabels()),
      })),
    setLabelMapping: (value, label) =>
      updateMapping((m) => ({ ...m, labelMap: new Map(m.labelMap).set(value, label) })),
    toggleTemplate: (id) => {
      const all = useWorkspace.getState().setup.templates.map((t) => t.id);
      const current = (get().selectedTemplates ?? all).filter((x) => all.includes(x));
      const next = current.includes(id)
        ? current.filter((x) => x !== id)
        : all.filter((x) => x === id || current.includes(x));
      set({ selectedTemplates: next.length === all.length ? null : next });
      get().syncWithSetup();
    },
    syncWithSetup: () => updateMapping((mapping, dataset) => reconcileMapping(dataset, mapping, false)),

    startRun: async () => {
      const ws = useWorkspace.getState();
      const { examples, dataset, mappingProblems, source } = get();
      const { model, setup } = ws;
      if (!dataset || examples.length === 0 || !source) return;
      const livePipeline = modelPipeline();
      if (model.status !== 'ready' || !model.facts || !model.info || !livePipeline) {
        set({ run: { ...idleRun(), status: 'failed', error: 'no-model' } });
        return;
      }
      runController?.abort();
      const controller = new AbortController();
      runController = controller;
      const info = model.info;
      // The model's scoring pipeline with a cache of this run's own (the live view keeps its cache).
      const pipeline = livePipeline.withOwnCache(CACHE_LIMITS.evaluation);
      const meta: RunMeta = {
        modelId: info.id,
        dtype: info.dtype,
        device: info.device,
        testModel: info.id.startsWith('clozelab-test/'),
        dataName: source.name,
        skippedRows: dataset.problems.length + mappingProblems.length,
        startedAt: Date.now(),
      };
      set({
        run: { ...idleRun(), status: 'preparing', meta },
        labelSearch: idleSearch(),
        view: { ...get().view, cell: null },
      });
      const isCurrent = () => runController === controller;
      try {
        const entries = chosenTemplates(setup, get().selectedTemplates).map(({ entry }) => entry);
        const { templates, problems } = await pipeline.bindTemplates(entries, setup.verbalizer);
        if (!isCurrent()) return;
        if (templates.length === 0) {
          set({ run: { ...idleRun(), status: 'failed', error: 'no-template', templateProblems: problems, meta } });
          return;
        }
        const labels = setup.verbalizer.labels.map((l) => l.label);
        set((s) => ({
          run: {
            ...s.run,
            status: 'running',
            templateProblems: problems,
            progress: { done: 0, total: examples.length, elapsedMs: 0, promptsRun: 0, promptsReused: 0 },
          },
        }));
        let lastProgress = 0;
        const run = await runEvaluation({
          templates,
          examples,
          labels,
          scoring: setup.scoring,
          pipeline,
          lane: EVAL_LANE,
          signal: controller.signal,
          yieldNow: nextSlice,
          onProgress: (progress) => {
            // At most ~10 repaints a second: progress can arrive every few milliseconds.
            const t = performance.now();
            if (!isCurrent() || (t - lastProgress < PROGRESS_INTERVAL_MS && progress.done < progress.total)) return;
            lastProgress = t;
            set((s) => ({ run: { ...s.run, progress } }));
          },
        });
        if (!isCurrent()) return;
        runController = null;
        const progress = {
          done: run.done,
          total: run.examples.length,
          elapsedMs: run.stats.elapsedMs,
          promptsRun: run.stats.promptsRun,
          promptsReused: run.stats.promptsReused,
        };
        set((s) => ({
          run: {
            ...s.run,
            progress,
            status: run.status === 'running' ? 'complete' : run.status,
            result: run,
            error: run.error ?? null,
            errorCode: run.errorCode ?? 'unknown',
          },
          view: { source: 0, mode: setup.scoring.calibrate ? 'calibrated' : 'uncalibrated', cell: null },
        }));
      } catch (error) {
        if (!isCurrent()) return;
        runController = null;
        set((s) => ({
          run: {
            ...s.run,
            status: isCancellation(error) ? 'cancelled' : 'failed',
            error: isCancellation(error) ? null : failureMessage(error),
            errorCode: failureCode(error),
          },
        }));
      }
    },
    cancelRun: () => {
      // The run ends itself as 'cancelled' and keeps what it finished.
      runController?.abort();
    },
    setViewSource: (source) => set((s) => ({ view: { ...s.view, source, cell: null } })),
    setMode: (mode) => set((s) => ({ view: { ...s.view, mode, cell: null } })),
    selectCell: (cell) => set((s) => ({ view: { ...s.view, cell } })),

    suggestLabelWords: async () => {
      const ws = useWorkspace.getState();
      const { examples } = get();
      const { model, setup } = ws;
      const pipeline = modelPipeline();
      if (!model.facts || model.status !== 'ready' || examples.length === 0 || !pipeline) return;
      searchController?.abort();
      const controller = new AbortController();
      searchController = controller;
      const runtime = getRuntime();
      const labels = setup.verbalizer.labels.map((l) => l.label);
      // The template being looked at (else the first chosen valid one).
      const run = get().run.result;
      const viewed =
        run && typeof get().view.source === 'number' ? run.templates[get().view.source as number] : undefined;
      const candidates = chosenTemplates(setup, get().selectedTemplates).filter((t) => t.parse.ok);
      const pick = viewed ? (candidates.find((c) => c.entry.id === viewed.id) ?? candidates[0]) : candidates[0];
      if (!pick?.parse.ok) return;
      const template: Template = pick.parse.template;
      set({
        labelSearch: {
          status: 'running',
          result: null,
          labels,
          templateName: pick.entry.name || pick.entry.id,
          error: null,
          errorCode: 'unknown',
        },
      });
      try {
        const { templates } = await pipeline.bindTemplates([pick.entry], setup.verbalizer);
        // The verbalizer's one-token words are already in use; don't propose them again.
        const exclude = (templates[0]?.words ?? [])
          .filter((w) => isUsable(w) && w.form.ids.length === 1)
          .map((w) => w.form.ids[0]!);
        const { prompts, groups } = labelSearchPrompts(template, examples, labels, LABEL_SEARCH_PER_LABEL);
        const result = await runtime.labelWordStats(
          { prompts, groups, groupCount: labels.length, topN: LABEL_SEARCH_TOP_N, exclude },
          { lane: LABEL_SEARCH_LANE, signal: controller.signal },
        );
        if (searchController !== controller) return;
        searchController = null;
        set((s) => ({ labelSearch: { ...s.labelSearch, status: 'done', result } }));
      } catch (error) {
        if (searchController !== controller) return;
        searchController = null;
        set((s) => ({
          labelSearch: isCancellation(error)
            ? idleSearch()
            : { ...s.labelSearch, status: 'error', error: failureMessage(error), errorCode: failureCode(error) },
        }));
      }
    },
    cancelLabelWords: () => {
      searchController?.abort();
    },
    addLabelWord: (label, word) => {
      const ws = useWorkspace.getState();
      const next = appendLabelWord(ws.verbalizerText, label, word);
      if (next === null || !parseVerbalizer(next).ok) return false;
      ws.setVerbalizerText(next);
      return true;
    },
  };
});

// Labels or templates changed in the workspace: re-match label values and slots, rebuild examples.
let previousSetup = useWorkspace.getState().setup;
useWorkspace.subscribe((state) => {
  const before = previousSetup;
  previousSetup = state.setup;
  if (state.setup.verbalizer === before.verbalizer && state.setup.templates === before.templates) return;
  useEvaluation.getState().syncWithSetup();
});

/** The metrics JSON of the shown run (what `clozelab eval --json` prints for the same inputs). */
export function reportJson(state: EvalState): string | null {
  const { result, meta } = state.run;
  if (!result || !meta) return null;
  return JSON.stringify(
    evaluationReport(result, { model: { id: meta.modelId, dtype: meta.dtype }, skippedRows: meta.skippedRows }),
    null,
    2,
  );
}

/** One CSV row per evaluated example and template (and the ensemble). */
export function reportCsv(state: EvalState): string | null {
  return state.run.result ? predictionsCsv(state.run.result) : null;
}
