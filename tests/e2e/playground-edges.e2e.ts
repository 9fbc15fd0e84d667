// The playground when things go wrong: a corrupt saved workspace, an unreachable Hub, a broken
// verbalizer. The page must stay usable and say what happened.
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { openBrowser, screenshot, type BrowserSession } from './browser';
import { loadTestModel, readDistribution, setText, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');

let session: BrowserSession;

beforeEach(async () => {
  session = await openBrowser(chromiumPath, { colorScheme: 'dark' });
  // The Hub is never contacted from tests: requests to it fail like a network without internet.
  await session.context.route(/huggingface\.co|hf\.co/, (route) => route.abort('internetdisconnected'));
});

afterEach(async () => {
  await session.close();
  expect(session.pageErrors).toEqual([]);
});

describe('playground edge cases', () => {
  test('a corrupt saved workspace opens a fresh one, keeps a backup and says so', async () => {
    const { page } = session;
    // Written from a file of the same origin, so no running app can save over it before it is read.
    await page.goto(`${baseURL}/favicon.svg`);
    await page.evaluate(() => localStorage.setItem('clozelab.workspace', '{"version":1,"workspace":{"setup":'));
    await page.goto(baseURL);
    const banner = page.getByTestId('workspace-backup');
    await expect(banner.textContent()).resolves.toMatch(/could not be read.*not valid JSON/);
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe(
      '[X] Overall, it was a [Z] movie.',
    );
    await expect(page.evaluate(() => localStorage.getItem('clozelab.workspace.unreadable'))).resolves.toBe(
      '{"version":1,"workspace":{"setup":',
    );
    // Not JSON: it can't be restored, and the banner says why; it stays to be downloaded.
    await banner.getByTestId('backup-restore').click();
    await expect(banner.getByTestId('workspace-backup-result').textContent()).resolves.toMatch(
      /can't be restored: it is not valid JSON/,
    );
    await banner.getByTestId('backup-later').click();
    await expect(page.getByTestId('workspace-backup').count()).resolves.toBe(0);
  });

  test('an unreachable Hub gives a message that offers the local options', async () => {
    const { page } = session;
    await page.goto(baseURL);
    await page.getByRole('button', { name: /Load model/ }).click();
    const error = page.getByTestId('model-error');
    await error.waitFor({ timeout: 60_000 });
    // The runtime names the file it could not fetch; the help below offers the offline test model in one click.
    await expect(error.textContent()).resolves.toMatch(
      /Could not reach the Hugging Face Hub to download config\.json.*can't reach the Hugging Face Hub.*test model/s,
    );
    await expect(error.getByRole('button', { name: /clozelab-test\/bert-tiny/ }).count()).resolves.toBe(1);
    await screenshot(page, 'playground-hub-unreachable-dark');
  });

  test('a verbalizer error dims the last good chart; fixing it brings fresh numbers; Ctrl+Enter runs at once', async () => {
    const { page } = session;
    await page.goto(baseURL);
    await loadTestModel(page);
    await waitForFreshResults(page);
    const before = await readDistribution(page, 0);

    // One edit, so no intermediate verbalizer ("positive: great" alone is valid) is ever scored.
    await setText(page, 'Verbalizer', 'positive: great\npositive: good');
    const errors = page.getByTestId('verbalizer-errors');
    await errors.waitFor();
    await expect(errors.textContent()).resolves.toContain('Line 2, column 1: The label "positive" is defined twice.');
    await page.getByTestId('result-card').first().and(page.locator('[data-stale]')).waitFor();
    expect(await readDistribution(page, 0)).toEqual(before);

    await setText(page, 'Verbalizer', 'positive: great, good\nnegative: bad');
    await page.getByLabel('Verbalizer', { exact: true }).press('Control+Enter');
    await waitForFreshResults(page);
    const after = await readDistribution(page, 0);
    expect(Object.keys(after)).toEqual(['positive', 'negative']);
    expect(after).not.toEqual(before);
    await screenshot(page, 'playground-dark');
  });
});
