// Saving the workspace in localStorage with a versioned envelope. A saved state that can't be
// read is never silently dropped: it is copied to a backup key and the user is told.
import { formatSetupError } from '../core/messages/index.ts';
import { defaultSetup, type PromptSetup } from '../core/setup.ts';
import { parseSetup } from '../core/setup-parse.ts';
import { formatVerbalizer } from '../core/verbalizer.ts';

export const WORKSPACE_KEY = 'clozelab.workspace';
export const WORKSPACE_BACKUP_KEY = 'clozelab.workspace.unreadable';
/** Version of the saved envelope (not of PromptSetup, which has its own). */
export const WORKSPACE_VERSION = 1;

/** What is saved: the setup plus the verbalizer exactly as typed (it may not parse right now). */
export interface SavedWorkspace {
  setup: PromptSetup;
  verbalizerText: string;
}

export type RestoreOutcome =
  | { kind: 'fresh'; workspace: SavedWorkspace }
  | { kind: 'restored'; workspace: SavedWorkspace; migratedFrom?: number }
  | { kind: 'reset'; workspace: SavedWorkspace; reason: string };

export function freshWorkspace(): SavedWorkspace {
  const setup = defaultSetup();
  return { setup, verbalizerText: formatVerbalizer(setup.verbalizer) };
}

/**
 * Envelope migrations: saved version → function that returns the next version's shape.
 * Version 0 was the pre-envelope form `{ setup, verbalizerText }` written without a version.
 */
const migrations: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  0: (old) => ({ version: 1, workspace: { setup: old.setup, verbalizerText: old.verbalizerText } }),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the saved workspace text (null when nothing is saved). Never throws. */
export function restoreWorkspace(text: string | null): RestoreOutcome {
  if (text === null) return { kind: 'fresh', workspace: freshWorkspace() };
  const reset = (reason: string): RestoreOutcome => ({ kind: 'reset', workspace: freshWorkspace(), reason });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return reset('The saved workspace is not valid JSON.');
  }
  if (!isRecord(raw)) return reset('The saved workspace has an unexpected shape.');
  let envelope = raw;
  const startVersion = typeof raw.version === 'number' ? raw.version : 0;
  if (startVersion > WORKSPACE_VERSION) {
    return reset(`The saved workspace comes from a newer ClozeLab (version ${startVersion}).`);
  }
  for (let v = startVersion; v < WORKSPACE_VERSION; v++) {
    const step = migrations[v];
    if (!step) return reset(`The saved workspace has version ${v}, which this ClozeLab can't migrate.`);
    envelope = step(envelope);
  }
  const workspace = envelope.workspace;
  if (!isRecord(workspace)) return reset('The saved workspace has no content.');
  const parsed = parseSetup(workspace.setup);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    return reset(`The saved setup is invalid${first ? ` (${formatSetupError(first)})` : ''}.`);
  }
  const verbalizerText =
    typeof workspace.verbalizerText === 'string' ? workspace.verbalizerText : formatVerbalizer(parsed.setup.verbalizer);
  return {
    kind: 'restored',
    workspace: { setup: parsed.setup, verbalizerText },
    ...(startVersion < WORKSPACE_VERSION ? { migratedFrom: startVersion } : {}),
  };
}

export function serializeWorkspace(workspace: SavedWorkspace): string {
  return JSON.stringify({ version: WORKSPACE_VERSION, workspace });
}

export type SaveResult = { ok: true } | { ok: false; reason: 'quota' | 'unavailable'; message: string };

/** Writes the workspace; a full or blocked storage is reported, never thrown. */
export function saveWorkspace(storage: Storage | undefined, workspace: SavedWorkspace): SaveResult {
  if (!storage)
    return { ok: false, reason: 'unavailable', message: 'This browser does not allow saving (no localStorage).' };
  try {
    storage.setItem(WORKSPACE_KEY, serializeWorkspace(workspace));
    return { ok: true };
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- legacy code 22: older WebKit names the quota error differently
    const quota = error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
    return {
      ok: false,
      reason: quota ? 'quota' : 'unavailable',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Reads the saved workspace; an unreadable one is kept under a backup key before it is replaced. */
export function loadWorkspace(storage: Storage | undefined): RestoreOutcome {
  let text: string | null = null;
  try {
    text = storage?.getItem(WORKSPACE_KEY) ?? null;
  } catch {
    text = null;
  }
  const outcome = restoreWorkspace(text);
  if (outcome.kind === 'reset' && text !== null) {
    try {
      storage?.setItem(WORKSPACE_BACKUP_KEY, text);
    } catch {
      // Nothing more we can do; the notice still tells the user.
    }
  }
  return outcome;
}
