import { describe, expect, test } from 'vitest';
import { defaultSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import {
  loadWorkspace,
  restoreWorkspace,
  saveWorkspace,
  serializeWorkspace,
  WORKSPACE_BACKUP_KEY,
  WORKSPACE_KEY,
  WORKSPACE_VERSION,
} from '../../src/store/persistence';
import { MemoryStorage } from '../memory-storage';

describe('workspace persistence', () => {
  test('nothing saved → a fresh default workspace', () => {
    const outcome = restoreWorkspace(null);
    expect(outcome.kind).toBe('fresh');
    expect(outcome.workspace.setup).toEqual(defaultSetup());
    expect(outcome.workspace.verbalizerText).toBe(formatVerbalizer(defaultSetup().verbalizer));
  });

  test('save → load gives back the same setup and the verbalizer text exactly as typed (even invalid)', () => {
    const storage = new MemoryStorage();
    const setup = { ...defaultSetup(), name: 'mine' };
    const verbalizerText = 'positive: great,\nnegative';
    expect(saveWorkspace(storage, { setup, verbalizerText })).toEqual({ ok: true });
    const outcome = loadWorkspace(storage);
    expect(outcome).toEqual({ kind: 'restored', workspace: { setup, verbalizerText } });
  });

  test('a version-0 save (no envelope) is migrated', () => {
    const setup = defaultSetup();
    const outcome = restoreWorkspace(JSON.stringify({ setup, verbalizerText: 'a: b\nc: d' }));
    expect(outcome).toEqual({ kind: 'restored', workspace: { setup, verbalizerText: 'a: b\nc: d' }, migratedFrom: 0 });
  });

  test.each([
    ['not JSON', '{"version":1,', /not valid JSON/],
    ['a JSON array', '[1,2]', /unexpected shape/],
    ['a newer version', JSON.stringify({ version: WORKSPACE_VERSION + 1, workspace: {} }), /newer ClozeLab/],
    [
      'an invalid setup',
      JSON.stringify({ version: 1, workspace: { setup: { version: 1, templates: 'x' }, verbalizerText: '' } }),
      /saved setup is invalid \(Model: /,
    ],
  ])('%s → reset with a reason, and the unreadable text is kept in a backup key', (_name, text, reason) => {
    const storage = new MemoryStorage();
    storage.setItem(WORKSPACE_KEY, text);
    const outcome = loadWorkspace(storage);
    expect(outcome.kind).toBe('reset');
    if (outcome.kind === 'reset') expect(outcome.reason).toMatch(reason);
    expect(outcome.workspace.setup).toEqual(defaultSetup());
    expect(storage.getItem(WORKSPACE_BACKUP_KEY)).toBe(text);
  });

  test('a full storage is reported as quota, not thrown', () => {
    const storage = new MemoryStorage({ quotaBytes: 10 });
    const result = saveWorkspace(storage, restoreWorkspace(null).workspace);
    expect(result).toMatchObject({ ok: false, reason: 'quota' });
    expect(storage.data.size).toBe(0);
  });

  test('no storage at all is reported, not thrown', () => {
    expect(saveWorkspace(undefined, restoreWorkspace(null).workspace)).toMatchObject({
      ok: false,
      reason: 'unavailable',
    });
  });

  test('the envelope carries the version', () => {
    const text = serializeWorkspace(restoreWorkspace(null).workspace);
    expect(JSON.parse(text).version).toBe(WORKSPACE_VERSION);
  });
});
