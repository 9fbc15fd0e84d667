// What the built app asks of its host, in one place: the isolation headers (sent by `vite dev` and
// `vite preview`, and added by the service worker where a host cannot send them), and the Vite
// plugin that builds the service worker (src/sw/service-worker.ts) into dist/sw.js with the list
// of files it precaches. docs/hosting.md explains both to people who host ClozeLab.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { contentSecurityPolicy } from './csp.ts';

// Cross-origin isolation lets ONNX Runtime's WASM backend use threads (SharedArrayBuffer).
// require-corp rather than credentialless: every browser with SharedArrayBuffer supports it
// (Safari has no credentialless), and the app's only cross-origin requests are CORS fetches of
// Hub files, which require-corp allows (the Hub answers with Access-Control-Allow-Origin).
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/** The service worker's file, at the root of the build (its scope is the folder it is served from). */
export const SERVICE_WORKER_FILE = 'sw.js';
const SERVICE_WORKER_SOURCE = 'src/sw/service-worker.ts';

/** Served by the app but not part of its shell: models are large, and Transformers.js caches the
 * ones a user loads in 'transformers-cache'; precaching them would download every model up front. */
const notInShell = (name: string) => name.startsWith('models/');

export interface ShellFile {
  /** Path relative to the build folder, with '/' separators. */
  name: string;
  content: string | Uint8Array;
}

/** What src/sw/service-worker.ts receives as __CLOZELAB_SHELL__. */
export interface ShellManifest {
  version: string;
  files: string[];
  hashed: string[];
  headers: Record<string, string>;
}

/**
 * The precache list and its version. The version hashes names and bytes, so any change to the
 * build — a hashed asset, index.html, a public file — changes sw.js and reaches users as an update.
 */
export function shellManifest(files: readonly ShellFile[], assetsDir: string): ShellManifest {
  const shell = files.filter((f) => !notInShell(f.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = createHash('sha256');
  for (const file of shell) hash.update(file.name).update('\0').update(file.content).update('\0');
  return {
    version: hash.digest('hex').slice(0, 16),
    files: shell.map((f) => f.name),
    // Vite names everything it emits under assetsDir `[name]-[hash].[ext]`.
    hashed: shell.filter((f) => f.name.startsWith(`${assetsDir}/`)).map((f) => f.name),
    headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy() },
  };
}

/** The shell's files in the public folder, as build-relative names; the models folder is not read. */
function* publicShellFiles(publicDir: string, dir = publicDir): Generator<ShellFile> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const name = relative(publicDir, path).split(sep).join('/');
    if (statSync(path).isDirectory()) {
      if (!notInShell(`${name}/`)) yield* publicShellFiles(publicDir, path);
    } else if (!notInShell(name)) {
      yield { name, content: readFileSync(path) };
    }
  }
}

/**
 * Emits src/sw/service-worker.ts as `sw.js` (a fixed name: browsers look for updates at the
 * registered URL) and prepends the shell manifest once every other file of the build is known.
 * The worker must stay one classic script: module service workers are not supported everywhere.
 */
export function serviceWorkerPlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'clozelab-service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(resolved) {
      config = resolved;
    },
    buildStart() {
      this.emitFile({ type: 'chunk', id: resolve(config.root, SERVICE_WORKER_SOURCE), fileName: SERVICE_WORKER_FILE });
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const worker = bundle[SERVICE_WORKER_FILE];
        if (worker?.type !== 'chunk') return this.error(`${SERVICE_WORKER_FILE} is missing from the build.`);
        if (worker.imports.length > 0 || worker.dynamicImports.length > 0 || worker.exports.length > 0) {
          return this.error(
            `${SERVICE_WORKER_SOURCE} must not import or export at run time: sw.js is a classic script.`,
          );
        }
        const files: ShellFile[] = [];
        for (const [name, output] of Object.entries(bundle)) {
          if (name === SERVICE_WORKER_FILE || name.endsWith('.map')) continue;
          files.push({ name, content: output.type === 'chunk' ? output.code : output.source });
        }
        if (config.publicDir) files.push(...publicShellFiles(config.publicDir));
        const manifest = shellManifest(files, config.build.assetsDir);
        worker.code = `const __CLOZELAB_SHELL__ = ${JSON.stringify(manifest)};\n${worker.code}`;
      },
    },
  };
}
