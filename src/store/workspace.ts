// The workspace: the user's setup (persisted) plus the model's state and the live results
// (not persisted). Components read this store and call its actions; the store talks to the
// runtime client and the prompt engine.
import { create } from 'zustand';
import type { ModelFacts } from '../core/types.ts';
import type { LabelScores } from '../core/scoring.ts';
import type { PromptLayout } from '../core/template.ts';
import { formatVerbalizer, parseVerbalizer, type Resolution } from '../core/verbalizer.ts';
import { parseTemplate } from '../core/template.ts';
import type { BoundVerbalizer, VerbalizerBinder } from '../core/bound-verbalizer.ts';
import { isValidModelId, type ModelRef, type PromptSetup, type TemplateEntry } from '../core/setup.ts';
import type { ScoringOptions } from '../core/scoring.ts';
import type { EngineInfo } from '../runtime/protocol.ts';
import { loadWorkspace, saveWorkspace, type SavedWorkspace } from './persistence.ts';
import { fitSetupToLimits } from '../core/setup-fit.ts';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface FileProgress {
  file: string;
  loaded: number;
  total: number;
  startedAt: number;
  updatedAt: number;
  done: boolean;
}

export interface RuntimeFailure {
  code: string;
  message: string;
  detail?: string;
}

export interface ModelState {
  /** The model these facts belong to (may lag setup.model while a new one loads). */
  ref: ModelRef | null;
  status: ModelStatus;
  info: EngineInfo | null;
  facts: ModelFacts | null;
  files: Record<string, FileProgress>;
  error: RuntimeFailure | null;
  /** Whether the selected model's files are in the browser cache (null = unknown). */
  cached: boolean | null;
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
}

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  /** Message catalog key (src/ui/i18n) and its parameters. */
  key: string;
  params?: Record<string, string | number>;
}

export interface WorkspaceState {
  setup: PromptSetup;
  verbalizerText: string;
  model: ModelState;
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
  dismissNotice(id: number): void;
  pushNotice(notice: Omit<Notice, 'id'>): void;
}

let noticeId = 0;

function initialModelState(): ModelState {
  return { ref: null, status: 'idle', info: null, facts: null, files: {}, error: null, cached: null };
}

const restored = loadWorkspace(globalThis.localStorage);
const initialNotices: Notice[] = [];
if (restored.kind === 'reset') {
  initialNotices.push({
    id: ++noticeId,
    kind: 'warning',
    key: 'notice.workspaceReset',
    params: { reason: restored.reason },
  });
} else if (restored.kind === 'restored' && restored.migratedFrom !== undefined) {
  initialNotices.push({
    id: ++noticeId,
    kind: 'info',
    key: 'notice.workspaceMigrated',
    params: { from: restored.migratedFrom },
  });
}

export function activeTemplate(setup: PromptSetup): TemplateEntry {
  return setup.templates.find((t) => t.id === setup.activeTemplateId) ?? setup.templates[0]!;
}

/** The verbalizer text's parse, or the setup's last valid verbalizer when the text has errors. */
function withVerbalizerText(setup: PromptSetup, text: string): PromptSetup {
  const parsed = parseVerbalizer(text);
  return parsed.ok ? { ...setup, verbalizer: parsed.verbalizer } : setup;
}

function nextTemplateId(templates: readonly TemplateEntry[]): string {
  let n = templates.length + 1;
  while (templates.some((t) => t.id === `t${n}`)) n++;
  return `t${n}`;
}

