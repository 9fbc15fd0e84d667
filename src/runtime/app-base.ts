// Where the app is served, as a URL path: '/' or, for a GitHub Pages project site or a folder of a
// school's web server, e.g. '/clozelab/'. The build uses a relative base (vite.config.ts) so that one
// dist/ works in any folder without a rebuild; Vite then sets import.meta.env.BASE_URL to './',
// which says nothing about the folder, so the path is read from this module's own URL: the build
// puts every chunk — the page's and the model worker's alike — in `<base>assets/`.
// The dev server always serves from an absolute base.

/** The folder of built chunks under the base (Vite's build.assetsDir, which vite.config.ts keeps). */
export const ASSETS_DIR = 'assets';

/**
 * The base path for a chunk at `moduleUrl` (default: this module's), ending in '/'. An absolute
 * BASE_URL wins; otherwise the chunk's folder must be ASSETS_DIR, and its parent is the base.
 */
export function appBasePath(moduleUrl: string = import.meta.url, baseUrl: unknown = import.meta.env?.BASE_URL): string {
  if (typeof baseUrl === 'string' && baseUrl.startsWith('/')) return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  let path: string;
  try {
    path = new URL(moduleUrl).pathname;
  } catch {
    return '/';
  }
  const match = new RegExp(`^(.*/)${ASSETS_DIR}/[^/]+$`).exec(path);
  if (!match?.[1]) {
    throw new Error(
      `ClozeLab cannot tell where it is served from: the chunk ${path} is not in a "${ASSETS_DIR}/" folder.`,
    );
  }
  return match[1];
}

/** Where the app-served models live ('/models/', '/clozelab/models/'): a path, not a URL. */
export function appModelsPath(): string {
  return `${appBasePath()}models/`;
}
