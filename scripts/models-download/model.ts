// One model from the Hub into public/models/<id>/: its files (config, tokenizer, one ONNX file per
// dtype), skipping files already there and unchanged, and clozelab-manifest.json with every
// file's sha256 and size, against which verifyModel re-checks them without the network.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isValidModelId } from '../../src/core/setup.ts';
import { DownloadError, downloadFile, fileUrl, probe, sha256File } from './hub-file.ts';
import { consoleReporter, type Reporter } from './reporter.ts';

export const MANIFEST_FILE = 'clozelab-manifest.json';
export const DTYPE_FILES = {
  q8: 'onnx/model_quantized.onnx',
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q4: 'onnx/model_q4.onnx',
} as const;
export type Dtype = keyof typeof DTYPE_FILES;
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const OPTIONAL_FILES = ['special_tokens_map.json'];

export interface DownloadOptions {
  ids: string[];
  dtypes?: Dtype[];
  hub?: string;
  revision?: string;
  outDir?: string;
  /** Attempts per file when the connection drops (each resumes where the last stopped). */
  attempts?: number;
  /** Progress and messages (default: stderr, with a progress bar on a terminal). */
  reporter?: Reporter;
}

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
  /** 'hub': the sha256 matched the one the Hub announced; 'none': the Hub announced none (small files). */
  checked: 'hub' | 'none';
}

export interface Manifest {
  format: 1;
  id: string;
  hub: string;
  revision: string;
  dtypes: Dtype[];
  downloadedAt: string;
  files: ManifestFile[];
}

export function readManifest(dir: string): Manifest | null {
  try {
    const value = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    return value?.format === 1 && Array.isArray(value.files) ? value : null;
  } catch {
    return null;
  }
}

/** Downloads one model; returns its manifest. */
export async function downloadModel(id: string, options: Omit<DownloadOptions, 'ids'> = {}): Promise<Manifest> {
  if (!isValidModelId(id)) throw new DownloadError(`"${id}" is not a Hub model id (owner/name).`);
  const hub = options.hub ?? 'https://huggingface.co';
  if (!/^https?:\/\/[^\s/]+/.test(hub)) throw new DownloadError(`--hub must be an http(s) URL, got "${hub}".`);
  const revision = options.revision ?? 'main';
  const dtypes = options.dtypes && options.dtypes.length > 0 ? [...new Set(options.dtypes)] : (['q8'] as Dtype[]);
  const reporter = options.reporter ?? consoleReporter();
  const dir = resolve(options.outDir ?? 'public/models', id);
  const previous = readManifest(dir);
  const files: ManifestFile[] = [];
  const wanted = [...REQUIRED_FILES, ...OPTIONAL_FILES, ...dtypes.map((d) => DTYPE_FILES[d])];

  for (const file of wanted) {
    const url = fileUrl(hub, id, revision, file);
    const remote = await probe(url);
    if (!remote.exists) {
      if (OPTIONAL_FILES.includes(file)) {
        reporter.done(`  ${file}: not in this repository (optional), skipped`);
        continue;
      }
      throw new DownloadError(
        `${id}: ${file} is missing on ${hub} (404). ${file.startsWith('onnx/') ? 'Try another --dtype, or a repository with Transformers.js ONNX weights (e.g. Xenova/…).' : ''}`.trim(),
      );
    }
    const target = join(dir, file);
    if (existsSync(target)) {
      const known = previous?.files.find((f) => f.path === file);
      const size = statSync(target).size;
      if ((remote.size === null || remote.size === size) && (remote.sha256 || known)) {
        const sha256 = await sha256File(target);
        if (sha256 === (remote.sha256 ?? known!.sha256)) {
          files.push({ path: file, size, sha256, checked: remote.sha256 ? 'hub' : (known?.checked ?? 'none') });
          reporter.done(`  ${file}: up to date`);
          continue;
        }
      }
    }
    reporter.file(id, file, remote.size);
    const result = await downloadFile(url, target, remote, options.attempts ?? 4, reporter);
    files.push({ path: file, ...result });
    reporter.done(
      `  ${file}: ${result.size} bytes, sha256 ${result.sha256.slice(0, 16)}…${result.checked === 'hub' ? ' (matches the Hub)' : ''}`,
    );
  }

  const manifest: Manifest = { format: 1, id, hub, revision, dtypes, downloadedAt: new Date().toISOString(), files };
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Re-hashes a downloaded model's files against its manifest (no network). Returns the problems. */
export async function verifyModel(id: string, outDir = 'public/models'): Promise<string[]> {
  const dir = resolve(outDir, id);
  const manifest = readManifest(dir);
  if (!manifest) return [`${id}: no ${MANIFEST_FILE} in ${dir}`];
  const problems: string[] = [];
  for (const f of manifest.files) {
    const path = join(dir, f.path);
    if (!existsSync(path)) problems.push(`${id}: ${f.path} is missing`);
    else if ((await sha256File(path)) !== f.sha256) problems.push(`${id}: ${f.path} does not match its sha256`);
  }
  return problems;
}
