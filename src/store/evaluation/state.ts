// The evaluation workbench's state, slice by slice (each slice's actions live in the file of the
// same name), what the slices share when they are composed into one store (evaluation.ts), and the
// idle values they reset to.
import type { StoreApi } from 'zustand';
import { isTestModelId } from '../../core/models.ts';
import type {
  Dataset,
  DatasetError,
  DatasetFormat,
  DatasetMapping,
  EvalExample,
  RowProblem,
} from '../../core/dataset.ts';
import type { LabelValueCount } from '../../core/dataset-mapping.ts';
import type { CalibrationMode, EvalSource } from '../../core/evaluation-results.ts';
import type { EvaluationProgress, EvaluationRun } from '../../core/evaluation.ts';
import type { TemplateProblem } from '../../core/bound-verbalizer.ts';
import type { FewShotData, FewShotProgress, FewShotResult } from '../../core/fewshot/types.ts';
import type { LabelWordStatsResult } from '../../core/label-search.ts';
import type { ComboSearchResult } from '../../core/label-combinations.ts';
import type { ScoringPipeline } from '../../core/pipeline.ts';
import type { ModelRef, PromptSetup } from '../../core/setup.ts';
import type { TemplateError } from '../../core/template.ts';
import type { RuntimeClient } from '../../runtime/client.ts';
import type { LatestSlot } from '../latest-run.ts';
import type { WorkspaceStore } from '../workspace.ts';
import type { FewShotSettings, FewShotTestSource } from './fewshot-config.ts';
import type { GridSlice } from './grid.ts';

export type DataKind = 'file' | 'paste' | 'demo';
export type FormatChoice = DatasetFormat | 'auto';

export interface DataSource {
  kind: DataKind;
  name: string;
  demoId?: string;
  chars: number;
}

/** The labelled data: its text, and its parse (in slices, so large files don't freeze the page). */
export interface DataSlice {
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
  loadText(text: string, source: Omit<DataSource, 'chars'>): Promise<void>;
  loadFile(file: File): Promise<void>;
  setFormat(format: FormatChoice): Promise<void>;
  clearData(): void;
}

