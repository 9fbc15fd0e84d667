// startStores: the one place that reads storage, installs the stores' subscriptions and listens to
// the page. Importing a store module does none of it; startStores reads each saved key once;
// stop() removes every subscription and listener. Each test imports the stores afresh.
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSetup } from '../../src/core/setup.ts';
import { encodeShareFragment } from '../../src/core/share-link.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { serializeWorkspace, WORKSPACE_BACKUP_KEY, WORKSPACE_KEY } from '../../src/store/persistence.ts';
import { MemoryStorage } from '../memory-storage.ts';

const STORE_DIR = resolve(import.meta.dirname, '../../src/store');

function storeFiles(dir = STORE_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? storeFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** zustand subscriptions made through store.subscribe, counted (the mocked `create` wraps every store). */
const subscriptions = { made: 0, active: 0 };

beforeEach(() => {
  subscriptions.made = 0;
  subscriptions.active = 0;
  vi.resetModules();
  vi.doMock('zustand', async (importOriginal) => {
    const zustand = await importOriginal<typeof import('zustand')>();
    const counted = <S extends { subscribe: (listener: never) => () => void }>(store: S): S => {
      const subscribe = store.subscribe.bind(store);
      store.subscribe = (listener: never) => {
        subscriptions.made++;
        subscriptions.active++;
        const unsubscribe = subscribe(listener);
        let done = false;
        return () => {
          if (!done) subscriptions.active--;
          done = true;
          unsubscribe();
        };
      };
      return store;
    };
    const create = ((initializer?: unknown) =>
      initializer
        ? counted(zustand.create(initializer as never))
        : (later: unknown) => counted(zustand.create(later as never))) as unknown as typeof zustand.create;
    return { ...zustand, create };
  });
});

afterEach(() => {
  vi.doUnmock('zustand');
  vi.useRealTimers();
});

/** The stores, imported afresh. */
async function stores() {
  return {
    start: await import('../../src/store/start.ts'),
    workspace: await import('../../src/store/workspace.ts'),
    saved: await import('../../src/store/saved-setups.ts'),
    prefs: await import('../../src/store/prefs.ts'),
    tabs: await import('../../src/store/tabs.ts'),
    sharing: await import('../../src/store/sharing.ts'),
    runtime: await import('../../src/store/runtime.ts'),
    backup: await import('../../src/store/backup.ts'),
    evaluation: await import('../../src/store/evaluation.ts'),
  };
}

/** A runtime client whose worker is never started in these tests. */
const idleClient = () =>
  new RuntimeClient(() => {
    throw new Error('no model worker in this test');
  });

/** A page: events, and an address whose hash the test sets. */
class FakePage extends EventTarget {
  location = { hash: '' };
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>) {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>) {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

const storageEvent = (storage: Storage, key: string, newValue: string) =>
  Object.assign(new Event('storage'), { key, newValue, storageArea: storage });

const savedWorkspace = (name: string, verbalizerText = 'positive: great\nnegative: terrible') =>
  serializeWorkspace({ setup: { ...defaultSetup(), name }, verbalizerText });

describe('importing the stores', () => {
  it('touches no storage, window or address, and subscribes to nothing', async () => {
    const touched: string[] = [];
    for (const name of ['localStorage', 'sessionStorage', 'window', 'location', 'history'])
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get: () => {
          // Libraries may look (e.g. `typeof window`); the stores' own code must not.
          if (new Error().stack?.includes('/src/store/')) touched.push(name);
          return undefined;
        },
      });
    try {
      const files = storeFiles();
      expect(files.length).toBeGreaterThan(20);
      for (const file of files) await import(/* @vite-ignore */ file);
      expect(touched, 'globals read at import').toEqual([]);
      expect(subscriptions.made, 'subscriptions made at import').toBe(0);
      expect(files.map((f) => relative(STORE_DIR, f))).toContain('start.ts');
    } finally {
      for (const name of ['localStorage', 'sessionStorage', 'window', 'location', 'history'])
        Reflect.deleteProperty(globalThis, name);
    }
  });
});