export const useWorkspace = create<WorkspaceState>()((set) => {
  const updateSetup = (fn: (setup: PromptSetup) => PromptSetup) => set((s) => ({ setup: fn(s.setup) }));
  return {
    setup: restored.workspace.setup,
    verbalizerText: restored.workspace.verbalizerText,
    model: initialModelState(),
    rows: restored.workspace.setup.inputs.map(() => null),
    rowErrors: restored.workspace.setup.inputs.map(() => null),
    pending: false,
    binder: null,
    bound: null,
    notices: initialNotices,
    saveOk: true,

    setTemplateText: (id, text) =>
      updateSetup((setup) => ({ ...setup, templates: setup.templates.map((t) => (t.id === id ? { ...t, text } : t)) })),
    addTemplate: () =>
      updateSetup((setup) => {
        if (setup.templates.length >= 20) return setup;
        const id = nextTemplateId(setup.templates);
        const copy = activeTemplate(setup);
        return {
          ...setup,
          templates: [...setup.templates, { id, name: `Template ${setup.templates.length + 1}`, text: copy.text }],
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
    setVerbalizerText: (text) => set((s) => ({ verbalizerText: text, setup: withVerbalizerText(s.setup, text) })),
    setScoring: (patch) => updateSetup((setup) => ({ ...setup, scoring: { ...setup.scoring, ...patch } })),
    setInput: (row, slot, value) =>
      updateSetup((setup) => ({
        ...setup,
        inputs: setup.inputs.map((inputs, i) => (i === row ? { ...inputs, [slot]: value } : inputs)),
      })),
    addInputRow: () =>
      set((s) => {
        if (s.setup.inputs.length >= 500) return {};
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
    replaceSetup: (setup) =>
      set({
        setup,
        verbalizerText: formatVerbalizer(setup.verbalizer),
        rows: setup.inputs.map(() => null),
        rowErrors: setup.inputs.map(() => null),
      }),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    pushNotice: (notice) =>
      set((s) => {
        // The same message twice in a row is shown once.
        const last = s.notices[s.notices.length - 1];
        if (last?.key === notice.key && JSON.stringify(last.params) === JSON.stringify(notice.params)) return {};
        return { notices: [...s.notices, { ...notice, id: ++noticeId }] };
      }),
  };
});

// Save on every change of what is persisted. Failures (quota, private mode) become a notice and
// the in-memory workspace stays as it is.
let lastSaved: SavedWorkspace | null = null;
/** True while another tab's newer save waits for the user's choice (tabs.ts): don't overwrite it. */
let savingHeld = false;
/** The fields cut on the last save (fitSetupToLimits), so that the notice is not repeated per keystroke. */
let lastTrimmed = '';

/** Holds or resumes saving; resuming saves the current workspace at once (e.g. "keep mine"). */
export function holdSaving(held: boolean): void {
  savingHeld = held;
  if (!held) {
    lastSaved = null;
    useWorkspace.setState({});
  }
}

useWorkspace.subscribe((state) => {
  if (savingHeld) return;
  if (lastSaved?.setup === state.setup && lastSaved.verbalizerText === state.verbalizerText) return;
  lastSaved = { setup: state.setup, verbalizerText: state.verbalizerText };
  // What is longer than a saved setup may be is saved cut to the limits (and the user is told once
  // per set of fields): saved whole, the next load would reject it and open a fresh workspace.
  const fit = fitSetupToLimits(state.setup);
  const trimmedKey = fit.trimmed.join(', ');
  if (trimmedKey && trimmedKey !== lastTrimmed)
    state.pushNotice({ kind: 'warning', key: 'notice.saveTrimmed', params: { fields: trimmedKey } });
  lastTrimmed = trimmedKey;
  const result = saveWorkspace(globalThis.localStorage, { setup: fit.setup, verbalizerText: state.verbalizerText });
  if (!result.ok && state.saveOk) {
    useWorkspace.setState({ saveOk: false });
    state.pushNotice({ kind: 'error', key: result.reason === 'quota' ? 'notice.saveQuota' : 'notice.saveUnavailable' });
  } else if (result.ok && !state.saveOk) {
    useWorkspace.setState({ saveOk: true });
  }
});

let resolutionMemo: { inputs: unknown[]; value: Resolution | null } | null = null;

/**
 * The verbalizer's words as the loaded model tokenizes them after the active template's [Z] — the
 * scoring pipeline's binding — once its words are tokenized (null before a model is loaded, while
 * the text has errors, or while tokenizing). Memoised: components subscribe to it, so it must
 * return the same object for the same state.
 */
export function selectResolution(state: WorkspaceState): Resolution | null {
  const templateText = activeTemplate(state.setup).text;
  const inputs = [state.binder, templateText, state.verbalizerText, state.bound];
  if (resolutionMemo?.inputs.every((value, i) => value === inputs[i])) return resolutionMemo.value;
  const value = computeResolution(state, templateText);
  resolutionMemo = { inputs, value };
  return value;
}

function computeResolution(state: WorkspaceState, templateText: string): Resolution | null {
  if (!state.binder) return null;
  const verbalizer = parseVerbalizer(state.verbalizerText);
  if (!verbalizer.ok) return null;
  const template = parseTemplate(templateText);
  return state.binder.peek(template.ok ? template.template : null, verbalizer.verbalizer);
}
