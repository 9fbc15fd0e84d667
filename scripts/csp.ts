// The Content-Security-Policy of the built app, and a Vite plugin that writes it into the built
// index.html as a <meta http-equiv>. Build only: the dev server needs inline HMR code. `vite
// preview` also sends it as a header (vite.config.ts), which covers the model worker too (a meta
// tag only governs the page), and so does the service worker on hosts that cannot send headers
// (scripts/hosting.ts). README, "Privacy and security", explains each directive.
import type { Plugin } from 'vite';

/** Hosts the Hugging Face Hub serves model files from: huggingface.co answers with redirects to
 * its LFS CDN (cdn-lfs*.hf.co, older cdn-lfs.huggingface.co) and to Xet storage
 * (cas-bridge.xethub.hf.co). */
export const HUB_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'] as const;

export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  // Only the app's own module scripts; 'wasm-unsafe-eval' lets ONNX Runtime compile its .wasm.
  // No 'unsafe-inline' and no 'unsafe-eval': an injected inline script cannot run. In the model
  // worker Transformers.js imports ONNX Runtime's WASM factory (an app asset it has fetched) from
  // a blob: URL, so the header adds blob: (see WORKER_SCRIPT_SOURCES); the page's <meta> does not.
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  // The model worker is the app's own module; ONNX Runtime's thread workers may be blob: URLs.
  'worker-src': ["'self'", 'blob:'],
  // The app's server (app-served models, the local-copy probe) and the Hub's file hosts.
  'connect-src': ["'self'", ...HUB_HOSTS],
  // The QR code (data:), chart PNG export (blob: SVG drawn on a canvas).
  'img-src': ["'self'", 'data:', 'blob:'],
  // The stylesheet only: React and recharts set styles through the CSSOM (element.style), which
  // CSP does not restrict, so no 'unsafe-inline' is needed.
  'style-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  // Not enforceable from a <meta> tag; sent as a header by `vite preview` (and should be by hosts).
  'frame-ancestors': ["'none'"],
});

/** Script sources only the header adds: it governs the worker too, which needs blob: (above). */
export const WORKER_SCRIPT_SOURCES = ['blob:'] as const;

/**
 * The policy as one value. The header (default) governs the page and the worker scripts; the
 * <meta> tag (`forMeta`) governs the page only, so it leaves out blob: scripts — the page,
 * under both, then runs no blob: script — and frame-ancestors, which a <meta> cannot set.
 */
export function contentSecurityPolicy({ forMeta = false } = {}): string {
  return Object.entries(CSP_DIRECTIVES)
    .filter(([name]) => !(forMeta && name === 'frame-ancestors'))
    .map(([name, values]) => {
      const all = name === 'script-src' && !forMeta ? [...values, ...WORKER_SCRIPT_SOURCES] : values;
      return `${name} ${all.join(' ')}`;
    })
    .join('; ');
}

/** Injects the policy as the first element of <head> in the built index.html. */
export function cspPlugin(): Plugin {
  return {
    name: 'clozelab-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ forMeta: true }) },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}
