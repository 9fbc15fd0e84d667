// Offline classroom kit: download Hugging Face Hub models into public/models/<id>/ so that the app
// serves them itself (the app checks /models/<id>/config.json before going to the Hub).
//
//   npm run models:download -- Xenova/bert-base-uncased [more ids…] [--dtype q8|fp32|fp16|q4 …]
//                              [--hub https://huggingface.co] [--revision main] [--out public/models]
//   npm run models:download -- --verify Xenova/bert-base-uncased   (re-check files against the manifest)
//
// Files: config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json (if the repo
// has it) and one ONNX file per dtype (default q8 = onnx/model_quantized.onnx), from
// <hub>/<id>/resolve/<revision>/<file>. Downloads go to "<file>.part" and resume with an HTTP
// Range request after an interruption. Large (LFS) files are checked against the sha256 the Hub
// announces (X-Linked-Etag on its redirect); every file's sha256 and size go into
// clozelab-manifest.json next to the files.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isValidModelId } from '../src/core/setup.ts';

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

export interface Reporter {
  file(id: string, file: string, total: number | null): void;
  progress(received: number, total: number | null): void;
  done(message: string): void;
  warn(message: string): void;
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

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** What the Hub says about a file before we download it. */
interface Remote {
  exists: boolean;
  size: number | null;
  sha256: string | null;
}

function fileUrl(hub: string, id: string, revision: string, file: string): string {
  return `${hub.replace(/\/+$/, '')}/${id}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** sha256 announced by the Hub for LFS files: X-Linked-Etag on the redirect (or a 64-hex ETag). */
function announcedSha(headers: Headers): string | null {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
    if (value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return null;
}

/** "ECONNREFUSED" etc. from a failed fetch, for messages. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

async function probe(url: string): Promise<Remote> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'HEAD', redirect: 'manual' });
  } catch (error) {
    throw new DownloadError(
      `Cannot reach ${new URL(url).origin} (${networkCause(error)}). Check the --hub address and the network.`,
    );
  }
  if (res.status === 404) return { exists: false, size: null, sha256: null };
  if (res.status >= 300 && res.status < 400) {
    const size = Number(res.headers.get('x-linked-size') ?? NaN);
    return { exists: true, size: Number.isFinite(size) ? size : null, sha256: announcedSha(res.headers) };
  }
  if (!res.ok) throw new DownloadError(`${url}: the server answered ${res.status} ${res.statusText}.`);
  const size = Number(res.headers.get('x-linked-size') ?? res.headers.get('content-length') ?? NaN);
  return { exists: true, size: Number.isFinite(size) ? size : null, sha256: announcedSha(res.headers) };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One attempt: GET from `offset` (Range) and append to the .part file. Throws when the connection drops. */
async function fetchInto(url: string, part: string, reporter: Reporter, expectedSize: number | null): Promise<void> {
  const offset = existsSync(part) ? statSync(part).size : 0;
  const res = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, redirect: 'follow' });
  if (res.status === 416 && offset > 0 && expectedSize === offset) {
    await res.body?.cancel();
    return; // the .part is already complete
  }
  if (res.status === 416) {
    await res.body?.cancel();
    rmSync(part, { force: true });
    throw new DownloadError(`${url}: the partial download does not fit the file on the server; starting again.`);
  }
  if (!res.ok || !res.body) throw new DownloadError(`${url}: the server answered ${res.status} ${res.statusText}.`);
  let start = 0;
  if (res.status === 206) {
    const range = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== offset) {
      await res.body.cancel();
      rmSync(part, { force: true });
      throw new DownloadError(`${url}: the server resumed at the wrong position; starting again.`);
    }
    start = offset;
  }
  const lengthHeader = Number(res.headers.get('content-length') ?? NaN);
  const total = expectedSize ?? (Number.isFinite(lengthHeader) ? start + lengthHeader : null);
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  let received = start;
  reporter.progress(received, total);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      received += chunk.byteLength;
      reporter.progress(received, total);
    }
  } finally {
    await new Promise<void>((r, reject) => out.end((err?: Error | null) => (err ? reject(err) : r())));
  }
  if (total !== null && received < total)
    throw new DownloadError(`${url}: the connection closed after ${received} of ${total} bytes.`);
}

async function downloadFile(
  url: string,
  target: string,
  remote: Remote,
  attempts: number,
  reporter: Reporter,
): Promise<{ size: number; sha256: string; checked: 'hub' | 'none' }> {
  mkdirSync(dirname(target), { recursive: true });
  const part = `${target}.part`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await fetchInto(url, part, reporter, remote.size);
      const size = statSync(part).size;
      if (remote.size !== null && size !== remote.size) {
        rmSync(part, { force: true });
        throw new DownloadError(`${url}: got ${size} bytes, the Hub announced ${remote.size}.`);
      }
      const sha256 = await sha256File(part);
      if (remote.sha256 && sha256 !== remote.sha256) {
        rmSync(part, { force: true });
        throw new DownloadError(
          `${url}: checksum mismatch (sha256 ${sha256}, the Hub announced ${remote.sha256}). The damaged download was deleted.`,
        );
      }
      renameSync(part, target);
      return { size, sha256, checked: remote.sha256 ? 'hub' : 'none' };
    } catch (error) {
      lastError = error;
      const message = error instanceof Error ? error.message : String(error);
      if (attempt < attempts) {
        const have = existsSync(part) ? statSync(part).size : 0;
        reporter.warn(
          `  ${message} Retrying${have > 0 ? ` from byte ${have}` : ''} (attempt ${attempt + 1} of ${attempts})…`,
        );
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
      }
    }
  }
  throw lastError instanceof Error ? lastError : new DownloadError(String(lastError));
}

function readManifest(dir: string): Manifest | null {
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

// ---------------------------------------------------------------------------------------------
// Command line

function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function consoleReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  let label = '';
  let started = 0;
  let lastDraw = 0;
  let lastPercent = -1;
  return {
    file(id, file, total) {
      label = file;
      started = Date.now();
      lastPercent = -1;
      stream.write(`${id} · ${file}${total !== null ? ` (${formatMB(total)})` : ''}\n`);
    },
    progress(received, total) {
      const now = Date.now();
      if (stream.isTTY) {
        if (now - lastDraw < 100 && received !== total) return;
        lastDraw = now;
        const width = 30;
        const fraction = total ? Math.min(1, received / total) : 0;
        const bar = total ? `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}]` : '[…]';
        const rate = received / Math.max(0.001, (now - started) / 1000);
        stream.write(`\r  ${bar} ${formatMB(received)}${total ? ` / ${formatMB(total)}` : ''}  ${formatMB(rate)}/s   `);
        if (total && received >= total) stream.write('\n');
      } else if (total && total >= 1e6) {
        const percent = Math.floor((100 * received) / total / 10) * 10;
        if (percent > lastPercent) {
          lastPercent = percent;
          stream.write(`  ${label}: ${percent}% (${formatMB(received)} / ${formatMB(total)})\n`);
        }
      }
    },
    done(message) {
      stream.write(`${message}\n`);
    },
    warn(message) {
      stream.write(`${stream.isTTY ? '\n' : ''}${message}\n`);
    },
  };
}

const USAGE = `Usage: npm run models:download -- <hub id> [more ids…] [options]

