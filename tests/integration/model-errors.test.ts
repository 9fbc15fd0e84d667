/**
 * Model errors name the file that is actually wrong, and a failed load leaves the runtime able to
 * load the next model. Real Transformers.js + onnxruntime-node on copies of the generated bert-tiny
 * fixture with one file damaged, and local HTTP servers that cut or reset the connection (no timing:
 * a server answers with exactly the bytes it means to, or resets the socket when asked).
 */
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@huggingface/transformers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/core/messages/index.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { MaskedLMEngine, type LoadOptions } from '../../src/runtime/engine.ts';
import { RuntimeError } from '../../src/runtime/errors.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import type { ModelSource } from '../../src/runtime/protocol.ts';
import type { Issue } from '../../src/core/issues.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BERT_DIR = path.join(ROOT, 'public', 'models', 'clozelab-test', 'bert-tiny');
const Q8 = 'onnx/model_quantized.onnx';

const tmp: string[] = [];
const servers: Server[] = [];
const saved = { localModelPath: '', cacheDir: '' as string | null, useFS: true };
let cacheDir = '';

beforeAll(() => {
  expect(fs.existsSync(path.join(BERT_DIR, Q8)), 'run `npm run fixtures` first').toBe(true);
  saved.localModelPath = env.localModelPath;
  saved.cacheDir = env.cacheDir;
  saved.useFS = env.useFS;
  // Transformers.js's file cache (Node) goes to a folder of this test, which is checked.
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-errors-cache-'));
  tmp.push(cacheDir);
  env.cacheDir = cacheDir;
});
afterEach(() => {
  env.localModelPath = saved.localModelPath;
  env.useFS = saved.useFS;
});
afterAll(() => {
  env.cacheDir = saved.cacheDir;
  for (const s of servers) s.close();
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of bert-tiny under <tmp>/<name>, with `damage` applied to it. Returns the models folder. */
function damagedCopy(name: string, damage: (dir: string) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-errors-'));
  tmp.push(root);
  fs.cpSync(BERT_DIR, path.join(root, name), { recursive: true });
  damage(path.join(root, name));
  return root;
}

async function failure(promise: Promise<unknown>): Promise<RuntimeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeError);
    return error as RuntimeError;
  }
  throw new Error('expected the load to fail');
}

async function loadFrom(root: string, id: string, options: LoadOptions = { dtype: 'q8' }): Promise<MaskedLMEngine> {
  env.localModelPath = `${root}/`;
  return MaskedLMEngine.load({ kind: 'local', id }, options);
}

/** The catalog's summary of a runtime error (what the Chinese UI shows first), in English and Chinese. */
function summaries(e: RuntimeError): string[] {
  const issue = { code: e.code, severity: 'error', params: { file: e.file ?? '', where: e.where ?? '' } } as Issue;
  return [formatIssue(issue, 'en'), formatIssue(issue, 'zh')];
}

describe('model errors name the file that is wrong', () => {
  it('a malformed config.json is config.json, not the ONNX file', async () => {
    const root = damagedCopy('bad-config', (dir) =>
      fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type": "bert",'),
    );
    const e = await failure(loadFrom(root, 'bad-config'));
    expect(e.code).toBe('corrupt-model');
    expect(e.file).toBe('config.json');
    expect(e.where).toBe('disk');
    expect(e.message).toContain('config.json');
    expect(e.message).toContain('not valid JSON');
    expect(e.message).not.toContain('.onnx');
    for (const text of summaries(e)) expect(text).toContain('config.json');
  });

  it('a tokenizer.json that is not JSON, or not a tokenizer, and a malformed tokenizer_config.json: each named', async () => {
    const notJson = damagedCopy('tok-not-json', (dir) =>
      fs.writeFileSync(
        path.join(dir, 'tokenizer.json'),
        fs.readFileSync(path.join(dir, 'tokenizer.json')).subarray(0, 100),
      ),
    );
    const a = await failure(loadFrom(notJson, 'tok-not-json'));
    expect([a.code, a.file]).toEqual(['corrupt-model', 'tokenizer.json']);
    expect(a.message).toMatch(/^tokenizer\.json in .* is not valid JSON/);

    const notTokenizer = damagedCopy('tok-empty', (dir) =>
      fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"version": "1.0"}'),
    );
    const b = await failure(loadFrom(notTokenizer, 'tok-empty'));
    expect([b.code, b.file]).toEqual(['corrupt-model', 'tokenizer.json']);
    expect(b.message).toContain('is not a tokenizer: it has no "model" section');

    const badConfig = damagedCopy('tok-config', (dir) =>
      fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), '{,}'),
    );
    const c = await failure(loadFrom(badConfig, 'tok-config'));
    expect([c.code, c.file]).toEqual(['corrupt-model', 'tokenizer_config.json']);
    for (const text of summaries(c)) expect(text).toContain('tokenizer_config.json');
  });

  it('a cut ONNX file is that ONNX file; the next, valid model loads', async () => {
    const root = damagedCopy('cut-onnx', (dir) => {
      const file = path.join(dir, Q8);
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 5000));
    });
    const e = await failure(loadFrom(root, 'cut-onnx'));
    expect([e.code, e.file]).toEqual(['corrupt-model', Q8]);
    expect(e.message).toContain('Replace it with a good copy');
    const engine = await loadFrom(path.dirname(path.dirname(BERT_DIR)), 'clozelab-test/bert-tiny');
    expect(engine.facts.maskToken).toBe('[MASK]');
    await engine.dispose();
  });
});