describe('startStores', () => {
  it('reads each saved key once, before anything follows changes (restoring is not an edit)', async () => {
    const s = await stores();
    const storage = new MemoryStorage();
    storage.setItem(WORKSPACE_KEY, savedWorkspace('Saved work', '# mine\npositive: great\nnegative: terrible'));
    storage.setItem(
      'clozelab.savedSetups',
      JSON.stringify({
        version: 1,
        entries: [{ id: 'a', savedAt: 1, reason: 'manual', setup: defaultSetup(), verbalizerText: 'x: y\nz: w' }],
      }),
    );
    storage.setItem('clozelab.prefs', JSON.stringify({ state: { locale: 'zh', theme: 'dark' }, version: 1 }));
    storage.setItem('clozelab.fewshot', JSON.stringify({ version: 1, settings: { config: { ks: [2, 4] } } }));
    storage.writes.clear();

    const started = s.start.startStores({ storage, page: null, createRuntimeClient: idleClient });
    expect(Object.fromEntries(storage.reads)).toEqual({
      [WORKSPACE_KEY]: 1,
      [WORKSPACE_BACKUP_KEY]: 1,
      'clozelab.savedSetups': 1,
      'clozelab.prefs': 1,
      'clozelab.fewshot': 1,
    });
    expect(storage.writes.size).toBe(0);
    expect(s.workspace.useWorkspace.getState().setup.name).toBe('Saved work');
    expect(s.workspace.useWorkspace.getState().verbalizerText).toBe('# mine\npositive: great\nnegative: terrible');
    expect(s.workspace.useWorkspace.getState().notices).toEqual([]);
    expect(s.saved.useSavedSetups.getState().entries.map((e) => e.id)).toEqual(['a']);
    expect(s.prefs.usePrefs.getState()).toMatchObject({ locale: 'zh', theme: 'dark' });
    expect(s.evaluation.useEvaluation.getState().fewShotSettings.config.ks).toEqual([2, 4]);
    started.stop();
  });

  it('an unreadable saved workspace is kept under the backup key, and the user is told', async () => {
    const s = await stores();
    const storage = new MemoryStorage();
    storage.setItem(WORKSPACE_KEY, '{"version":1,');
    const started = s.start.startStores({ storage, page: null, createRuntimeClient: idleClient });
    expect(storage.getItem(WORKSPACE_BACKUP_KEY)).toBe('{"version":1,');
    // The user is told, and offered the backup (store/backup.ts).
    expect(s.backup.useWorkspaceBackup.getState()).toMatchObject({ text: '{"version":1,', cause: { code: 'json' } });
    expect(s.workspace.useWorkspace.getState().setup).toEqual(defaultSetup());
    started.stop();
  });

  it('saves the workspace, saved setups and prefs while started, and nothing after stop()', async () => {
    const s = await stores();
    const storage = new MemoryStorage();
    const started = s.start.startStores({ storage, page: null, createRuntimeClient: idleClient });
    expect(subscriptions.active).toBeGreaterThan(0);

    s.workspace.useWorkspace.getState().setTemplateText('t1', 'Saved: [X] was [Z].');
    expect(storage.data.get(WORKSPACE_KEY)).toContain('Saved: [X] was [Z].');
    s.prefs.usePrefs.getState().setTheme('dark');
    expect(JSON.parse(storage.data.get('clozelab.prefs')!)).toEqual({
      state: { locale: s.prefs.usePrefs.getState().locale, theme: 'dark' },
      version: 1,
    });
    s.prefs.usePrefs.getState().setView('evaluate'); // not kept
    s.saved.saveSetup(defaultSetup(), 'a: b\nc: d', 'manual');
    expect(JSON.parse(storage.data.get('clozelab.savedSetups')!).entries).toHaveLength(1);
    const writes = new Map(storage.writes);
    expect(writes.get('clozelab.prefs')).toBe(1);

    started.stop();
    expect(subscriptions.active).toBe(0);
    s.workspace.useWorkspace.getState().setTemplateText('t1', 'Not saved: [X] [Z].');
    s.prefs.usePrefs.getState().setTheme('light');
    s.saved.saveSetup({ ...defaultSetup(), name: 'later' }, 'a: b\nc: d', 'manual');
    expect(storage.writes).toEqual(writes);
  });

  it("holds saving while another tab's save waits for a choice, and saves the choice at once", async () => {
    const s = await stores();
    const storage = new MemoryStorage();
    const page = new FakePage();
    const started = s.start.startStores({ storage, page, createRuntimeClient: idleClient });
    s.workspace.useWorkspace.getState().setTemplateText('t1', 'Mine: [X] [Z].');

    const theirs = savedWorkspace('Theirs');
    storage.data.set(WORKSPACE_KEY, theirs); // the other tab's save, as the browser reports it
    page.dispatchEvent(storageEvent(storage, WORKSPACE_KEY, theirs));
    expect(s.tabs.useTabConflict.getState().theirs?.setup.name).toBe('Theirs');
    s.workspace.useWorkspace.getState().setTemplateText('t1', 'Mine, edited: [X] [Z].');
    expect(storage.data.get(WORKSPACE_KEY)).toBe(theirs);

    s.tabs.resolveKeepMine();
    expect(storage.data.get(WORKSPACE_KEY)).toContain('Mine, edited: [X] [Z].');
    // Another key, or another storage, is not the workspace.
    page.dispatchEvent(storageEvent(storage, 'clozelab.prefs', theirs));
    page.dispatchEvent(storageEvent(new MemoryStorage(), WORKSPACE_KEY, theirs));
    expect(s.tabs.useTabConflict.getState().theirs).toBeNull();

    started.stop();
    expect(page.listeners).toBe(0);
    page.dispatchEvent(storageEvent(storage, WORKSPACE_KEY, theirs));
    expect(s.tabs.useTabConflict.getState().theirs).toBeNull();
  });

  it('reads a share link in the address at start and on every hash change, until stop()', async () => {
    const s = await stores();
    const page = new FakePage();
    page.location.hash = '#s=2.00000000.thisIsNotALink';
    const started = s.start.startStores({ storage: null, page, createRuntimeClient: idleClient });
    expect(s.sharing.useSharing.getState().incoming.status).toBe('error');
    expect(page.listeners).toBe(3); // 'storage' (the workspace, the saved setups) and 'hashchange'

    s.sharing.dismissIncomingLink();
    s.workspace.useWorkspace.getState().setTemplateText('t1', 'Touched: [X] [Z].'); // not pristine: a link waits
    const link = encodeShareFragment({ ...defaultSetup(), name: 'Shared' });
    if (!link.ok) throw new Error('encode');
    page.location.hash = `#${link.fragment}`;
    page.dispatchEvent(new Event('hashchange'));
    expect(s.sharing.useSharing.getState().incoming).toMatchObject({ status: 'pending', setup: { name: 'Shared' } });

    s.sharing.dismissIncomingLink();
    started.stop();
    expect(page.listeners).toBe(0);
    page.dispatchEvent(new Event('hashchange'));
    expect(s.sharing.useSharing.getState().incoming.status).toBe('none');
  });

  it('installs the runtime client it is given, and shuts it down on stop()', async () => {
    const s = await stores();
    const made: RuntimeClient[] = [];
    const started = s.start.startStores({
      storage: null,
      page: null,
      createRuntimeClient: () => {
        made.push(idleClient());
        return made[0]!;
      },
    });
    expect(made).toHaveLength(1);
    expect(s.runtime.getRuntime()).toBe(made[0]);
    started.stop();
    await expect(made[0]!.cacheStatus('x')).rejects.toMatchObject({ code: 'worker-restarted' });
    expect(s.runtime.getRuntime()).not.toBe(made[0]);
  });

  it('live scoring follows edits only while started', async () => {
    const s = await stores();
    vi.useFakeTimers();
    const started = s.start.startStores({ storage: null, page: null, createRuntimeClient: idleClient });
    s.workspace.useWorkspace.getState().setTemplateText('t1', 'Typed: [X] [Z].');
    expect(vi.getTimerCount()).toBe(1); // the typing pause before the live run
    started.stop();
    expect(vi.getTimerCount()).toBe(0);
    s.workspace.useWorkspace.getState().setTemplateText('t1', 'Typed again: [X] [Z].');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stored prefs of another version, or corrupt ones, leave the defaults', async () => {
    for (const text of [
      JSON.stringify({ state: { locale: 'zh', theme: 'dark' }, version: 2 }),
      '{"state":',
      JSON.stringify({ state: { locale: 'fr', theme: 'neon' }, version: 1 }),
      'null',
    ]) {
      const s = await stores();
      const storage = new MemoryStorage();
      storage.setItem('clozelab.prefs', text);
      const defaults = { locale: s.prefs.usePrefs.getState().locale, theme: s.prefs.usePrefs.getState().theme };
      const started = s.start.startStores({ storage, page: null, createRuntimeClient: idleClient });
      expect(s.prefs.usePrefs.getState(), text).toMatchObject(defaults);
      started.stop();
      vi.resetModules();
    }
  });
});
