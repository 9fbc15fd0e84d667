// What a class and a student read (issue 14, items 5–7): presentation mode on a 1024×768
// projector with a clicker, "+ Add an input" and empty inputs, and a huge input of which the model
// reads only the first 512 tokens. Every wait is for a state of the page, never for a clock.
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { openBrowser, screenshot, type BrowserSession } from './browser';
import { loadTestModel, setText, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');

let session: BrowserSession;

beforeEach(async () => {
  session = await openBrowser(chromiumPath);
  await session.context.route(/huggingface\.co|hf\.co/, (route) => route.abort('internetdisconnected'));
});

afterEach(async () => {
  await session.close();
  expect(session.pageErrors).toEqual([]);
});

/** Bottom edge (px from the top of the page) of the element, with the page scrolled to the top. */
async function bottomOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    window.scrollTo(0, 0);
    const el = document.querySelector(sel);
    if (!el) throw new Error(`${sel} is not on the page`);
    return el.getBoundingClientRect().bottom;
  }, selector);
}

/** The header tagline: shown whole, or out of sight; never cut (an ellipsis, or a word cut off). */
async function taglineState(page: Page): Promise<'whole' | 'hidden' | 'cut'> {
  return page.evaluate(() => {
    const brand = document.querySelector('.brand')!.getBoundingClientRect();
    const p = document.querySelector('.brand p')!;
    const box = p.getBoundingClientRect();
    if (getComputedStyle(p).display === 'none' || box.top >= brand.bottom - 0.5) return 'hidden';
    const whole = box.bottom <= brand.bottom + 0.5 && box.right <= brand.right + 0.5 && p.scrollWidth <= p.clientWidth;
    return whole && getComputedStyle(p).textOverflow !== 'ellipsis' ? 'whole' : 'cut';
  });
}

const countText = (page: Page) => page.getByTestId('present-count').textContent();

