/**
 * The store side of sharing, with the real runtime in-process on the generated bert-tiny model:
 * a link never overwrites a saved workspace by itself; "open as new setup" keeps the previous one
 * restorable; bad links change nothing; the comparison lane scores a second template through the
 * live pipeline and its cache.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import { encodeShareFragment } from '../../src/core/share-link.ts';
import { formatVerbalizer } from '../../src/core/verbalizer.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import type { WorkerRequest } from '../../src/runtime/protocol.ts';
import * as compare from '../../src/store/compare.ts';
import * as open from '../../src/store/open-setup.ts';
import * as saved from '../../src/store/saved-setups.ts';
import * as sharing from '../../src/store/sharing.ts';
import { startStores, type StartedStores } from '../../src/store/start.ts';
import * as workspace from '../../src/store/workspace.ts';
import { MemoryStorage } from '../memory-storage.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const storage = new MemoryStorage();
const mine: PromptSetup = {
  ...defaultSetup(),
  name: 'My homework',
  model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'auto', device: 'auto' },
};
mine.templates = [{ id: 't1', name: 'mine', text: 'My own work: [X] was [Z].' }];
storage.setItem(
  'clozelab.workspace',
  JSON.stringify({
    version: 1,
    workspace: { setup: mine, verbalizerText: '# my notes\n' + formatVerbalizer(mine.verbalizer) },
  }),
);

const s = { workspace, sharing, open, saved, compare };
const requests: WorkerRequest[] = [];
let stores: StartedStores;
let savedLocalPath: string;

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(() => {
  savedLocalPath = env.localModelPath;
  env.localModelPath = `${path.join(ROOT, 'public', 'models')}/`;
  stores = startStores({
    storage,
    page: null,
    createRuntimeClient: () =>
      new RuntimeClient(() => {
        const worker = new InProcessWorker();
        const post = worker.postMessage.bind(worker);
        worker.postMessage = (message) => {
          requests.push(message);
          post(message);
        };
        return worker;
      }),
  });
});

afterAll(() => {
  stores.stop();
  env.localModelPath = savedLocalPath;
});

const ws = () => s.workspace.useWorkspace.getState();

describe('opening a share link in the store', () => {
  it('the saved workspace was restored', () => {
    expect(ws().setup).toEqual(mine);
    expect(ws().verbalizerText.startsWith('# my notes')).toBe(true);
  });

  it('a bad link changes nothing and says why', () => {
    const before = storage.getItem('clozelab.workspace');
    s.sharing.receiveLink('#s=2.00000000.thisIsNotALink');
    const incoming = s.sharing.useSharing.getState().incoming;
    expect(incoming.status).toBe('error');
    expect(incoming.status === 'error' && incoming.error.code).toMatch(/damaged|checksum|not-json/);
    expect(ws().setup).toEqual(mine);
    expect(storage.getItem('clozelab.workspace')).toBe(before);
    s.sharing.dismissIncomingLink();
  });

  it('a good link waits for "open as new setup", then replaces the workspace, loads the test model, and can be undone', async () => {
    const shared: PromptSetup = {
      ...defaultSetup(),
      name: 'Shared by the teacher',
      model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'auto', device: 'auto' },
    };
    shared.templates = [
      { id: 't1', name: 'A', text: '[X] It was [Z].' },
      { id: 't2', name: 'B', text: '[X] All in all, it was [Z].' },
    ];
    const link = encodeShareFragment(shared);
    if (!link.ok) throw new Error('encode');
    const before = storage.getItem('clozelab.workspace');

    s.sharing.receiveLink(`#${link.fragment}`);
    expect(s.sharing.useSharing.getState().incoming.status).toBe('pending');
    expect(ws().setup).toEqual(mine);
    expect(storage.getItem('clozelab.workspace')).toBe(before);
    await until(() => {
      const i = s.sharing.useSharing.getState().incoming;
      return i.status === 'pending' && i.free !== 'checking';
    }, 'the model check');
    const pending = s.sharing.useSharing.getState().incoming;
    expect(pending.status === 'pending' && pending.free).toBe('test');

    s.sharing.acceptIncomingLink();
    expect(ws().setup).toEqual(shared);
    const opened = s.sharing.useSharing.getState().incoming;
    expect(opened.status).toBe('opened');
    const previous = opened.status === 'opened' ? opened.previous : null;
    expect(previous).toMatchObject({ reason: 'before-link', setup: mine });
    expect(s.saved.useSavedSetups.getState().entries[0]!.verbalizerText.startsWith('# my notes')).toBe(true);
    expect(JSON.parse(storage.getItem('clozelab.savedSetups')!).entries[0].setup).toEqual(mine);

    await until(
      () =>
        ws().model.status === 'ready' && ws().rows.length === 3 && ws().rows.every((r) => r !== null) && !ws().pending,
      'live results',
      60_000,
    );
    expect(ws().rows[0]!.scores.labels).toEqual(['positive', 'negative']);

    // Template B side by side: same numbers machinery, its own lane; the shared cache means
    // comparing A with itself runs nothing new.
    const scoresBefore = requests.filter((r) => r.op === 'score').length;
    s.compare.setCompareTemplate('t2');
    await until(
      () =>
        s.compare.useCompare.getState().rows.filter(Boolean).length === 3 && !s.compare.useCompare.getState().pending,
      'comparison',
    );
    const compareRows = s.compare.useCompare.getState().rows;
    expect(compareRows[0]!.layout.text).toBe(
      'A gripping story with wonderful performances from the whole cast. All in all, it was [MASK].',
    );
    const laneRequests = requests.filter((r) => r.op === 'score').slice(scoresBefore);
    expect(laneRequests.every((r) => r.op === 'score' && r.lane === 'compare')).toBe(true);
    expect(laneRequests.length).toBeGreaterThan(0);
    ws().setTemplateText('t2', '[X] It was [Z].');
    await s.compare.runCompare();
    const afterSame = requests.filter((r) => r.op === 'score').length;
    expect(s.compare.useCompare.getState().rows.map((r) => r!.scores.probs)).toEqual(
      ws().rows.map((r) => r!.scores.probs),
    );
    await s.compare.runCompare();
    expect(requests.filter((r) => r.op === 'score').length).toBe(afterSame);
    s.compare.setCompareTemplate(null);

    // Restore the previous workspace: exactly what was there, typed verbalizer text included.
    expect(s.open.restoreSavedSetup(previous!.id)).toMatchObject({ ok: true });
    expect(ws().setup).toEqual(mine);
    expect(ws().verbalizerText.startsWith('# my notes')).toBe(true);
    // …and the shared setup was kept in turn.
    expect(s.saved.useSavedSetups.getState().entries[0]).toMatchObject({
      reason: 'before-restore',
      setup: { name: 'Shared by the teacher' },
    });
  });

  it('a link into an untouched default workspace opens at once', () => {
    ws().replaceSetup(defaultSetup());
    expect(s.open.workspaceIsPristine()).toBe(true);
    const shared = { ...defaultSetup(), name: 'Fresh start' };
    const link = encodeShareFragment(shared);
    if (!link.ok) throw new Error('encode');
    s.sharing.receiveLink(`#${link.fragment}`);
    expect(s.sharing.useSharing.getState().incoming).toMatchObject({
      status: 'opened',
      name: 'Fresh start',
      previous: null,
    });
    expect(ws().setup.name).toBe('Fresh start');
  });

  it('the saved list survives garbage in storage', () => {
    expect(s.saved.readSavedSetups('not json')).toEqual([]);
    expect(s.saved.readSavedSetups(JSON.stringify({ version: 99, entries: [] }))).toEqual([]);
    const ok = { id: 'a', savedAt: 1, reason: 'manual', setup: defaultSetup(), verbalizerText: 'x: y' };
    const list = s.saved.readSavedSetups(
      JSON.stringify({ version: 1, entries: [ok, { id: 'b', savedAt: 2, setup: { version: 1 } }, null, 5] }),
    );
    expect(list).toEqual([ok]);
  });
});
