/**
 * The offline classroom kit against a local HTTP server that answers like the Hugging Face Hub:
 * small files straight from /<id>/resolve/main/<file>, ONNX files through a redirect that announces
 * their sha256 (X-Linked-Etag) to a "CDN" URL that honours Range. The repository it serves is the
 * generated bert-tiny fixture, so the downloaded folder is then loaded and run by the real runtime.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DTYPE_FILES, downloadModel, MANIFEST_FILE, verifyModel } from '../../scripts/models-download/model.ts';
import { parseArgs } from '../../scripts/models-download.ts';
import type { Reporter } from '../../scripts/models-download/reporter.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { LOCAL_MANIFEST } from '../../src/store/local-copy.ts';
import { startFakeHub } from '../fake-hub.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join(ROOT, 'public', 'models', 'clozelab-test', 'bert-tiny');
const ID = 'school-hub/bert-tiny';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const startHub = (options: { dropFirst: boolean; corrupt?: boolean; shortFirst?: boolean }) =>
  startFakeHub({ ...options, repos: { [ID]: FIXTURE } });

function quietReporter(lines: string[], onProgress: (received: number) => void = () => {}): Reporter {
  return {
    file: (id, file) => lines.push(`file ${file}`),
    progress: (received) => onProgress(received),
    done: (m) => lines.push(m),
    warn: (m) => lines.push(`warn ${m}`),
  };
}

const tmp: string[] = [];
const servers: Server[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-download-'));
  tmp.push(dir);
  return dir;
}

let savedLocalPath: string;
beforeAll(() => {
  expect(fs.existsSync(path.join(FIXTURE, DTYPE_FILES.q8)), 'run `npm run fixtures` first').toBe(true);
  savedLocalPath = env.localModelPath;
});
afterAll(() => {
  env.localModelPath = savedLocalPath;
  for (const s of servers) s.close();
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

describe('npm run models:download', () => {
  it('survives a dropped connection: resumes with a Range request, verifies the sha256, writes a manifest; the copy loads and runs', async () => {
    const hub = await startHub({ dropFirst: true });
    servers.push(hub.server);
    const out = tmpDir();
    const lines: string[] = [];
    const onnx = fs.readFileSync(path.join(FIXTURE, DTYPE_FILES.q8));
    // The server sends half of the ONNX file and holds the connection; it is dropped once the
    // download has written exactly that half (not after a delay: the outcome is the same on any machine).
    const half = Math.floor(onnx.length / 2);
    const manifest = await downloadModel(ID, {
      hub: hub.url,
      outDir: out,
      reporter: quietReporter(lines, (received) => {
        if (received === half) hub.dropHeld();
      }),
    });

    const gets = hub.hits.filter((h) => h.method === 'GET' && h.url.startsWith('/cdn/'));
    expect(gets).toHaveLength(2);
    expect(gets[0]!.range).toBeUndefined();
    // The second request asks for exactly what is missing.
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBe(half);
    expect(lines.some((l) => l.startsWith('warn') && l.includes(`from byte ${resumedAt}`))).toBe(true);

    const dir = path.join(out, ID);
    expect(fs.readFileSync(path.join(dir, DTYPE_FILES.q8)).equals(onnx)).toBe(true);
    expect(fs.existsSync(path.join(dir, `${DTYPE_FILES.q8}.part`))).toBe(false);
    expect(manifest.files.map((f) => f.path)).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      DTYPE_FILES.q8,
    ]);
    expect(manifest.files.find((f) => f.path === DTYPE_FILES.q8)).toEqual({
      path: DTYPE_FILES.q8,
      size: onnx.length,
      sha256: sha256(onnx),
      checked: 'hub',
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'))).toMatchObject({
      id: ID,
      hub: hub.url,
      dtypes: ['q8'],
    });
    // The app reads the same manifest to pick the dtype of a local copy.
    expect(LOCAL_MANIFEST).toBe(MANIFEST_FILE);
    expect(await verifyModel(ID, out)).toEqual([]);

    // The downloaded folder is a working model for the runtime (what the app serves from /models/<id>/).
    env.localModelPath = `${out}/`;
    const engine = await MaskedLMEngine.load({ kind: 'local', id: ID }, { dtype: 'q8' });
    expect(engine.facts.maskToken).toBe('[MASK]');
    const [scores] = await engine.score(
      [
        {
          parts: [
            { kind: 'input', slot: 'X', text: 'it was' },
            { kind: 'template', text: ' ' },
            { kind: 'mask', count: 1 },
          ],
        },
      ],
      [engine.facts.maskTokenId],
      { topK: 3 },
    );
    expect(scores!.masks[0]!.top).toHaveLength(3);
    await engine.dispose?.();

    // A second run finds everything up to date: no download at all.
    const before = hub.hits.length;
    const again: string[] = [];
    await downloadModel(ID, { hub: hub.url, outDir: out, reporter: quietReporter(again) });
    expect(hub.hits.slice(before).filter((h) => h.method === 'GET')).toEqual([]);
    expect(again.filter((l) => l.endsWith('up to date'))).toHaveLength(5);

    // A damaged file is found by --verify.
    fs.appendFileSync(path.join(dir, 'tokenizer.json'), ' ');
    expect(await verifyModel(ID, out)).toEqual([`${ID}: tokenizer.json does not match its sha256`]);
  });

  it('checks the size the Hub announced: a short 200 is not taken for the file, and the rest is fetched', async () => {
    const hub = await startHub({ dropFirst: false, shortFirst: true });
    servers.push(hub.server);
    const out = tmpDir();
    const lines: string[] = [];
    const manifest = await downloadModel(ID, { hub: hub.url, outDir: out, reporter: quietReporter(lines) });
    const onnx = fs.readFileSync(path.join(FIXTURE, DTYPE_FILES.q8));
    const half = Math.floor(onnx.length / 2);
    const gets = hub.hits.filter((h) => h.method === 'GET' && h.url.startsWith('/cdn/'));
    expect(gets.map((g) => g.range)).toEqual([undefined, `bytes=${half}-`]);
    expect(lines).toContain(
      `warn   ${hub.url}/${ID}/resolve/main/${DTYPE_FILES.q8}: the connection closed after ${half} of ${onnx.length} bytes. Retrying from byte ${half} (attempt 2 of 4)…`,
    );
    expect(fs.readFileSync(path.join(out, ID, DTYPE_FILES.q8)).equals(onnx)).toBe(true);
    expect(manifest.files.find((f) => f.path === DTYPE_FILES.q8)?.sha256).toBe(sha256(onnx));
  });

  it('rejects a download whose sha256 differs from the one the Hub announced, and keeps no file', async () => {
    const hub = await startHub({ dropFirst: false, corrupt: true });
    servers.push(hub.server);
    const out = tmpDir();
    await expect(
      downloadModel(ID, { hub: hub.url, outDir: out, attempts: 2, reporter: quietReporter([]) }),
    ).rejects.toThrow(/checksum mismatch/);
    expect(fs.existsSync(path.join(out, ID, DTYPE_FILES.q8))).toBe(false);
    expect(fs.existsSync(path.join(out, ID, `${DTYPE_FILES.q8}.part`))).toBe(false);
    expect(fs.existsSync(path.join(out, ID, MANIFEST_FILE))).toBe(false);
  });

  it('reports missing files, bad ids and bad options clearly', async () => {
    const hub = await startHub({ dropFirst: false });
    servers.push(hub.server);
    const out = tmpDir();
    await expect(
      downloadModel(ID, { hub: hub.url, outDir: out, dtypes: ['fp16'], reporter: quietReporter([]) }),
    ).rejects.toThrow(/onnx\/model_fp16\.onnx is missing .*404.*--dtype/);
    await expect(downloadModel('../etc/passwd', { hub: hub.url, outDir: out })).rejects.toThrow(/not a Hub model id/);
    await expect(downloadModel(ID, { hub: 'file:///etc', outDir: out })).rejects.toThrow(/--hub must be an http/);
    expect(parseArgs(['a/b', '--dtype', 'q8,fp32', '--hub=http://x', '--out', 'dir'])).toMatchObject({
      ids: ['a/b'],
      dtypes: ['q8', 'fp32'],
      hub: 'http://x',
      outDir: 'dir',
    });
    expect(parseArgs(['a/b', '--dtype', 'int3'])).toEqual({ error: expect.stringContaining('Unknown --dtype') });
    // Both ONNX variants at once.
    const manifest = await downloadModel(ID, {
      hub: hub.url,
      outDir: out,
      dtypes: ['q8', 'fp32'],
      reporter: quietReporter([]),
    });
    expect(manifest.dtypes).toEqual(['q8', 'fp32']);
    expect(manifest.files.map((f) => f.path)).toContain('onnx/model.onnx');
  });
});
