// Damaged, cut and broken model files in real Chromium on the built app: a failed load does not
// poison the model worker; a file that is not what the server announced never reaches the cache
// (and a damaged one found later is taken out of it); every error names the file that is wrong; a
// folder opened from the computer is not written to the browser's storage.
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { screenshot } from './browser';
import { browserSessions, waitForFreshResults } from './helpers';
import { startTlsHub } from './tls-hub';

/** A failed load as the page shows it: the model panel's error, or a failed request for another model. */
const FAILED_LOAD = '[data-testid="model-error"], [data-testid="model-request"][data-status="failed"]';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');
const ROOT = resolve(import.meta.dirname, '../..');
const BERT = resolve(ROOT, 'public/models/clozelab-test/bert-tiny');
const ROBERTA = resolve(ROOT, 'public/models/clozelab-test/roberta-tiny');
const Q8 = 'onnx/model_quantized.onnx';

const open = browserSessions(chromiumPath);
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

/** A copy of a model folder named `name`, with `damage` applied. */
function folderCopy(from: string, name: string, damage: (dir: string) => void = () => {}): string {
  const root = mkdtempSync(join(tmpdir(), 'clozelab-e2e-folder-'));
  tmp.push(root);
  const dir = join(root, name);
  cpSync(from, dir, { recursive: true });
  damage(dir);
  return dir;
}

const cut = (file: string) => writeFileSync(file, readFileSync(file).subarray(0, 4000));

/** The entries of the browser cache Transformers.js uses: URL and body size. */
async function cached(page: Page): Promise<{ url: string; size: number }[]> {
  return page.evaluate(async () => {
    const cache = await caches.open('transformers-cache');
    const out: { url: string; size: number }[] = [];
    for (const request of await cache.keys())
      out.push({ url: request.url, size: (await (await cache.match(request))!.arrayBuffer()).byteLength });
    return out;
  });
}

async function modelError(page: Page): Promise<string> {
  const error = page.locator(FAILED_LOAD);
  await error.waitFor({ timeout: 60_000 });
  return (await error.textContent()) ?? '';
}

describe('model files', () => {
  test('opened folders: a bad config.json and a damaged ONNX are named; the next, valid folder loads (no reload); nothing is cached', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await expect(page.getByTestId('folder-privacy').textContent()).resolves.toContain('not saved in the browser');
    const picker = page.getByLabel('Open a model folder…');

    // config.json that is not JSON: the message names config.json, not the ONNX file.
    await picker.setInputFiles(
      folderCopy(BERT, 'bad-config', (d) => writeFileSync(join(d, 'config.json'), '{"model_type": ')),
    );
    const config = await modelError(page);
    expect(config).toContain('config.json');
    expect(config).not.toContain('.onnx');

    // A damaged ONNX file: named, with what to do about a folder.
    await picker.setInputFiles(
      folderCopy(BERT, 'damaged-bert', (d) => {
        cut(join(d, Q8));
        cut(join(d, 'onnx/model.onnx'));
      }),
    );
    // The error of this folder (its message names the folder), not the one before.
    await page.locator(FAILED_LOAD).getByText('my-files/damaged-bert').waitFor({ timeout: 60_000 });
    const damaged = await modelError(page);
    expect(damaged).toContain(Q8);
    expect(damaged).toContain('open the folder again');
    await screenshot(page, 'model-files-damaged-folder');

    // A valid folder right after, in the same page: it loads and scores.
    await picker.setInputFiles(folderCopy(ROBERTA, 'good-roberta'));
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await waitForFreshResults(page);
    // The opened folders' files are not in the browser's storage.
    expect((await cached(page)).filter((e) => e.url.includes('/my-files/'))).toEqual([]);
  });

  test('Hub downloads: a short 200 is refused by the announced size, a silently cut file is taken out of the cache, a wrong checksum is refused; then Load works', async () => {
    const id = 'cut-hub/bert-tiny';
    const hub = await startTlsHub({ [id]: BERT }, { onnx: 'short' });
    try {
      const { page } = await open({ extraArgs: hub.chromiumArgs });
      await page.goto(baseURL);
      const onnxCached = async () => (await cached(page)).filter((e) => e.url.endsWith('.onnx'));
      const load = async () => {
        await page.getByLabel('Any Hugging Face Hub model id', { exact: true }).fill(id);
        await page.getByRole('button', { name: 'Load', exact: true }).click();
      };

      // Half the file in a clean 200, while X-Linked-Size announces the whole file.
      await load();
      const short = await modelError(page);
      expect(short).toContain(Q8);
      expect(short).toContain('did not arrive complete');
      expect(await onnxCached()).toEqual([]);

      // One byte flipped, the ETag announcing the true sha256.
      hub.onnx = 'corrupt';
      await load();
      await page.locator(FAILED_LOAD).getByText('checksum').waitFor({ timeout: 60_000 });
      expect(await onnxCached()).toEqual([]);

      // Half the file and nothing announced: it can only be found damaged once read; then it is
      // taken out of the cache, so the next Load fetches it again.
      hub.onnx = 'short-silent';
      await load();
      await page.locator(FAILED_LOAD).getByText('damaged').waitFor({ timeout: 60_000 });
      expect(await modelError(page)).toContain(Q8);
      expect(await onnxCached()).toEqual([]);
      await screenshot(page, 'model-files-hub-damaged');

      hub.onnx = 'ok';
      await load();
      await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
      await waitForFreshResults(page);
      const whole = await onnxCached();
      expect(whole.map((e) => e.size)).toEqual([statSync(join(BERT, Q8)).size]);
    } finally {
      await hub.close();
    }
  });
});
