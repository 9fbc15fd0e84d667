// Issue 13, items 1–3: what the app saves must read back. The previous workspace kept before a
// link, preset or import replaces it is really stored (cut to the limits, merged with other tabs'
// entries, read back) or nothing is replaced; a workspace the editor accepted loads again, and a
// backup of one that could not be read is restorable; an exported setup imports.
// Each "tab" is a fresh copy of the store modules on one shared storage, as two browser tabs are.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIMITS, SETUP_JSON_CHARS } from '../../src/core/limits.ts';
import { fitSetupToLimits } from '../../src/core/setup-fit.ts';
import { exportSetupJson, parseSetupJson } from '../../src/core/setup-parse.ts';
import { defaultSetup, SETUP_VERSION, type PromptSetup } from '../../src/core/setup.ts';
import { encodeShareFragment } from '../../src/core/share-link.ts';
import { parseTemplate } from '../../src/core/template.ts';
import { parseVerbalizer } from '../../src/core/verbalizer.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import {
  salvageWorkspace,
  serializeWorkspace,
  WORKSPACE_BACKUP_KEY,
  WORKSPACE_KEY,
} from '../../src/store/persistence.ts';
import { SAVED_SETUPS_KEY } from '../../src/store/saved-setups.ts';
import { MemoryStorage } from '../memory-storage.ts';

/** A page: events only (the hash stays empty). */
class FakePage extends EventTarget {
  location = { hash: '' };
}

const idleClient = () =>
  new RuntimeClient(() => {
    throw new Error('no model worker in this test');
  });

const started: { stop(): void }[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.stop();
});

/** One tab: the store modules imported afresh, started on `storage`. */
async function openTab(storage: Storage | null, page: FakePage | null = new FakePage()) {
  vi.resetModules();
  const tab = {
    page,
    start: await import('../../src/store/start.ts'),
    workspace: await import('../../src/store/workspace.ts'),
    saved: await import('../../src/store/saved-setups.ts'),
    open: await import('../../src/store/open-setup.ts'),
    sharing: await import('../../src/store/sharing.ts'),
    backup: await import('../../src/store/backup.ts'),
  };
  started.push(tab.start.startStores({ storage, page, createRuntimeClient: idleClient }));
  return { ...tab, ws: () => tab.workspace.useWorkspace.getState() };
}

/** What the browser does in every other tab after one tab writes `key`. */
function storageEvent(storage: Storage, key: string): Event {
  return Object.assign(new Event('storage'), { key, storageArea: storage, newValue: storage.getItem(key) });
}

const preset = (name: string): PromptSetup => ({ ...defaultSetup(), name });