describe('what the class reads', () => {
  test('presentation mode fits a 1024×768 projector, a clicker moves between inputs, the input text is dark', async () => {
    const { page } = session;
    await page.goto(baseURL);
    await loadTestModel(page);
    await waitForFreshResults(page);
    expect(await taglineState(page)).toBe('whole');
    await page.getByTestId('toggle-presentation').click();
    await page.getByTestId('presentation').waitFor();

    for (const [width, height] of [
      [1024, 768],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await waitForFreshResults(page);
      // The input, the filled prompt and the bars, all above the fold.
      expect(await bottomOf(page, '.presentation-inputs textarea')).toBeLessThanOrEqual(height);
      expect(await bottomOf(page, '.presentation-prompt')).toBeLessThanOrEqual(height);
      expect(await bottomOf(page, '.presentation-chart .chart-area')).toBeLessThanOrEqual(height);
      expect(await taglineState(page)).not.toBe('cut');
    }
    await page.setViewportSize({ width: 1024, height: 768 });
    await screenshot(page, 'reading-presentation-1024x768');

    // Full-contrast input text, not the label's grey.
    const colours = await page.evaluate(() => ({
      input: getComputedStyle(document.querySelector('.presentation-inputs textarea')!).color,
      text: getComputedStyle(document.body).color,
    }));
    expect(colours.input).toBe(colours.text);

    // A clicker: Page Down / Page Up; the arrows too while no text field has the focus.
    await expect(countText(page)).resolves.toBe('Input 1 of 3');
    await page.keyboard.press('PageDown');
    await expect(countText(page)).resolves.toBe('Input 2 of 3');
    await page.keyboard.press('ArrowRight');
    await expect(countText(page)).resolves.toBe('Input 3 of 3');
    await page.keyboard.press('PageDown'); // the last one stays
    await expect(countText(page)).resolves.toBe('Input 3 of 3');
    await page.keyboard.press('ArrowLeft');
    await expect(countText(page)).resolves.toBe('Input 2 of 3');
    await page.keyboard.press('ArrowUp');
    await expect(countText(page)).resolves.toBe('Input 1 of 3');
    await page.keyboard.press('ArrowDown');
    await expect(countText(page)).resolves.toBe('Input 2 of 3');
    await page.keyboard.press('PageUp');
    await expect(countText(page)).resolves.toBe('Input 1 of 3');
    await expect(page.locator('.presentation-inputs textarea').inputValue()).resolves.toBe(
      'A gripping story with wonderful performances from the whole cast.',
    );
    // In the input, the arrows move the caret; Page Down still moves on.
    await page.locator('.presentation-inputs textarea').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect(countText(page)).resolves.toBe('Input 1 of 3');
    await page.keyboard.press('PageDown');
    await expect(countText(page)).resolves.toBe('Input 2 of 3');
    await expect(page.locator('.presentation-inputs textarea').inputValue()).resolves.toBe(
      'The plot was dull and the jokes fell flat.',
    );

    // Chinese and dark, on the same projector.
    await page.locator('#locale-select').selectOption('zh');
    await page.locator('#theme-select').selectOption('dark');
    await expect(countText(page)).resolves.toBe('第 2 个输入，共 3 个');
    await waitForFreshResults(page);
    expect(await bottomOf(page, '.presentation-chart .chart-area')).toBeLessThanOrEqual(768);
    expect(await taglineState(page)).not.toBe('cut');
    await screenshot(page, 'reading-presentation-1024x768-zh-dark');
  });

  test('"+ Add an input" puts the caret in the new input; an empty input asks for a sentence and is not scored', async () => {
    const { page } = session;
    await page.goto(baseURL);
    await loadTestModel(page);
    await waitForFreshResults(page);
    const rows = page.getByTestId('input-row');
    await expect(rows.count()).resolves.toBe(3);

    await page.getByTestId('add-input').click();
    // Typed at once: every key goes to the new input, none presses the button again.
    await page.keyboard.type('A quiet film that stays with you.');
    await expect(rows.count()).resolves.toBe(4);
    await expect(page.getByLabel('Input 4 text', { exact: true }).inputValue()).resolves.toBe(
      'A quiet film that stays with you.',
    );
    // The other rows' results stay fresh meanwhile: wait for the new row's own result.
    await rows.nth(3).getByTestId('result-card').waitFor({ timeout: 60_000 });
    await waitForFreshResults(page);
    await expect(page.getByTestId('result-card').count()).resolves.toBe(4);

    // A new input is empty: a hint, no prediction; the model is not asked about it.
    await page.getByTestId('add-input').click();
    await expect(rows.count()).resolves.toBe(5);
    await expect(rows.nth(4).getByTestId('input-empty').textContent()).resolves.toBe(
      'Type a sentence here to see what the model predicts for it.',
    );
    // Add again while it is still empty: no second empty input, the caret goes back to it.
    await page.getByTestId('add-input').click();
    await expect(rows.count()).resolves.toBe(5);
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Input 5 text');
    await page.keyboard.type('   ');
    await page.getByLabel('Input 1 text', { exact: true }).press('Control+Enter');
    await waitForFreshResults(page);
    await expect(rows.nth(4).getByTestId('result-card').count()).resolves.toBe(0);
    await expect(rows.nth(4).getByTestId('input-empty').count()).resolves.toBe(1);
    // Clearing an input takes its prediction away too.
    await setText(page, 'Input 2 text', '');
    await rows.nth(1).getByTestId('input-empty').waitFor();
    await waitForFreshResults(page);
    await expect(rows.nth(1).getByTestId('result-card').count()).resolves.toBe(0);
    await expect(page.getByTestId('result-card').count()).resolves.toBe(3);
    await screenshot(page, 'reading-empty-inputs-1440');

    await page.setViewportSize({ width: 420, height: 860 });
    await expect(rows.nth(1).getByTestId('input-empty').isVisible()).resolves.toBe(true);
    await screenshot(page, 'reading-empty-inputs-420');
  });

  test('a 55,000-character input shows what the model read, folds the rest, and names no internal path', async () => {
    const { page } = session;
    await page.goto(baseURL);
    await loadTestModel(page);
    await waitForFreshResults(page);
    const sentence = 'The film opens slowly and then it never lets go of you. ';
    const huge = sentence
      .repeat(Math.ceil(55_000 / sentence.length))
      .slice(0, 55_000)
      .trim();
    await setText(page, 'Input 1 text', huge);
    await waitForFreshResults(page);

    const card = page.getByTestId('result-card').first();
    const prompt = card.getByTestId('rendered-prompt');
    const read = (await prompt.locator('.tok-input').first().textContent()) ?? '';
    expect(read.length).toBeGreaterThan(500);
    expect(read.length).toBeLessThan(5_000);
    expect(huge.startsWith(read)).toBe(true);
    const fold = prompt.getByTestId('unread-fold');
    const notice = card.locator('.message.warning', { hasText: 'token(s) were cut' });
    const cut = /(\d+) token\(s\) were cut/.exec((await notice.textContent()) ?? '')?.[1];
    expect(Number(cut)).toBeGreaterThan(10_000);
    await expect(fold.textContent()).resolves.toBe(
      `… ${Number(cut).toLocaleString('en-US')} more token(s) not read by the model (show)`,
    );
    // The page stays short, and the notice sits just below the prompt.
    const height = () => page.evaluate(() => document.documentElement.scrollHeight);
    expect(await height()).toBeLessThan(4_000);
    const [promptBox, noticeBox] = [await prompt.boundingBox(), await notice.boundingBox()];
    expect(noticeBox!.y - (promptBox!.y + promptBox!.height)).toBeLessThan(100);

    // The rest on request, in a box of its own: the page still does not grow with it.
    await fold.getByRole('button', { name: '(show)' }).click();
    const unread = prompt.getByTestId('unread-text');
    await expect(unread.textContent()).resolves.toBe(huge.slice(read.length));
    expect(await height()).toBeLessThan(4_500);
    await fold.getByRole('button', { name: '(hide)' }).click();
    await expect(unread.count()).resolves.toBe(0);

    // Saved cut to the limits: the notice names the field in words, not as "inputs[0].X".
    const saved = page.getByTestId('notice').filter({ hasText: 'longer than a saved setup may hold' });
    await expect(saved.textContent()).resolves.toContain('(input 1, [X])');
    const everything = (await page.locator('body').textContent()) ?? '';
    expect(everything).not.toMatch(/inputs\[\d+\]/);
    await screenshot(page, 'reading-huge-input-1440');

    await page.locator('#locale-select').selectOption('zh');
    await expect(saved.count()).resolves.toBe(0);
    const savedZh = page.getByTestId('notice').filter({ hasText: '超出了已保存设置允许的长度' });
    await expect(savedZh.textContent()).resolves.toContain('输入 1 的 [X]');
    await expect(fold.textContent()).resolves.toBe(
      `……还有 ${Number(cut).toLocaleString('zh-CN')} 个词元模型没有读到 (显示)`,
    );
    await page.getByTestId('toggle-presentation').click();
    await page.setViewportSize({ width: 1024, height: 768 });
    await waitForFreshResults(page);
    // The notice stays beside the prompt, on screen with the chart.
    expect(await bottomOf(page, '[data-testid="present-truncated"]')).toBeLessThanOrEqual(768);
    expect(await bottomOf(page, '.presentation-chart .chart-area')).toBeLessThanOrEqual(768);
    await screenshot(page, 'reading-huge-input-presentation-zh');
  });
});
