// Visual defects as a teacher sees them, each checked by the class of the defect rather than one
// instance: the header at every width, list markers of every message, every select's text, every
// bar's value, every headline of a result that is not current, the loading phase, the names of
// templates in Compare and the word-start marker "Ġ". Screenshots for review land in
// test-results/screenshots/visual-*.png. Nothing here waits on a clock: only on states of the page.
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { screenshot } from './browser';
import { browserSessions, loadTestModel, setText, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));

async function openApp(options: { locale?: string; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const session = await open(options);
  // The Hub is never contacted from tests.
  await session.context.route(/huggingface\.co|hf\.co/, (route) => route.abort('internetdisconnected'));
  await session.page.goto(baseURL);
  await session.page.locator('.app-header').waitFor();
  return session.page;
}

/** Resizes the window and waits until the page has laid itself out for it (charts follow a resize late). */
async function resize(page: Page, width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.waitForFunction((w) => innerWidth === w && document.documentElement.scrollWidth <= w, width, {
    timeout: 10_000,
  });
}

async function showView(page: Page, name: RegExp): Promise<void> {
  await page.locator('.view-tabs').getByRole('button', { name }).click();
}

/** Overlapping pairs and items outside the viewport, among the header's items and the view tabs. */
function headerProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = (el: Element) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 24)}"`;
    const items = [
      ...document.querySelectorAll('.app-header .brand h1, .app-header .brand p, .app-header .header-controls > *'),
      ...document.querySelectorAll('.view-tabs .view-tab'),
    ]
      .filter((el) => !el.classList.contains('visually-hidden'))
      .filter(visible);
    const problems: string[] = [];
    const rects = items.map((el) => el.getBoundingClientRect());
    for (let i = 0; i < items.length; i++) {
      const a = rects[i]!;
      if (a.left < -0.5 || a.right > innerWidth + 0.5) problems.push(`${name(items[i]!)} is outside the viewport`);
      for (let j = i + 1; j < items.length; j++) {
        const b = rects[j]!;
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (overlap > 0.5 && overlapY > 0.5) problems.push(`${name(items[i]!)} overlaps ${name(items[j]!)}`);
      }
    }
    if (document.documentElement.scrollWidth > innerWidth)
      problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${innerWidth}px window`);
    return problems;
  });
}

/**
 * Selects too narrow for one of their options, or reaching out of the window. (A select's
 * scrollWidth always equals its clientWidth, so each is compared with a copy of itself at its
 * natural width: as wide as its longest option needs, with the same font, padding and arrow.)
 */
function clippedSelects(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('select')]
      .filter((el) => el.getClientRects().length > 0)
      .flatMap((el) => {
        const copy = el.cloneNode(true) as HTMLSelectElement;
        copy.removeAttribute('id');
        for (const [property, value] of [
          ['position', 'absolute'],
          ['visibility', 'hidden'],
          ['width', 'auto'],
          ['min-width', '0'],
          ['max-width', 'none'],
        ])
          copy.style.setProperty(property!, value!, 'important');
        el.parentElement!.append(copy);
        const needed = copy.getBoundingClientRect().width;
        copy.remove();
        const box = el.getBoundingClientRect();
        const longest = [...el.options].map((o) => o.text).sort((a, b) => b.length - a.length)[0];
        const problems: string[] = [];
        if (needed > box.width + 0.5)
          problems.push(`"${longest}" needs ${Math.round(needed)} > ${Math.round(box.width)}px`);
        if (box.left < -0.5 || box.right > innerWidth + 0.5) problems.push(`"${longest}" reaches out of the window`);
        return problems;
      }),
  );
}

/**
 * List items in messages whose marker is not on the item's first line. The marker sits on the
 * item's first line box, and so does a zero-width text put first into the item.
 */
function misplacedMarkers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const li of document.querySelectorAll('.message li')) {
      // A zero-width space put first into the item lands on its first line box, beside the marker.
      const probe = document.createTextNode('\u200b');
      li.prepend(probe);
      const at = document.createRange();
      at.selectNodeContents(probe);
      const marker = at.getBoundingClientRect();
      probe.remove();
      const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
      let text: Node | null = walker.nextNode();
      while (text && !(text.textContent ?? '').trim()) text = walker.nextNode();
      if (!text) continue;
      const first = document.createRange();
      first.setStart(text, 0);
      first.setEnd(text, 1);
      const line = first.getBoundingClientRect();
      const lines = Math.round(li.getBoundingClientRect().height / line.height);
      // The marker's line and the text's first line must overlap vertically by most of a line.
      const overlap = Math.min(marker.bottom, line.bottom) - Math.max(marker.top, line.top);
      if (overlap < line.height / 2)
        out.push(`"${(li.textContent ?? '').slice(0, 40)}…" (${lines} lines): marker ${marker.top}, text ${line.top}`);
    }
    return out;
  });
}

describe('visual defects, by class', () => {
  test('the header never overlaps: logo, tagline, controls and view tabs at 360, 420, 768 and 1440 px, English and Chinese, presenting or not', async () => {
    const page = await openApp();
    for (const locale of ['en', 'zh']) {
      await page.locator('#locale-select').selectOption(locale);
      for (const presenting of [false, true]) {
        if (presenting) await page.getByTestId('toggle-presentation').click();
        for (const width of [360, 420, 768, 1440]) {
          await page.setViewportSize({ width, height: 860 });
          expect(await headerProblems(page), `${locale} at ${width}px${presenting ? ', presenting' : ''}`).toEqual([]);
        }
        if (presenting) await page.getByTestId('toggle-presentation').click();
      }
    }
    await page.setViewportSize({ width: 420, height: 860 });
    await page.locator('#locale-select').selectOption('en');
    await screenshot(page, 'visual-header-420');
  });

  test('every select is wide enough for each of its options, in every view, at 360 to 1440 px, English and Chinese', async () => {
    const page = await openApp();
    // Two templates, so that Compare shows its two pickers.
    await page.getByRole('button', { name: 'Add a template (a copy of this one)' }).click();
    const views = [/^(Playground|演练场)$/, /^(Evaluate|评估)$/, /^(Compare|对比)$/, /^(Presets|预设)$/];
    for (const locale of ['en', 'zh']) {
      await page.locator('#locale-select').selectOption(locale);
      for (const view of views) {
        await showView(page, view);
        for (const width of [360, 420, 1024, 1440]) {
          await page.setViewportSize({ width, height: 860 });
          expect(await clippedSelects(page), `${locale}, ${String(view)}, ${width}px`).toEqual([]);
        }
      }
      // Every option of the scoring selects, not only the chosen one.
      await showView(page, views[0]!);
      for (const width of [360, 1024, 1440]) {
        await page.setViewportSize({ width, height: 860 });
        for (const value of ['all-subtokens', 'first-subtoken']) {
          await page.locator('.scoring-grid select').nth(1).selectOption(value);
          for (const aggregation of ['sum', 'mean', 'max', 'logit-mean']) {
            await page.locator('.scoring-grid select').nth(0).selectOption(aggregation);
            expect(await clippedSelects(page), `${locale}, ${value}, ${aggregation}, ${width}px`).toEqual([]);
          }
        }
      }
    }
  });

  test('every message list has its markers on the first line of each item, however many lines it takes', async () => {
    const page = await openApp();
    await page.setViewportSize({ width: 420, height: 860 });
    // Two long errors in the template, one in the verbalizer: every message wraps at this width.
    await setText(page, 'Template', 'Review: [X] In short, it was [Y] and [Q].');
    await setText(page, 'Verbalizer', 'positive: great\npositive: good\nnegative');
    await page.getByTestId('template-errors').waitFor();
    await page.getByTestId('verbalizer-errors').waitFor();
    const multiLine = await page.evaluate(
      () => [...document.querySelectorAll('.message li')].filter((li) => li.getBoundingClientRect().height > 30).length,
    );
    expect(multiLine).toBeGreaterThanOrEqual(2);
    expect(await misplacedMarkers(page)).toEqual([]);
    await screenshot(page, 'visual-issue-markers-420');
  });

  test('every bar shows its value, 0% included', async () => {
    const page = await openApp();
    await loadTestModel(page);
    // "好" is unknown to the English test model: "neutral" has no usable word and gets exactly 0.
    await setText(page, 'Verbalizer', 'positive: great\nnegative: terrible\nneutral: 好');
    await waitForFreshResults(page);
    const charts = page.locator('[data-testid="result-card"] .chart-area');
    const count = await charts.count();
    expect(count).toBe(3);
    for (let i = 0; i < count; i++) {
      const values = await charts.nth(i).locator('.recharts-label-list text').allTextContents();
      const probs = await charts
        .nth(i)
        .locator('[data-testid="label-probs"] tr')
        .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-prob'))));
      expect(probs[2]).toBe(0);
      expect(values).toHaveLength(3);
      expect(values[2]).toBe('0%');
    }
  });

  test('a result shown while its template is invalid is greyed and says "not current" — playground, explainer, Compare, presentation', async () => {
    const page = await openApp();
    await loadTestModel(page);
    await page.getByRole('button', { name: 'Add a template (a copy of this one)' }).click();
    await waitForFreshResults(page);
    const notCurrent = page.getByTestId('not-current');
    await expect(notCurrent.count()).resolves.toBe(0);

    await setText(page, 'Template', 'Review: [X] In short, it was [Y].');
    await page.getByTestId('template-errors').waitFor();
    /** Every headline matched by `selector`: greyed and labelled, the label part of its text. */
    const expectStale = async (selector: string, where: string, count: number) => {
      const headlines = page.locator(selector);
      await page.locator(`${selector}:not([data-stale])`).waitFor({ state: 'detached' });
      await expect(headlines.count(), where).resolves.toBe(count);
      for (let i = 0; i < count; i++) {
        const headline = headlines.nth(i);
        await expect(headline.textContent(), where).resolves.toContain('not current');
        const opacity = await headline
          .locator('.result-headline-text')
          .evaluate((el) => Number(getComputedStyle(el).opacity));
        expect(opacity, where).toBeLessThan(0.6);
        // Screen readers read the label with the headline: it is not hidden from them.
        await expect(headline.getByTestId('not-current').getAttribute('aria-hidden')).resolves.toBeNull();
      }
    };
    // The three result cards and the explainer's predicted label.
    await expectStale('.result-headline', 'playground', 4);
    await expect(page.getByTestId('explain-winner').textContent()).resolves.toContain('not current');
    await screenshot(page, 'visual-not-current');

    // Compare: A is the (invalid) active template, B a valid one whose results are current.
    await showView(page, /^Compare$/);
    await expectStale('[data-testid="compare-a"] .result-headline', 'compare, template A', 3);
    await page.locator('[data-testid="compare-b"]').nth(2).waitFor();
    await page.locator('[data-testid="compare-b"][data-stale]').waitFor({ state: 'detached' });
    await expect(page.locator('[data-testid="compare-b"]').getByTestId('not-current').count()).resolves.toBe(0);

    await page.getByTestId('toggle-presentation').click();
    // The chart's headline, and the explainer's (folded away under "Step by step").
    await expectStale('.result-headline', 'presentation', 2);
    await page.getByTestId('toggle-presentation').click();

    // Fixed: fresh results, no label anywhere.
    await showView(page, /^Playground$/);
    await setText(page, 'Template', 'Review: [X] In short, it was [Z].');
    await waitForFreshResults(page);
    await notCurrent.first().waitFor({ state: 'detached' });
  });

  test('loading a model says its phase: downloading, preparing the model, warming up', async () => {
    const session = await open();
    const { page } = session;
    // Every phase the page shows, in order, as the user would have seen it.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { loadPhases: string[] }).loadPhases = seen;
      new MutationObserver(() => {
        const phase = document.querySelector('[data-testid="load-phase"]')?.getAttribute('data-phase');
        if (phase && seen.at(-1) !== phase) seen.push(phase);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    // The ONNX file is held back until the page has shown that it is downloading.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/models/clozelab-test/bert-tiny/onnx/*.onnx', async (route) => {
      await released;
      await route.continue();
    });
    await page.goto(baseURL);
    await page.getByLabel('Masked language model').selectOption('local:clozelab-test/bert-tiny');
    const phase = page.getByTestId('load-phase');
    await page.locator('[data-testid="load-phase"][data-phase="downloading"]').waitFor();
    await expect(phase.textContent()).resolves.toContain('Downloading the model files');
    release();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await expect(phase.count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { loadPhases: string[] }).loadPhases)).resolves.toEqual([
      'downloading',
      'preparing',
      'warmup',
    ]);
  });

  test('Compare names each template once: its own name, or "Template 2" — never "Template 2 · Template 2"', async () => {
    const page = await openApp();
    await page.getByRole('button', { name: 'Add a template (a copy of this one)' }).click();
    await page.getByRole('button', { name: 'Add a template (a copy of this one)' }).click();
    await showView(page, /^Compare$/);
    const optionTexts = (testId: string) =>
      page
        .getByTestId(testId)
        .locator('option')
        .evaluateAll((options) => options.map((o) => o.textContent ?? ''));
    for (const [locale, numbered] of [
      ['en', /Template \d/g],
      ['zh', /模板 \d/g],
    ] as const) {
      await page.locator('#locale-select').selectOption(locale);
      const a = await optionTexts('compare-select-a');
      expect(a).toHaveLength(3);
      expect(new Set(a).size, a.join(' | ')).toBe(3);
      for (const text of [...a, ...(await optionTexts('compare-select-b'))])
        expect((text.match(numbered) ?? []).length, text).toBeLessThanOrEqual(1);
      expect(a[0]).toBe('Overall, it was a … movie');
      expect(a.slice(1)).toEqual(locale === 'en' ? ['Template 2', 'Template 3'] : ['模板 2', '模板 3']);
    }
    await page.locator('#locale-select').selectOption('en');
    await screenshot(page, 'visual-compare-names');
  });

  test('"Ġ" is explained in one line where Ġ-tokens appear (English and Chinese); not where none do', async () => {
    const page = await openApp();
    await loadTestModel(page);
    await waitForFreshResults(page);
    // A WordPiece model shows no Ġ: no note.
    await expect(page.getByTestId('token-marker-note').count()).resolves.toBe(0);

    await loadTestModel(page, 'clozelab-test/roberta-tiny');
    await waitForFreshResults(page);
    const verbalizer = page.locator('section[aria-labelledby="verbalizer-heading"]');
    await expect(verbalizer.locator('.word-chip .pieces').first().textContent()).resolves.toMatch(/^Ġ/);
    const note = verbalizer.getByTestId('token-marker-note');
    await expect(note.textContent()).resolves.toBe(
      'Ġ marks a token that starts with a space (byte-level BPE): Ġgreat is “ great”.',
    );
    // Right under the table of label words' tokens.
    await expect(
      note.evaluate((el) => el.previousElementSibling?.classList.contains('verbalizer-table') ?? false),
    ).resolves.toBe(true);
    // Wherever a list of tokens shows a Ġ-token, the note is beside it.
    const lists = await page.locator('[data-testid="topk"]').evaluateAll((els) =>
      els.map((el) => ({
        hasMarker: [...el.querySelectorAll('li')].some((li) => li.textContent.includes('Ġ')),
        noted: el.parentElement?.querySelector('[data-testid="token-marker-note"]') != null,
      })),
    );
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect(list.noted).toBe(list.hasMarker);

    await page.locator('#locale-select').selectOption('zh');
    await expect(note.textContent()).resolves.toMatch(/^Ġ 表示这个词元以空格开头/);
    await screenshot(page, 'visual-bpe-marker-zh');
  });

  test('the Chinese UI calls the Playground 演练场 everywhere it names it', async () => {
    const page = await openApp({ locale: 'zh-CN' });
    await expect(page.locator('.view-tab').first().textContent()).resolves.toBe('演练场');
    await showView(page, /^评估$/);
    await expect(page.locator('main').textContent()).resolves.toContain('演练场');
    await expect(page.locator('body').textContent()).resolves.not.toMatch(/试验场|答案映射|标签词表/);
  });
});

describe('screenshots for review', () => {
  test('1440×900, 1024×768 presenting, 420×860, Chinese and dark', async () => {
    const page = await openApp();
    await loadTestModel(page);
    await waitForFreshResults(page);
    await screenshot(page, 'visual-1440x900');
    await resize(page, 420, 860);
    await screenshot(page, 'visual-420x860');
    await resize(page, 1024, 768);
    await page.getByTestId('toggle-presentation').click();
    await page.getByTestId('presentation').waitFor();
    await screenshot(page, 'visual-1024x768-presenting');
    await page.getByTestId('toggle-presentation').click();
    await resize(page, 1440, 900);
    await page.locator('#locale-select').selectOption('zh');
    await waitForFreshResults(page);
    await screenshot(page, 'visual-zh');
    await page.locator('#theme-select').selectOption('dark');
    await page.locator('html[data-theme="dark"]').waitFor();
    await screenshot(page, 'visual-dark-zh');
    await page.locator('#locale-select').selectOption('en');
    await screenshot(page, 'visual-dark');
  });
});
