// The Content-Security-Policy of the built app (scripts/csp.ts), in real Chromium: the whole flow
// — load a test model, score, evaluate a demo dataset, share, open a link — runs with zero policy
// violations (page and workers), and script that gets into the page anyway cannot run. A link with
// markup and javascript: URLs in every field shows them as text (sharing.e2e.ts covers the bad
// links and `<img onerror>` / `<script>` in the fields; this adds javascript: URLs and navigation).
import { afterEach, describe, expect, inject, test } from 'vitest';
import { formatIssue } from '../../src/core/messages';
import { encodeShareFragment } from '../../src/core/share-link';
import { defaultSetup } from '../../src/core/setup';
import { contentSecurityPolicy } from '../../scripts/csp';
import { openBrowser, type BrowserSession } from './browser';
import { loadTestModel, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');

let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  expect(session?.pageErrors ?? []).toEqual([]);
  session = undefined;
});

describe('content security policy', () => {
  test('the built app runs a whole session under its CSP with zero violations; injected script cannot run; link text stays text', async () => {
    session = await openBrowser(chromiumPath);
    const { context, page } = session;
    const consoleCsp: string[] = [];
    const onConsole = (text: string) => {
      if (/Content Security Policy|Refused to/i.test(text)) consoleCsp.push(text);
    };
    context.on('console', (msg) => onConsole(msg.text()));
    page.on('worker', (worker) => worker.on('console', (msg) => onConsole(msg.text())));
    await context.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
      );
    });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    const response = await page.goto(baseURL);
    // Delivered both ways: the header (page and worker scripts) and the meta tag in index.html.
    expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy());
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toBe(contentSecurityPolicy({ forMeta: true }));
    expect(meta).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*(?!\.)/);

    // Model, live scoring, an evaluation of a demo dataset, the share dialog with its QR code.
    await loadTestModel(page);
    await waitForFreshResults(page);
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByTestId('demo-sentiment-en').click();
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Playground' }).click();
    await page.getByTestId('open-share').click();
    await page.getByTestId('share-qr').waitFor();
    expect(
      await page.getByTestId('share-qr').evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(100);

    // A link whose every text field holds markup and javascript: URLs.
    // Under 100 characters, so that it fits every field of a setup (labels and words included).
    const evil = `javascript:alert(1)//<img src=x onerror="window.__pwned=1"><a href="javascript:void(0)">x</a>`;
    expect(evil.length).toBeLessThanOrEqual(100);
    const setup = defaultSetup();
    setup.name = evil;
    setup.model = { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'auto', device: 'auto' };
    setup.templates = [
      { id: 't1', name: evil, text: `${evil} [X] [Z].` },
      { id: 't2', name: `javascript:void(0)`, text: '[X] javascript:alert(2) [Z]' },
    ];
    setup.verbalizer = {
      labels: [
        { label: evil, words: [evil, 'great'] },
        { label: 'javascript:alert(3)', words: ['javascript:alert(4)'] },
      ],
    };
    setup.inputs = [{ X: evil }, { X: 'javascript:alert(5)' }];
    const link = encodeShareFragment(setup);
    if (!link.ok) throw new Error(formatIssue(link.error));
    await page.keyboard.press('Escape');
    await page.goto('about:blank');
    await page.goto(`${baseURL}/#${link.fragment}`);
    await page.getByTestId('link-pending').waitFor();
    await page.getByTestId('link-open').click();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await waitForFreshResults(page);
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe(`${evil} [X] [Z].`);
    expect(await page.locator('body').textContent()).toContain('javascript:alert(3)');
    // Nothing from the link became an element, a link target or an event handler.
    expect(await page.locator('img[src="x"], a[href^="javascript:"], [onerror], script:not([src])').count()).toBe(0);
    for (const a of await page.locator('a[href]').evaluateAll((as) => as.map((x) => (x as HTMLAnchorElement).protocol)))
      expect(['http:', 'https:', 'blob:']).toContain(a);
    expect(new URL(page.url()).origin).toBe(baseURL);

    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(consoleCsp).toEqual([]);

    // Script that somehow got into the DOM does not run: no inline script, no handler attribute,
    // no javascript: URL.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __pwned?: number };
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 10';
      document.body.append(s);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__pwned = 11');
      img.src = 'data:,not-an-image';
      document.body.append(img);
      const a = document.createElement('a');
      a.href = 'javascript:window.__pwned = 12';
      document.body.append(a);
      a.click();
      await new Promise((r) => setTimeout(r, 300));
      return w.__pwned ?? null;
    });
    expect(ran).toBeNull();
    const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    expect(violations.some((v) => v.startsWith('script-src'))).toBe(true);
    expect(dialogs).toEqual([]);
  });
});
