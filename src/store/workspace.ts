// The workspace: the user's setup (saved by autosave.ts) plus the model's state and the live
// results (not saved). Components read this store and call its actions.
import { create, type StoreApi } from 'zustand';
import type { InputPartRead, ModelFacts } from '../core/types.ts';
import type { LabelScores } from '../core/label-scores.ts';
import type { PromptLayout } from '../core/template.ts';
import type { Resolution } from '../core/label-words.ts';
import { formatVerbalizer, parseVerbalizer } from '../core/verbalizer.ts';
import { parseTemplate } from '../core/template.ts';
import type { BoundVerbalizer, VerbalizerBinder } from '../core/bound-verbalizer.ts';
import { LIMITS } from '../core/limits.ts';
import { alignSetupV2 } from '../core/setup-fit.ts';
import { isValidModelId, type ModelRef, type PromptSetup, type TemplateEntry } from '../core/setup.ts';
import type { ScoringOptions } from '../core/scoring.ts';
import type { EngineInfo, LoadPhase } from '../runtime/protocol.ts';
import type { RuntimeFailure } from './failure.ts';
import { freshWorkspace, type SavedWorkspace } from './persistence.ts';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface FileProgress {
  file: string;
  loaded: number;
  total: number;
  startedAt: number;
  updatedAt: number;
  done: boolean;
}

export interface ModelState {
  /** The model these facts belong to (may lag setup.model while a new one loads). */
  ref: ModelRef | null;
  status: ModelStatus;
  info: EngineInfo | null;
  facts: ModelFacts | null;
  files: Record<string, FileProgress>;
  /** The load's phase after its files arrived (the runtime's progress events); absent while downloading. */
  phase?: LoadPhase;
  error: RuntimeFailure | null;
  /** Whether the selected model's files are in the browser cache (null = unknown). */
  cached: boolean | null;
}

/**
 * A model asked for that is not (yet) the setup's model: by the model picker, a preset or a link.
 * The setup's model (setup.model: persisted, shared, scoring) changes only once it has loaded.
 */
export interface ModelRequest {
  ref: ModelRef;
  /** waiting: needs the user's click (a download); loading; failed (error says why). */
  status: 'waiting' | 'loading' | 'failed';
  files: Record<string, FileProgress>;
  /** The load's phase after its files arrived (as ModelState.phase). */
  phase?: LoadPhase;
  error: RuntimeFailure | null;
}

/** The live result for one example input. */
export interface RowResult {
  /** Identity of what produced it; the UI dims a result whose signature is no longer current. */
  signature: string;
  scores: LabelScores;
  layout: PromptLayout;
  top: { id: number; token: string; prob: number }[];
  tokens: string[];
  maskPositions: number[];
  truncatedTokens: number;
  /** Per input part of the prompt, how much of it the model read (only when inputs were cut). */
  inputsRead?: InputPartRead[];
}

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  /** Message catalog key (src/ui/i18n) and its parameters; `fields` holds setup paths, one per line, shown in words. */
  key: string;
  params?: Record<string, string | number>;
}

export interface WorkspaceState {
  setup: PromptSetup;
  verbalizerText: string;
  /** The setup's model (setup.model) as the runtime holds it: the model in use. */
  model: ModelState;
  /** Another model asked for (loading, failed, or waiting for a download click); null: none. */
  request: ModelRequest | null;
  rows: (RowResult | null)[];
  /** Per-row failure of the last run (e.g. the model rejected the input). */
  rowErrors: (RuntimeFailure | null)[];
  /** True while the model is working on the current edit. */
  pending: boolean;
  /** The loaded model's verbalizer binder (the scoring pipeline's): label words → this model's token ids. */
  binder: VerbalizerBinder | null;
  /** The active template's binding as the last live run made it (a new one re-renders the word tokens). */
  bound: BoundVerbalizer | null;
  notices: Notice[];
  /** False after a save failed (e.g. storage full): the UI keeps warning until a save works. */
  saveOk: boolean;