describe('issue 13.1: the previous workspace kept before a link, preset or import', () => {
  it('is stored cut to the limits, so it is still there after a reload', async () => {
    const storage = new MemoryStorage();
    const a = await openTab(storage);
    a.ws().setInput(0, 'X', 'long '.repeat(4_000)); // 20,000 characters: more than a saved input holds
    a.ws().setTemplateText('t1', 'Mine: [X] was [Z].');
    const opened = a.open.openAsNewSetup(preset('A preset'), 'preset');
    expect(opened.ok && opened.previous?.setup.inputs[0]!.X).toHaveLength(LIMITS.inputChars);

    const reloaded = await openTab(storage);
    const entries = reloaded.saved.useSavedSetups.getState().entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.setup.templates[0]!.text).toBe('Mine: [X] was [Z].');
    expect(entries[0]!.setup.inputs[0]!.X).toBe('long '.repeat(4_000).slice(0, LIMITS.inputChars));
  });

  it("two tabs: a save keeps the other tab's entries, and the other tab's list follows", async () => {
    const storage = new MemoryStorage();
    const pageA = new FakePage();
    const pageB = new FakePage();
    const a = await openTab(storage, pageA);
    const b = await openTab(storage, pageB);
    a.ws().setTemplateText('t1', 'Tab A: [X] [Z].');
    b.ws().setTemplateText('t1', 'Tab B: [X] [Z].');

    expect(a.open.openAsNewSetup(preset('Preset 1'), 'preset').ok).toBe(true);
    // Tab B has not heard of A's entry yet (no event delivered): its save must still keep it.
    expect(b.open.openAsNewSetup(preset('Preset 2'), 'preset').ok).toBe(true);
    const stored = b.saved.readSavedSetups(storage.getItem(SAVED_SETUPS_KEY));
    expect(stored.map((e) => e.setup.templates[0]!.text)).toEqual(['Tab B: [X] [Z].', 'Tab A: [X] [Z].']);

    // The browser tells tab A that B wrote the list: A shows both.
    pageA.dispatchEvent(storageEvent(storage, SAVED_SETUPS_KEY));
    expect(a.saved.useSavedSetups.getState().entries.map((e) => e.setup.templates[0]!.text)).toEqual([
      'Tab B: [X] [Z].',
      'Tab A: [X] [Z].',
    ]);
    // Deleting in A keeps B's entry.
    const aEntry = a.saved.useSavedSetups.getState().entries[1]!;
    expect(a.saved.removeSavedSetup(aEntry.id).ok).toBe(true);
    expect(b.saved.readSavedSetups(storage.getItem(SAVED_SETUPS_KEY)).map((e) => e.id)).toEqual([stored[0]!.id]);
  });

  it('with the storage full nothing is replaced, the user is told, and nothing says it was saved', async () => {
    const storage = new MemoryStorage();
    const tab = await openTab(storage);
    tab.ws().setTemplateText('t1', 'My work: [X] was [Z].');
    const before = tab.ws().setup;
    // Fill the storage up to what it holds now plus a little: the workspace is saved, a copy of it is not.
    const full = new MemoryStorage({ quotaChars: storage.usedChars + 100 });
    for (const [k, v] of storage.data) full.setItem(k, v);
    const t2 = await openTab(full);
    expect(t2.ws().setup).toEqual(before);

    const opened = t2.open.openAsNewSetup(preset('A preset'), 'preset');
    expect(opened).toEqual({ ok: false, reason: 'quota' });
    expect(t2.ws().setup).toEqual(before);
    expect(t2.ws().notices.at(-1)).toMatchObject({ kind: 'error', key: 'open.notKept.quota' });
    expect(t2.saved.useSavedSetups.getState()).toMatchObject({ entries: [], failure: 'quota' });
    expect(full.getItem(SAVED_SETUPS_KEY)).toBeNull();

    // A link waits and says why; the workspace stays.
    const link = encodeShareFragment(preset('Shared'));
    if (!link.ok) throw new Error('encode');
    t2.sharing.receiveLink(`#${link.fragment}`);
    t2.sharing.acceptIncomingLink();
    expect(t2.sharing.useSharing.getState().incoming).toMatchObject({ status: 'pending', notKept: 'quota' });
    expect(t2.ws().setup).toEqual(before);
  });

  it('without any storage the previous workspace can not be kept, so it is not replaced', async () => {
    const tab = await openTab(null, null);
    tab.ws().setTemplateText('t1', 'Unsaved: [X] [Z].');
    expect(tab.open.openAsNewSetup(preset('A preset'), 'import')).toEqual({ ok: false, reason: 'unavailable' });
    expect(tab.ws().setup.templates[0]!.text).toBe('Unsaved: [X] [Z].');
  });
});