/** Which columns fill the template slots and the gold label, and the examples that gives. */
export interface MappingSlice {
  mapping: DatasetMapping;
  examples: EvalExample[];
  mappingProblems: RowProblem[];
  /**
   * The label column's values with their row counts, most frequent first: only rows without a
   * fault of their own (skipped rows are counted nowhere; buildExamples' labelCounts).
   */
  labelValues: LabelValueCount[];
  /** Rebuilding examples after a mapping change (large data is built in slices). */
  building: boolean;
  /** Templates to evaluate; null = all of the setup's. */
  selectedTemplates: string[] | null;
  setSlotColumn(slot: string, column: string | null): void;
  setLabelColumn(column: string | null): void;
  setLabelMapping(value: string, label: string | null): void;
  toggleTemplate(id: string): void;
  /** Re-matches slots and label values after the workspace's templates or labels changed. */
  syncWithSetup(): void;
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

/**
 * One model job at a time: a new evaluation run, few-shot curve or grid stops the others (each
 * records how it ended and keeps what it finished) and drops a label-word search in flight (its
 * stale ticket writes nothing).
 */
export function stopOtherModelJobs(work: SliceContext['work'], starting: 'run' | 'fewShot' | 'grid'): void {
  for (const job of ['run', 'fewShot', 'grid'] as const) if (job !== starting) work[job].abort();
  work.search.cancel();
}

/** What a run (evaluation or few-shot) records about the model and the data it ran on. */
export function runMeta(
  info: { id: string; dtype: string; device: string },
  dataName: string,
  skippedRows: number,
): RunMeta {
  return {
    modelId: info.id,
    dtype: info.dtype,
    device: info.device,
    testModel: isTestModelId(info.id),
    dataName,
    skippedRows,
    startedAt: Date.now(),
  };
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

/** A run of the chosen templates on every example, on the runtime's 'eval' lane. */
export interface RunSlice {
  run: EvalRunState;
  startRun(): Promise<void>;
  cancelRun(): void;
}

export interface EvalView {
  source: EvalSource;
  mode: CalibrationMode;
  cell: [number, number] | null;
}

/** The workbench's two result tabs: the zero-shot evaluation's results, or few-shot learning. */
export type EvalPanel = 'results' | 'fewshot';

/**
 * What the results panel shows: which template (or the ensemble), which mode, which confusion cell;
 * and which tab is open.
 */
export interface ViewSlice {
  view: EvalView;
  panel: EvalPanel;
  setPanel(panel: EvalPanel): void;
  setViewSource(source: EvalSource): void;
  setMode(mode: CalibrationMode): void;
  selectCell(cell: [number, number] | null): void;
}

export interface LabelSearchState {
  status: 'idle' | 'running' | 'done' | 'error';
  result: LabelWordStatsResult | null;
  labels: string[];
  /** The template searched with (step 2 scores its prompts). */
  templateId: string | null;
  templateName: string | null;
  error: string | null;
  errorCode: string;
  /** Step 2: combinations of the candidates, by accuracy on the K-shot training split. */
  combos: LabelComboState;
}

/** Label-word search, step 2 (LM-BFF): one word per label, ranked by K-shot training accuracy. */
export interface LabelComboState {
  /** 'too-few': a label has fewer than K examples (`tooFew` says which). */
  status: 'idle' | 'running' | 'done' | 'too-few' | 'error';
  k: number;
  seed: number;
  /** Candidates per label taken from step 1. */
  n: number;
  result: ComboSearchResult | null;
  tooFew: { label: string; have: number; need: number } | null;
  error: string | null;
  errorCode: string;
}

export interface LabelComboOptions {
  k: number;
  seed: number;
  n: number;
}

/** Label words suggested from the examples (ranked over the whole vocabulary in the worker). */
export interface LabelSearchSlice {
  labelSearch: LabelSearchState;
  suggestLabelWords(): Promise<void>;
  cancelLabelWords(): void;
  addLabelWord(label: string, word: string): boolean;
  /** Step 2: score the K-shot training examples at every top-n candidate once, then search combinations. */
  searchLabelCombos(options: LabelComboOptions): Promise<void>;
  /** Replaces the verbalizer with step 2's combination `index` (one word per label). */
  applyLabelCombo(index: number): boolean;
}

/** A demo dataset with its templates and verbalizer, and the Undo of that replacement. */
export interface DemoSlice {
  /** The workspace before a demo replaced its templates and verbalizer (for Undo). */
  replacedSetup: { setup: PromptSetup; verbalizerText: string; demoId: string } | null;
  loadDemo(id: string): Promise<void>;
  undoDemoSetup(): void;
  dismissDemoSetup(): void;
}

/** A few-shot run's separate test file (a second labelled file, read with the data's parsers and mapping). */
export interface FewShotTestFile {
  name: string;
  chars: number;
  status: 'parsing' | 'ready' | 'error';
  error: DatasetError | null;
  dataset: Dataset | null;
}

/** What a few-shot result was computed from: when any of it changes, the result is not current. */
export interface FewShotBasis {
  templates: { id: string; text: string; demo?: string }[];
  verbalizer: string;
  scoring: string;
  /** Fingerprints of the training pool's and the test file's examples (fewshot-basis.ts). */
  data: string;
  testData: string | null;
  model: ModelRef;
}

export interface FewShotRunState {
  status: RunStatus;
  progress: FewShotProgress | null;
  /** The finished result, or the cells finished before Cancel or a failure. */
  result: FewShotResult | null;
  /** 'no-model', 'no-template', 'no-test-file', or the failure of the run (code + English message). */
  error: string | null;
  errorCode: string;
  templateProblems: TemplateProblem[];
  /** The active template's demonstration template errors (then demonstrations were left out). */
  demoErrors: TemplateError[];
  meta: RunMeta | null;
  basis: FewShotBasis | null;
  /** The examples the run drew its splits from (the split indices point into them). */
  data: FewShotData | null;
}

export type FewShotMetric = 'accuracy' | 'macroF1';

/** Few-shot learning (LM-BFF protocol, frozen model): settings, the test file, the run and its result. */
export interface FewShotSlice {
  fewShotSettings: FewShotSettings;
  fewShotTest: FewShotTestFile | null;
  fewShot: FewShotRunState;
  /** Which metric the learning curve and its table show. */
  fewShotMetric: FewShotMetric;
  setFewShotConfig(patch: Partial<FewShotSettings['config']>): void;
  setFewShotTestSource(source: FewShotTestSource): void;
  /** Replaces the settings (a stored or a preset's), checked field by field. */
  replaceFewShotSettings(settings: unknown): void;
  loadFewShotTestText(text: string, name: string): Promise<void>;
  loadFewShotTestFile(file: File): Promise<void>;
  clearFewShotTestFile(): void;
  startFewShot(): Promise<void>;
  cancelFewShot(): void;
  setFewShotMetric(metric: FewShotMetric): void;
}

export type EvalState = DataSlice &
  MappingSlice &
  RunSlice &
  ViewSlice &
  LabelSearchSlice &
  DemoSlice &
  FewShotSlice &
  GridSlice;

/** What the evaluation works with: the app's workspace and model by default (evaluation.ts). */
export interface EvaluationDeps {
  /** Where the setup, its labels and the model's state are read (and a demo's setup is put). */
  workspace: WorkspaceStore;
  /** The loaded model's scoring pipeline (null while none is loaded). */
  pipeline: () => ScoringPipeline | null;
  /** The second model (side by side) with its own pipeline and worker, when one is loaded: a grid runs its cells too. */
  secondModel?: () => { ref: ModelRef; pipeline: ScoringPipeline } | null;
  /** The runtime that ranks label words over the whole vocabulary. */
  runtime: () => Pick<RuntimeClient, 'labelWordStats'>;
  /** Resolves when the page has had a turn (between slices of main-thread work). */
  nextSlice: () => Promise<void>;
}

/** Work in flight, one latest-wins slot per kind: newer work of a kind makes the older stale. */
export interface EvalWork {
  parse: LatestSlot;
  build: LatestSlot;
  run: LatestSlot;
  search: LatestSlot;
  fewShot: LatestSlot;
  fewShotTest: LatestSlot;
  grid: LatestSlot;
}

/** What every slice is made with. */
export interface SliceContext {
  set: StoreApi<EvalState>['setState'];
  get: StoreApi<EvalState>['getState'];
  deps: EvaluationDeps;
  work: EvalWork;
}

export const emptyMapping = (): DatasetMapping => ({ slots: {}, labelColumn: null, labelMap: new Map() });

export const idleRun = (): EvalRunState => ({
  status: 'idle',
  progress: null,
  result: null,
  error: null,
  errorCode: 'unknown',
  templateProblems: [],
  meta: null,
});

export const idleFewShot = (): FewShotRunState => ({
  status: 'idle',
  progress: null,
  result: null,
  error: null,
  errorCode: 'unknown',
  templateProblems: [],
  demoErrors: [],
  meta: null,
  basis: null,
  data: null,
});

/** The runtime lane of the label-word search (both steps): a newer request supersedes an older one. */
export const LABEL_SEARCH_LANE = 'label-search';

/** Step 2's defaults: LM-BFF's K = 16 and first seed; 5 candidates per label. */
export const LABEL_COMBO_DEFAULTS: Readonly<LabelComboOptions> = Object.freeze({ k: 16, seed: 13, n: 5 });

/** Step 2 not run; `options` (K, seed, n) as last chosen. */
export const idleCombos = ({ k, seed, n }: LabelComboOptions = LABEL_COMBO_DEFAULTS): LabelComboState => ({
  status: 'idle',
  k,
  seed,
  n,
  result: null,
  tooFew: null,
  error: null,
  errorCode: 'unknown',
});

export const idleSearch = (): LabelSearchState => ({
  status: 'idle',
  result: null,
  labels: [],
  templateId: null,
  templateName: null,
  error: null,
  errorCode: 'unknown',
  combos: idleCombos(),
});

/**
 * Stops a running evaluation and label search; their results will not be stored. A few-shot run
 * is asked to stop: it keeps the cells it finished, shown as not current (its data changed).
 */
export function stopResultWork(work: EvalWork): void {
  work.run.cancel();
  work.search.cancel();
  work.fewShot.abort();
  work.grid.cancel();
}