  setTemplateText(id: string, text: string): void;
  /** A template's demonstration template (few-shot); null removes it (demonstrations use the template itself). */
  setDemoTemplate(id: string, demo: string | null): void;
  addTemplate(): void;
  removeTemplate(id: string): void;
  renameTemplate(id: string, name: string): void;
  setActiveTemplate(id: string): void;
  setVerbalizerText(text: string): void;
  setScoring(patch: Partial<ScoringOptions>): void;
  setInput(row: number, slot: string, value: string): void;
  addInputRow(): void;
  removeInputRow(row: number): void;
  setModelRef(ref: ModelRef): void;
  replaceSetup(setup: PromptSetup): void;
  /** The evaluation grid (null: none); the caller keeps it valid against the setup (core/grid.ts). */
  setGrid(grid: PromptSetup['grid']): void;
  /** The named alternative label-word lists (validated by the editor before they are set). */
  setVerbalizerVariants(variants: PromptSetup['verbalizerVariants']): void;
  dismissNotice(id: number): void;
  pushNotice(notice: Omit<Notice, 'id'>): void;
}

function initialModelState(): ModelState {
  return { ref: null, status: 'idle', info: null, facts: null, files: {}, error: null, cached: null };
}

export function activeTemplate(setup: PromptSetup): TemplateEntry {
  return setup.templates.find((t) => t.id === setup.activeTemplateId) ?? setup.templates[0]!;
}

/** The verbalizer text's parse, or the setup's last valid verbalizer when the text has errors. */
function withVerbalizerText(setup: PromptSetup, text: string): PromptSetup {
  const parsed = parseVerbalizer(text);
  return parsed.ok ? { ...setup, verbalizer: parsed.verbalizer } : setup;
}

/**
 * The input fields the editor shows for each example: one per slot of the active template, or the
 * first example's keys while the template has errors (the last good slots); at least [X].
 */
export function inputFieldSlots(setup: PromptSetup): string[] {
  const parsed = parseTemplate(activeTemplate(setup).text);
  const slots = parsed.ok ? parsed.template.slots : Object.keys(setup.inputs[0] ?? { X: '' });
  return slots.length > 0 ? slots : ['X'];
}

function nextTemplateId(templates: readonly TemplateEntry[]): string {
  let n = templates.length + 1;
  while (templates.some((t) => t.id === `t${n}`)) n++;
  return `t${n}`;
}