describe('issue 13.2: a workspace the editor accepted reads back; a backup is restorable', () => {
  it('the template parser accepts exactly the slots a setup may hold', () => {
    expect(parseTemplate(`[X${LIMITS.slotNumber}] [Z]`).ok).toBe(true);
    const high = parseTemplate(`[X${LIMITS.slotNumber + 1}] [Z]`);
    expect(!high.ok && high.errors.map((e) => e.code)).toEqual(['slot-number-too-high']);
    const slots = (n: number) => Array.from({ length: n }, (_, i) => `[X${i + 1}]`).join(' ');
    expect(parseTemplate(`${slots(LIMITS.slotsPerTemplate)} [Z]`).ok).toBe(true);
    const many = parseTemplate(`${slots(LIMITS.slotsPerTemplate + 1)} [Z]`);
    expect(!many.ok && many.errors.map((e) => [e.code, e.span.start])).toEqual([
      ['too-many-slots', slots(LIMITS.slotsPerTemplate).length + 1],
    ]);
  });

  it('a label word with a line break is an error in the editor (a setup can not hold one)', () => {
    const parsed = parseVerbalizer('positive: great, "fun\\nny"\nnegative: bad');
    expect(!parsed.ok && parsed.errors.map((e) => e.code)).toEqual(['line-break']);
  });

  it('inputs of two templates with 20 slots each save and load (more than 20 keys in a row)', async () => {
    const storage = new MemoryStorage();
    const tab = await openTab(storage);
    const slots = (from: number) => Array.from({ length: 20 }, (_, i) => `[X${from + i}]`).join(' ');
    tab.ws().setTemplateText('t1', `${slots(1)} [Z]`);
    tab.ws().addTemplate();
    tab.ws().setTemplateText('t2', `${slots(21)} [Z]`);
    for (let n = 1; n <= 40; n++) tab.ws().setInput(0, `X${n}`, `input ${n}`);
    const { setup } = tab.ws();
    expect(Object.keys(setup.inputs[0]!)).toHaveLength(41);

    const reloaded = await openTab(storage);
    expect(reloaded.ws().setup).toEqual(setup);
    expect(reloaded.backup.useWorkspaceBackup.getState().text).toBeNull();
  });

  it('a backup of a workspace an older version saved with [X100] is offered, restored and kept until discarded', async () => {
    const storage = new MemoryStorage();
    // Saved by setup version 1 (before verbalizer variants, the grid and the second model).
    const { compareModel: _c, verbalizerVariants: _v, grid: _g, ...current } = defaultSetup();
    const old = {
      ...current,
      version: 1,
      name: 'Old work',
      templates: [{ id: 't1', name: 'A', text: 'Premise: [X1] [X100] [Z]' }],
      inputs: [{ X1: 'first', X100: 'hundredth' }],
    };
    const text = JSON.stringify({
      version: 1,
      workspace: { setup: old, verbalizerText: '# mine\npos: good\nneg: bad' },
    });
    storage.setItem(WORKSPACE_KEY, text);

    const tab = await openTab(storage);
    expect(tab.ws().setup).toEqual(defaultSetup());
    expect(storage.getItem(WORKSPACE_BACKUP_KEY)).toBe(text);
    expect(tab.backup.useWorkspaceBackup.getState()).toMatchObject({
      text,
      cause: { code: 'invalid', error: { code: 'slot-key', path: 'inputs[0].X100' } },
    });

    expect(salvageWorkspace(text)).toMatchObject({ ok: true, changed: ['inputs[0].X100'] });
    expect(tab.backup.restoreWorkspaceBackup()).toEqual({ kind: 'restored', changed: ['inputs[0].X100'] });
    expect(tab.ws().setup).toMatchObject({ name: 'Old work', inputs: [{ X1: 'first' }] });
    expect(tab.ws().setup.templates[0]!.text).toBe('Premise: [X1] [X100] [Z]');
    expect(tab.ws().verbalizerText).toBe('# mine\npos: good\nneg: bad');
    // Something was left out, so the copy stays until the user discards it.
    expect(storage.getItem(WORKSPACE_BACKUP_KEY)).toBe(text);
    expect(tab.backup.discardWorkspaceBackup()).toBe(true);
    expect(storage.getItem(WORKSPACE_BACKUP_KEY)).toBeNull();

    const reloaded = await openTab(storage);
    expect(reloaded.ws().setup.name).toBe('Old work');
    expect(reloaded.backup.useWorkspaceBackup.getState().text).toBeNull();
  });

  it('a backup this version reads whole is restored and removed; the workspace it replaces is kept', async () => {
    const storage = new MemoryStorage();
    const old = { ...defaultSetup(), name: 'Readable now', inputs: [{ X: 'a' }] };
    storage.setItem(WORKSPACE_BACKUP_KEY, serializeWorkspace({ setup: old, verbalizerText: 'p: good\nn: bad' }));
    const tab = await openTab(storage);
    expect(tab.backup.useWorkspaceBackup.getState()).toMatchObject({ cause: null });
    tab.ws().setTemplateText('t1', 'Current: [X] [Z].');
    expect(tab.backup.restoreWorkspaceBackup()).toEqual({ kind: 'restored', changed: [] });
    expect(tab.ws().setup.name).toBe('Readable now');
    expect(storage.getItem(WORKSPACE_BACKUP_KEY)).toBeNull();
    expect(tab.saved.useSavedSetups.getState().entries[0]!.setup.templates[0]!.text).toBe('Current: [X] [Z].');
  });

  it('a backup that is not JSON can not be restored and says why; it stays to be downloaded', async () => {
    const storage = new MemoryStorage();
    storage.setItem(WORKSPACE_KEY, '{"version":1,');
    const tab = await openTab(storage);
    expect(tab.backup.restoreWorkspaceBackup()).toEqual({ kind: 'restore-failed', cause: { code: 'json' } });
    expect(tab.backup.useWorkspaceBackup.getState().text).toBe('{"version":1,');
  });
});