Saves a Hugging Face Hub model into public/models/<id>/ so that ClozeLab serves it itself (offline classrooms).

Options:
  --dtype q8|fp32|fp16|q4   ONNX variant(s) to fetch; repeat or separate with commas (default q8 = onnx/model_quantized.onnx)
  --hub <url>               Hub address (default https://huggingface.co); files come from <hub>/<id>/resolve/<revision>/<file>
  --revision <rev>          branch, tag or commit (default main)
  --out <dir>               where models go (default public/models)
  --verify                  only re-check downloaded files against their clozelab-manifest.json
`;

export function parseArgs(argv: string[]): (DownloadOptions & { verify: boolean; help: boolean }) | { error: string } {
  const out: DownloadOptions & { verify: boolean; help: boolean } = { ids: [], dtypes: [], verify: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--verify') out.verify = true;
    else if (flag === '--dtype') {
      for (const d of (value() ?? '').split(',').filter(Boolean)) {
        if (!(d in DTYPE_FILES))
          return { error: `Unknown --dtype "${d}" (choose from ${Object.keys(DTYPE_FILES).join(', ')}).` };
        out.dtypes!.push(d as Dtype);
      }
    } else if (flag === '--hub') out.hub = value();
    else if (flag === '--revision') out.revision = value();
    else if (flag === '--out') out.outDir = value();
    else if (flag.startsWith('-')) return { error: `Unknown option ${flag}.` };
    else out.ids.push(arg);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    process.stderr.write(`${args.error}\n\n${USAGE}`);
    return 2;
  }
  if (args.help || args.ids.length === 0) {
    process.stderr.write(USAGE);
    return args.help ? 0 : 2;
  }
  let failed = 0;
  for (const id of args.ids) {
    try {
      if (args.verify) {
        const problems = await verifyModel(id, args.outDir);
        process.stderr.write(
          problems.length === 0 ? `${id}: all files match the manifest\n` : `${problems.join('\n')}\n`,
        );
        if (problems.length > 0) failed++;
        continue;
      }
      const manifest = await downloadModel(id, args);
      process.stderr.write(
        `${id}: ${manifest.files.length} files in ${resolve(args.outDir ?? 'public/models', id)} (manifest: ${MANIFEST_FILE})\n`,
      );
    } catch (error) {
      failed++;
      process.stderr.write(`${id}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  if (!args.verify && failed < args.ids.length) {
    process.stderr.write(
      'Serve the app (npm run dev / preview, or dist/ after npm run build): ClozeLab loads these copies instead of the Hub.\n',
    );
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