function workspaceState(initial: SavedWorkspace, set: StoreApi<WorkspaceState>['setState']): WorkspaceState {
  let noticeId = 0;
  // alignSetupV2: variants and the grid follow edits of the labels and templates they depend on.
  const updateSetup = (fn: (setup: PromptSetup) => PromptSetup) => set((s) => ({ setup: alignSetupV2(fn(s.setup)) }));
  return {
    setup: initial.setup,
    verbalizerText: initial.verbalizerText,
    model: initialModelState(),
    request: null,
    rows: initial.setup.inputs.map(() => null),
    rowErrors: initial.setup.inputs.map(() => null),
    pending: false,
    binder: null,
    bound: null,
    notices: [],
    saveOk: true,

    setTemplateText: (id, text) =>
      updateSetup((setup) => ({ ...setup, templates: setup.templates.map((t) => (t.id === id ? { ...t, text } : t)) })),
    setDemoTemplate: (id, demo) =>
      updateSetup((setup) => ({
        ...setup,
        templates: setup.templates.map((t) => {
          if (t.id !== id) return t;
          if (demo !== null) return { ...t, demo };
          const { demo: _removed, ...rest } = t;
          return rest;
        }),
      })),
    addTemplate: () =>
      updateSetup((setup) => {
        if (setup.templates.length >= LIMITS.templates) return setup;
        const id = nextTemplateId(setup.templates);
        const copy = activeTemplate(setup);
        return {
          ...setup,
          templates: [
            ...setup.templates,
            {
              id,
              name: `Template ${setup.templates.length + 1}`,
              text: copy.text,
              ...(copy.demo !== undefined ? { demo: copy.demo } : {}),
            },
          ],
          activeTemplateId: id,
        };
      }),
    removeTemplate: (id) =>
      updateSetup((setup) => {
        if (setup.templates.length <= 1) return setup;
        const templates = setup.templates.filter((t) => t.id !== id);
        const activeTemplateId = setup.activeTemplateId === id ? templates[0]!.id : setup.activeTemplateId;
        return { ...setup, templates, activeTemplateId };
      }),
    renameTemplate: (id, name) =>
      updateSetup((setup) => ({ ...setup, templates: setup.templates.map((t) => (t.id === id ? { ...t, name } : t)) })),
    setActiveTemplate: (id) =>
      updateSetup((setup) => (setup.templates.some((t) => t.id === id) ? { ...setup, activeTemplateId: id } : setup)),
    setVerbalizerText: (text) =>
      set((s) => ({ verbalizerText: text, setup: alignSetupV2(withVerbalizerText(s.setup, text)) })),
    setScoring: (patch) => updateSetup((setup) => ({ ...setup, scoring: { ...setup.scoring, ...patch } })),
    setInput: (row, slot, value) =>
      updateSetup((setup) => ({
        ...setup,
        inputs: setup.inputs.map((inputs, i) => (i === row ? { ...inputs, [slot]: value } : inputs)),
      })),
    addInputRow: () =>
      set((s) => {
        if (s.setup.inputs.length >= LIMITS.inputRows) return {};
        return {
          setup: { ...s.setup, inputs: [...s.setup.inputs, {}] },
          rows: [...s.rows, null],
          rowErrors: [...s.rowErrors, null],
        };
      }),
    removeInputRow: (row) =>
      set((s) => ({
        setup: { ...s.setup, inputs: s.setup.inputs.filter((_, i) => i !== row) },
        rows: s.rows.filter((_, i) => i !== row),
        rowErrors: s.rowErrors.filter((_, i) => i !== row),
      })),
    setModelRef: (ref) => {
      if (!isValidModelId(ref.id)) return;
      updateSetup((setup) => ({ ...setup, model: ref }));
    },
    replaceSetup: (next) => {
      const setup = alignSetupV2(next);
      set({
        setup,
        verbalizerText: formatVerbalizer(setup.verbalizer),
        rows: setup.inputs.map(() => null),
        rowErrors: setup.inputs.map(() => null),
      });
    },
    setGrid: (grid) => updateSetup((setup) => ({ ...setup, grid })),
    setVerbalizerVariants: (verbalizerVariants) => updateSetup((setup) => ({ ...setup, verbalizerVariants })),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    pushNotice: (notice) =>
      set((s) => {
        // The same message twice in a row is shown once.
        const last = s.notices[s.notices.length - 1];
        if (last?.key === notice.key && JSON.stringify(last.params) === JSON.stringify(notice.params)) return {};
        return { notices: [...s.notices, { ...notice, id: ++noticeId }] };
      }),
  };
}

/** A workspace store holding `initial` (the app's is useWorkspace; autosave.ts restores the saved one into it). */
export function createWorkspaceStore(initial: SavedWorkspace = freshWorkspace()) {
  return create<WorkspaceState>()((set) => workspaceState(initial, set));
}

export type WorkspaceStore = ReturnType<typeof createWorkspaceStore>;

/** The app's workspace. */
export const useWorkspace = createWorkspaceStore();

/**
 * The verbalizer's words as the loaded model tokenizes them after the active template's [Z] — the
 * scoring pipeline's binding — once its words are tokenized (null before a model is loaded, while
 * the text has errors, or while tokenizing). Memoised: components subscribe to it, so it must
 * return the same object for the same state.
 */
export const selectResolution = memoizedResolution();

function memoizedResolution(): (state: WorkspaceState) => Resolution | null {
  let memo: { inputs: unknown[]; value: Resolution | null } | null = null;
  return (state) => {
    const templateText = activeTemplate(state.setup).text;
    const inputs = [state.binder, templateText, state.verbalizerText, state.bound];
    if (memo?.inputs.every((value, i) => value === inputs[i])) return memo.value;
    const value = computeResolution(state, templateText);
    memo = { inputs, value };
    return value;
  };
}

function computeResolution(state: WorkspaceState, templateText: string): Resolution | null {
  if (!state.binder) return null;
  const verbalizer = parseVerbalizer(state.verbalizerText);
  if (!verbalizer.ok) return null;
  const template = parseTemplate(templateText);
  return state.binder.peek(template.ok ? template.template : null, verbalizer.verbalizer);
}
