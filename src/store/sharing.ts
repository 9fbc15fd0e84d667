// Share links on this page: reading "#s=…" when the app opens (and when the hash changes), and
// making links for the current setup. A link never replaces the workspace by itself: the user
// chooses "open as new setup" (the current workspace is saved and can be restored); only an
// untouched default workspace (e.g. a fresh browser) is replaced straight away, since nothing is lost.
// Link content is data: it is validated by parseSetup and shown as text, never as HTML.
import { create } from 'zustand';
import { decodeShareFragment, isShareFragment, shareUrl, type LinkError, type LinkEncode } from '../core/share-link.ts';
import type { PromptSetup } from '../core/setup.ts';
import { freeModelSource, openAsNewSetup, workspaceIsPristine } from './open-setup.ts';
import type { SavedSetup, SavedSetupsFailure } from './saved-setups.ts';
import { useWorkspace } from './workspace.ts';

export type IncomingLink =
  | { status: 'none' }
  /** A valid link waiting for the user's choice. `free` says how its model would load without a download (null: Hub download on click). */
  | {
      status: 'pending';
      setup: PromptSetup;
      linkVersion: number;
      setupVersion: number;
      free: Awaited<ReturnType<typeof freeModelSource>> | 'checking';
      /** Why the last "open as new setup" did not open it: the workspace could not be kept (nothing changed). */
      notKept?: SavedSetupsFailure;
    }
  | { status: 'error'; error: LinkError }
  /** The link was opened; `previous` is the saved workspace it replaced (null when there was nothing to keep). */
  | { status: 'opened'; name: string; previous: SavedSetup | null; linkVersion: number };

interface SharingState {
  incoming: IncomingLink;
}

export const useSharing = create<SharingState>()(() => ({ incoming: { status: 'none' } }));

/** Removes "#s=…" from the address bar (without reloading), so a reload does not ask again. */
function clearHash(): void {
  try {
    if (typeof location !== 'undefined' && isShareFragment(location.hash)) {
      history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    }
  } catch {
    // Sandboxed pages may refuse; harmless.
  }
}

/** Reads a location hash; call on start and on 'hashchange'. */
export function receiveLink(hash: string): void {
  if (!isShareFragment(hash)) return;
  const decoded = decodeShareFragment(hash);
  if (!decoded.ok) {
    useSharing.setState({ incoming: { status: 'error', error: decoded.error } });
    return;
  }
  const { setup, linkVersion, setupVersion } = decoded;
  if (workspaceIsPristine()) {
    // Nothing to lose: open it at once (the model still waits for a click if it needs a download).
    const opened = openAsNewSetup(setup, 'link');
    if (opened.ok) {
      useSharing.setState({ incoming: { status: 'opened', name: setup.name, previous: opened.previous, linkVersion } });
      clearHash();
      return;
    }
  }
  useSharing.setState({ incoming: { status: 'pending', setup, linkVersion, setupVersion, free: 'checking' } });
  void freeModelSource(setup.model).then((free) => {
    const now = useSharing.getState().incoming;
    if (now.status === 'pending' && now.setup === setup) useSharing.setState({ incoming: { ...now, free } });
  });
}

/** "Open as new setup" for the pending link. */
export function acceptIncomingLink(): void {
  const incoming = useSharing.getState().incoming;
  if (incoming.status !== 'pending') return;
  const opened = openAsNewSetup(incoming.setup, 'link');
  if (!opened.ok) {
    // The workspace could not be kept, so it was not replaced: the link stays waiting, and says why.
    useSharing.setState({ incoming: { ...incoming, notKept: opened.reason } });
    return;
  }
  useSharing.setState({
    incoming: {
      status: 'opened',
      name: incoming.setup.name,
      previous: opened.previous,
      linkVersion: incoming.linkVersion,
    },
  });
  clearHash();
}

/** "Keep my workspace" (or close the error / the confirmation). */
export function dismissIncomingLink(): void {
  useSharing.setState({ incoming: { status: 'none' } });
  clearHash();
}

/** A share link for the current setup (or `setup`), based on this page's address. */
export function currentShareLink(setup = useWorkspace.getState().setup): LinkEncode & { url?: string } {
  const base =
    typeof location !== 'undefined' ? `${location.origin}${location.pathname}${location.search}` : 'http://localhost/';
  return shareUrl(base, setup);
}

/** The page whose address may carry a share link (a browser window by default). */
export type LinkPage = EventTarget & { readonly location: { readonly hash: string } };

/** Reads the page's hash once and then follows hash changes (pasting a link into the same tab). Returns a function that stops. */
export function followShareLinks(page: LinkPage): () => void {
  const onHashChange = () => receiveLink(page.location.hash);
  onHashChange();
  page.addEventListener('hashchange', onHashChange);
  return () => page.removeEventListener('hashchange', onHashChange);
}
