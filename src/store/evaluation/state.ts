// The evaluation workbench's state, slice by slice (each slice's actions live in the file of the
// same name), what the slices share when they are composed into one store (evaluation.ts), and the
// idle values they reset to.
import type { StoreApi } from 'zustand';
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
import type { LabelWordStatsResult } from '../../core/label-search.ts';
import type { ScoringPipeline } from '../../core/pipeline.ts';
import type { PromptSetup } from '../../core/setup.ts';
import type { RuntimeClient } from '../../runtime/client.ts';
import type { LatestSlot } from '../latest-run.ts';
import type { WorkspaceStore } from '../workspace.ts';
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

/** What the results panel shows: which template (or the ensemble), which mode, which confusion cell. */
export interface ViewSlice {
  view: EvalView;
  setViewSource(source: EvalSource): void;
  setMode(mode: CalibrationMode): void;
  selectCell(cell: [number, number] | null): void;
}

export interface LabelSearchState {
  status: 'idle' | 'running' | 'done' | 'error';
  result: LabelWordStatsResult | null;
  labels: string[];
  templateName: string | null;
  error: string | null;
  errorCode: string;
}

/** Label words suggested from the examples (ranked over the whole vocabulary in the worker). */
export interface LabelSearchSlice {
  labelSearch: LabelSearchState;
  suggestLabelWords(): Promise<void>;
  cancelLabelWords(): void;
  addLabelWord(label: string, word: string): boolean;
}

/** A demo dataset with its templates and verbalizer, and the Undo of that replacement. */
export interface DemoSlice {
  /** The workspace before a demo replaced its templates and verbalizer (for Undo). */
  replacedSetup: { setup: PromptSetup; verbalizerText: string; demoId: string } | null;
  loadDemo(id: string): Promise<void>;
  undoDemoSetup(): void;
  dismissDemoSetup(): void;
}

export type EvalState = DataSlice & MappingSlice & RunSlice & ViewSlice & LabelSearchSlice & DemoSlice & GridSlice;

/** What the evaluation works with: the app's workspace and model by default (evaluation.ts). */
export interface EvaluationDeps {
  /** Where the setup, its labels and the model's state are read (and a demo's setup is put). */
  workspace: WorkspaceStore;
  /** The loaded model's scoring pipeline (null while none is loaded). */
  pipeline: () => ScoringPipeline | null;
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

export const idleSearch = (): LabelSearchState => ({
  status: 'idle',
  result: null,
  labels: [],
  templateName: null,
  error: null,
  errorCode: 'unknown',
});

/** Stops a running evaluation and label search; their results will not be stored. */
export function stopResultWork(work: EvalWork): void {
  work.run.cancel();
  work.search.cancel();
  work.grid.cancel();
}