/** A setup with every list full and every string at its longest, of characters JSON escapes the longest way. */
function setupAtMaxSizes(): PromptSetup {
  const fill = (prefix: string, length: number) => (prefix + '\u0001'.repeat(length)).slice(0, length);
  const keys = ['X', ...Array.from({ length: LIMITS.slotNumber }, (_, i) => `X${i + 1}`)];
  const perRow = LIMITS.totalInputChars / LIMITS.inputRows;
  return {
    version: SETUP_VERSION,
    compareModel: null,
    verbalizerVariants: [],
    grid: null,
    name: fill('', LIMITS.nameChars),
    model: {
      id: `${'a'.repeat(LIMITS.modelIdPartChars)}/${'b'.repeat(LIMITS.modelIdPartChars)}`,
      source: 'hub',
      dtype: 'auto',
      device: 'auto',
    },
    templates: Array.from({ length: LIMITS.templates }, (_, i) => ({
      id: `${i}`.padEnd(LIMITS.templateIdChars, '_'),
      name: fill('', LIMITS.templateNameChars),
      text: fill('', LIMITS.templateTextChars),
      demo: fill('', LIMITS.templateTextChars),
    })),
    activeTemplateId: '0'.padEnd(LIMITS.templateIdChars, '_'),
    verbalizer: {
      labels: Array.from({ length: LIMITS.labels }, (_, i) => ({
        label: fill(`L${i}`, LIMITS.labelChars),
        words: Array.from({ length: LIMITS.wordsPerLabel }, (_, j) => fill(`w${j}`, LIMITS.wordChars)),
      })),
    },
    scoring: { aggregation: 'sum', multiToken: 'all-subtokens', lengthNormalize: false, calibrate: false },
    inputs: Array.from({ length: LIMITS.inputRows }, () =>
      Object.fromEntries(keys.map((k, j) => [k, j === 0 ? fill('', perRow) : ''])),
    ),
  };
}

describe('issue 13.3: an exported setup imports', () => {
  it('a workspace with an input longer than a setup holds exports cut (and says so), and the file imports', () => {
    const setup = { ...defaultSetup(), inputs: [{ X: 'word '.repeat(3_000) }] };
    const exported = exportSetupJson(setup);
    expect(exported.trimmed).toEqual(['inputs[0].X']);
    const imported = parseSetupJson(exported.text);
    expect(imported).toEqual({ ok: true, setup: fitSetupToLimits(setup).setup });
  });

  it('at the maximum sizes the export stays within what the import reads, and round-trips exactly', () => {
    const setup = setupAtMaxSizes();
    const exported = exportSetupJson(setup);
    expect(exported.trimmed).toEqual([]);
    expect(exported.text.length).toBeLessThanOrEqual(SETUP_JSON_CHARS);
    const imported = parseSetupJson(exported.text);
    expect(imported.ok && imported.setup).toEqual(setup);
    // One character more anywhere is cut on export, so the file still imports.
    const over = { ...setup, name: `${setup.name}!` };
    const cut = exportSetupJson(over);
    expect(cut.trimmed).toEqual(['name']);
    expect(parseSetupJson(cut.text).ok).toBe(true);
  });
});
