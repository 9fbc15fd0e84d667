// Saving the workspace in localStorage with a versioned envelope. A saved state that can't be
// read is never silently dropped: it is copied to a backup key and the user is told.
import { formatSetupError } from '../core/messages/index.ts';
import { fitSetupToLimits } from '../core/setup-fit.ts';
import { defaultSetup, type PromptSetup } from '../core/setup.ts';
import { migrateSetup, parseSetup, type SetupError } from '../core/setup-parse.ts';
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

/** Why a saved workspace could not be read (for the UI's words; `reason` below is the same in English). */
export type ResetCause =
  | { code: 'json' | 'shape' | 'empty' }
  | { code: 'newer' | 'migrate'; version: number }
  | { code: 'invalid'; error: SetupError | null };

export type RestoreOutcome =
  | { kind: 'fresh'; workspace: SavedWorkspace }
  | { kind: 'restored'; workspace: SavedWorkspace; migratedFrom?: number }
  | { kind: 'reset'; workspace: SavedWorkspace; reason: string; cause: ResetCause };

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

function reasonOf(cause: ResetCause): string {
  switch (cause.code) {
    case 'json':
      return 'The saved workspace is not valid JSON.';
    case 'shape':
      return 'The saved workspace has an unexpected shape.';
    case 'newer':
      return `The saved workspace comes from a newer ClozeLab (version ${cause.version}).`;
    case 'migrate':
      return `The saved workspace has version ${cause.version}, which this ClozeLab can't migrate.`;
    case 'empty':
      return 'The saved workspace has no content.';
    case 'invalid':
      return `The saved setup is invalid${cause.error ? ` (${formatSetupError(cause.error)})` : ''}.`;
  }
}

/** The saved text's envelope, migrated to the current version: the workspace's raw content. */
function readEnvelope(
  text: string,
): { ok: true; workspace: Record<string, unknown>; startVersion: number } | { ok: false; cause: ResetCause } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, cause: { code: 'json' } };
  }
  if (!isRecord(raw)) return { ok: false, cause: { code: 'shape' } };
  let envelope = raw;
  const startVersion = typeof raw.version === 'number' ? raw.version : 0;
  if (startVersion > WORKSPACE_VERSION) return { ok: false, cause: { code: 'newer', version: startVersion } };
  for (let v = startVersion; v < WORKSPACE_VERSION; v++) {
    const step = migrations[v];
    if (!step) return { ok: false, cause: { code: 'migrate', version: v } };
    envelope = step(envelope);
  }
  const workspace = envelope.workspace;
  if (!isRecord(workspace)) return { ok: false, cause: { code: 'empty' } };
  return { ok: true, workspace, startVersion };
}

const verbalizerTextOf = (workspace: Record<string, unknown>, setup: PromptSetup) =>
  typeof workspace.verbalizerText === 'string' ? workspace.verbalizerText : formatVerbalizer(setup.verbalizer);

/** Reads the saved workspace text (null when nothing is saved). Never throws. */
export function restoreWorkspace(text: string | null): RestoreOutcome {
  if (text === null) return { kind: 'fresh', workspace: freshWorkspace() };
  const reset = (cause: ResetCause): RestoreOutcome => ({
    kind: 'reset',
    workspace: freshWorkspace(),
    reason: reasonOf(cause),
    cause,
  });
  const envelope = readEnvelope(text);
  if (!envelope.ok) return reset(envelope.cause);
  const { workspace, startVersion } = envelope;
  const parsed = parseSetup(workspace.setup);
  if (!parsed.ok) return reset({ code: 'invalid', error: parsed.errors[0] ?? null });
  return {
    kind: 'restored',
    workspace: { setup: parsed.setup, verbalizerText: verbalizerTextOf(workspace, parsed.setup) },
    ...(startVersion < WORKSPACE_VERSION ? { migratedFrom: startVersion } : {}),
  };
}

/**
 * What can be rescued from a saved workspace that could not be read (the backup key): read as it
 * is when it can be, else cut to the limits a setup may hold (too long texts, too many entries,
 * inputs under keys no template may use — fitSetupToLimits) and read again. `changed` lists the
 * fields that were cut or left out. Never throws.
 */
export function salvageWorkspace(
  text: string,
): { ok: true; workspace: SavedWorkspace; changed: string[] } | { ok: false; cause: ResetCause } {
  const envelope = readEnvelope(text);
  if (!envelope.ok) return envelope;
  const { workspace } = envelope;
  const direct = parseSetup(workspace.setup);
  if (direct.ok) {
    return {
      ok: true,
      workspace: { setup: direct.setup, verbalizerText: verbalizerTextOf(workspace, direct.setup) },
      changed: [],
    };
  }
  const failed = { ok: false, cause: { code: 'invalid', error: direct.errors[0] ?? null } } as const;
  let fit: ReturnType<typeof fitSetupToLimits>;
  // An older version is brought to this one first: the fit walks the current shape.
  const migrated = migrateSetup(workspace.setup);
  if (!migrated.ok) return failed;
  try {
    // Raw data of the right shape, or a shape the fit can't walk (then the schema's error stands).
    fit = fitSetupToLimits(migrated.value as PromptSetup);
  } catch {
    return failed;
  }
  const parsed = parseSetup(fit.setup);
  if (!parsed.ok) return failed;
  return {
    ok: true,
    workspace: { setup: parsed.setup, verbalizerText: verbalizerTextOf(workspace, parsed.setup) },
    changed: fit.trimmed,
  };
}

export function serializeWorkspace(workspace: SavedWorkspace): string {
  return JSON.stringify({ version: WORKSPACE_VERSION, workspace });
}

/** Whether a storage write failed because the storage is full. */
export function isQuotaError(error: unknown): boolean {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- legacy code 22: older WebKit names the quota error differently
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
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
    return {
      ok: false,
      reason: isQuotaError(error) ? 'quota' : 'unavailable',
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

/** The text kept under the backup key (a saved workspace that could not be read), or null. Never throws. */
export function readWorkspaceBackup(storage: Storage | undefined): string | null {
  try {
    return storage?.getItem(WORKSPACE_BACKUP_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Removes the backup key; false when the storage refused. */
export function removeWorkspaceBackup(storage: Storage | undefined): boolean {
  try {
    storage?.removeItem(WORKSPACE_BACKUP_KEY);
    return readWorkspaceBackup(storage) === null;
  } catch {
    return false;
  }
}
