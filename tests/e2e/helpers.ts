import type { Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';

/** Picks a generated test model in the model panel and waits until it is ready. */
export async function loadTestModel(page: Page, id = 'clozelab-test/bert-tiny'): Promise<void> {
  await page.getByLabel('Masked language model').selectOption(`local:${id}`);
  // Ready, and no other model asked for: while one loads, the model in use also says Ready.
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="model-status"] .badge.ok') !== null &&
      document.querySelector('[data-testid="model-request"], [data-testid="model-in-use"]') === null,
    undefined,
    { timeout: 60_000 },
  );
}

/** Waits until every result card is fresh (not dimmed) and the model is idle. */
export async function waitForFreshResults(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const cards = document.querySelectorAll('[data-testid="result-card"]');
      return (
        cards.length > 0 &&
        !document.querySelector('[data-testid="pending"]') &&
        [...cards].every((card) => !card.hasAttribute('data-stale'))
      );
    },
    undefined,
    { timeout: 60_000 },
  );
}

/** Label → probability as the page shows them, for the result card at `index`. */
export async function readDistribution(page: Page, index = 0): Promise<Record<string, number>> {
  const rows = await page
    .getByTestId('result-card')
    .nth(index)
    .locator('[data-testid="label-probs"] tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-label') ?? '', Number(tr.getAttribute('data-prob'))] as const),
    );
  return Object.fromEntries(rows);
}

export function expectDistribution(dist: Record<string, number>, labels: string[]): void {
  expect(Object.keys(dist)).toEqual(labels);
  const total = Object.values(dist).reduce((a, b) => a + b, 0);
  expect(total).toBeCloseTo(1, 6);
  for (const p of Object.values(dist)) {
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
  }
}

/**
 * Replaces the whole text of a textarea the way a user would (select all, type). Every
 * intermediate text is a real edit: when the test's outcome may depend on one of them (e.g. a
 * valid prefix being scored), use setText instead.
 */
export async function typeInto(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Delete');
  await field.pressSequentially(text, { delay: 5 });
}

/** Replaces the whole text of a textarea in one edit (one input event): no intermediate text exists. */
export async function setText(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(text);
  await expect(field.inputValue()).resolves.toBe(text);
}

/**
 * Browsers for the tests of one file: the returned `open()` starts one; after each test every one
 * started is closed, and must have logged no page errors.
 */
export function browserSessions(
  executablePath: string,
): (options?: Parameters<typeof openBrowser>[1]) => Promise<BrowserSession> {
  const sessions: BrowserSession[] = [];
  afterEach(async () => {
    for (const s of sessions.splice(0)) {
      await s.close();
      expect(s.pageErrors).toEqual([]);
    }
  });
  return async (options) => {
    const session = await openBrowser(executablePath, options);
    sessions.push(session);
    return session;
  };
}