/**
 * Serves a models folder over HTTP (as the app serves /models/…); `answer` decides per request:
 * 'ok', 'reset' (the socket is destroyed before any answer), or 'cut' (the whole Content-Length is
 * announced, half the body is sent, and the response ends: the client sees the connection close early).
 */
async function serveModels(root: string, answer: (file: string) => 'ok' | 'reset' | 'cut'): Promise<string> {
  const server = createServer((req, res) => {
    const file = decodeURIComponent(req.url ?? '').replace(/^\/+/, '');
    const local = path.join(root, file);
    if (file.includes('..') || !fs.existsSync(local) || fs.statSync(local).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const data = fs.readFileSync(local);
    const how = answer(file);
    if (how === 'reset') {
      req.socket.destroy();
      return;
    }
    // One connection per request, so that a reset or a cut touches only the file it is meant for.
    res.writeHead(200, { 'content-length': String(data.length), connection: 'close' });
    if (how === 'cut') {
      // The headers, then half the body, then the socket ends: the client has the headers and half
      // the bytes, then sees the connection close before the announced length.
      res.flushHeaders();
      res.socket?.end(data.subarray(0, Math.floor(data.length / 2)));
      return;
    }
    res.end(data);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('a broken connection is a broken connection, not a missing file', () => {
  const MODELS = path.dirname(path.dirname(BERT_DIR));
  const id = 'clozelab-test/bert-tiny';

  it('the server resets the connection for the ONNX file: download-incomplete naming it, not "404, no weights in that precision"', async () => {
    env.localModelPath = await serveModels(MODELS, (file) => (file.endsWith('.onnx') ? 'reset' : 'ok'));
    const e = await failure(MaskedLMEngine.load({ kind: 'local', id }, { dtype: 'q8' }));
    console.log('DEBUG', e.code, e.file, e.message, e.detail);
    expect(e.code).toBe('download-incomplete');
    expect(e.file).toBe(Q8);
    expect(e.where).toBe('app');
    expect(e.message).not.toMatch(/404|precision/);
  });

  it('the connection closes halfway through the ONNX file: download-incomplete naming it', async () => {
    env.localModelPath = await serveModels(MODELS, (file) => (file.endsWith('.onnx') ? 'cut' : 'ok'));
    const e = await failure(MaskedLMEngine.load({ kind: 'local', id }, { dtype: 'q8' }));
    console.log('DEBUG', e.code, e.file, e.message, e.detail);
    expect([e.code, e.file]).toEqual(['download-incomplete', Q8]);
    expect(e.message).toContain('did not arrive complete');
    // Nothing of the cut file was kept in Transformers.js's file cache (the complete small files may be).
    const cached = fs.readdirSync(cacheDir, { recursive: true }).map(String);
    expect(cached.filter((f) => f.includes('.onnx'))).toEqual([]);
  });

  it('config.json cut short: download-incomplete naming config.json', async () => {
    env.localModelPath = await serveModels(MODELS, (file) =>
      file.endsWith('config.json') && !file.includes('tokenizer') ? 'cut' : 'ok',
    );
    const e = await failure(MaskedLMEngine.load({ kind: 'local', id }, { dtype: 'q8' }));
    console.log('DEBUG', e.code, e.file, e.message, e.detail);
    expect([e.code, e.file]).toEqual(['download-incomplete', 'config.json']);
  });
});

describe('a failed load leaves the runtime able to load the next model', () => {
  it('the client replaces the worker after a failed load (no crash event), gives it the opened folders again, and the next load works', async () => {
    // Folders opened in the browser are answered from memory through env.fetch (local-files.ts).
    env.useFS = false;
    env.localModelPath = '/models/';
    const file = (p: string, bytes = fs.readFileSync(path.join(BERT_DIR, p))) => ({ path: p, file: new Blob([bytes]) });
    const names = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
    const workers: InProcessWorker[] = [];
    const client = new RuntimeClient(() => {
      const w = new InProcessWorker();
      workers.push(w);
      return w;
    });
    const events: string[] = [];
    client.onEvent((e) => events.push(e.type));
    await client.registerFiles('my-files/cut', [
      ...names.map((p) => file(p)),
      file(Q8, fs.readFileSync(path.join(BERT_DIR, Q8)).subarray(0, 5000)),
    ]);
    const damaged: ModelSource = { kind: 'local', id: 'my-files/cut' };
    const e = await failure(client.load(damaged, { dtype: 'q8' }));
    expect([e.code, e.file, e.where]).toEqual(['corrupt-model', Q8, 'folder']);
    expect(e.message).toContain('open the folder again');
    expect(workers).toHaveLength(1);
    // The next request goes to a fresh worker.
    await client.registerFiles(
      'my-files/bert',
      [...names, Q8].map((p) => file(p)),
    );
    expect(workers).toHaveLength(2);
    const { facts } = await client.load({ kind: 'local', id: 'my-files/bert' }, { dtype: 'q8' });
    expect(facts.maskToken).toBe('[MASK]');
    // A worker after a restart is given the opened folder again: the same model loads there too.
    client.restart();
    const again = await client.load({ kind: 'local', id: 'my-files/bert' }, { dtype: 'q8' });
    expect(again.facts.maskToken).toBe('[MASK]');
    expect(workers).toHaveLength(3);
    expect(events.filter((t) => t !== 'progress')).toEqual(['restarted']);
    client.dispose();
  });
});
