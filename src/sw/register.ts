// Registers ClozeLab's service worker (src/sw/service-worker.ts) in production builds. On a host
// that sends no COOP/COEP headers the first visit is not cross-origin isolated; once the worker is
// active, one reload brings the page back through it, with the headers. A sessionStorage flag makes
// that a single reload per tab session, whatever happens (a browser that ignores headers from a
// service worker, a hard reload, storage switched off): never a loop.
import { appBasePath } from '../runtime/app-base.ts';

/** sessionStorage key: set just before the isolation reload, cleared once the page is isolated. */
export const ISOLATION_RELOAD_KEY = 'clozelab.isolationReload';

export interface ShellWorkerEvents {
  /** A new deploy's worker took over while this page was open (the page runs the previous code). */
  onUpdate(): void;
}

/** Whether a reload for isolation may happen now, recording it; false also when it cannot be guarded. */
function claimIsolationReload(): boolean {
  try {
    if (sessionStorage.getItem(ISOLATION_RELOAD_KEY) !== null) return false;
    sessionStorage.setItem(ISOLATION_RELOAD_KEY, String(Date.now()));
    return true;
  } catch {
    return false;
  }
}

export function registerShellWorker(events: ShellWorkerEvents): void {
  if (!('serviceWorker' in navigator)) return;
  const container = navigator.serviceWorker;
  const base = appBasePath();
  if (globalThis.crossOriginIsolated) {
    try {
      sessionStorage.removeItem(ISOLATION_RELOAD_KEY);
    } catch {
      // Storage switched off: there is nothing to clear.
    }
  }
  // A page that starts under a worker and sees the controller change got a new deploy's worker;
  // on the very first visit the controller appears (clients.claim) and that is no update.
  const hadController = container.controller !== null;
  container.addEventListener('controllerchange', () => {
    if (hadController) events.onUpdate();
  });
  // Also on hosts that send the headers: the worker still keeps the shell for offline use.
  container.register(`${base}sw.js`, { scope: base }).catch((error: unknown) => {
    console.warn('ClozeLab: the service worker could not be registered; the app works without it.', error);
  });
  if (globalThis.crossOriginIsolated) return;
  // Resolves once a worker is active for this scope: right away when one already is (and this page
  // bypassed it, e.g. after a hard reload), else after the first install; never if installing
  // failed, and then the app simply stays on one thread.
  void container.ready.then(() => {
    if (!globalThis.crossOriginIsolated && claimIsolationReload()) location.reload();
  });
}
