// Issue 13 in real Chromium on the built app, with the browser's own localStorage (filled for real
// where a full disk is the point): the workspace kept before a preset is really stored, also next
// to another tab's, or nothing is replaced; a workspace the editor accepted loads after a reload, and
// a backup of one that could not be read is offered; an exported setup file imports.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { browserSessions, setText } from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');

const open = browserSessions(chromiumPath);

const templateOf = (page: Page) => page.getByLabel('Template', { exact: true }).inputValue();

/** Opens a preset from the Presets view (the model stays as it is, nothing is downloaded). */
async function openPreset(page: Page, id = 'lmbff-sst2'): Promise<void> {
  await page.getByRole('button', { name: 'Presets', exact: true }).click();
  await page.getByTestId('preset-keep-model').check();
  await page.locator(`[data-preset="${id}"]`).getByTestId('preset-open').click();
}

/** The Saved setups panel of the share dialog, open. */
async function savedSetupsPanel(page: Page) {
  await page.getByTestId('open-share').click();
  await page.getByRole('tab', { name: 'Saved setups' }).click();
  const panel = page.locator('.saved-setups');
  await panel.waitFor();
  return panel;
}

/** The workspace as stored now. */
const storedWorkspace = (page: Page) => page.evaluate(() => localStorage.getItem('clozelab.workspace'));

describe('issue 13: what is saved reads back', () => {
  test('13.1 the workspace kept before a preset is stored cut to the limits and restorable after a reload', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await setText(page, 'Template', 'Mine: [X] was [Z].');
    await setText(page, 'Input 1 text', 'long '.repeat(4_000)); // 20,000 characters: more than a saved input holds
    await page.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('Mine: [X]'));
    await openPreset(page);
    await expect(templateOf(page)).resolves.not.toBe('Mine: [X] was [Z].');

    await page.reload();
    const panel = await savedSetupsPanel(page);
    await expect(panel.textContent()).resolves.not.toContain('No saved setups yet');
    await expect(panel.locator('li').count()).resolves.toBe(1);
    await panel.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect(templateOf(page)).resolves.toBe('Mine: [X] was [Z].');
    await expect(page.getByLabel('Input 1 text', { exact: true }).inputValue()).resolves.toBe(
      'long '.repeat(4_000).slice(0, 10_000),
    );
    await page.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('Mine: [X]'));
  });

  test('13.1 with the storage full, opening a preset replaces nothing and says why; nothing claims the workspace was kept', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await setText(page, 'Template', 'Mine: [X] was [Z].');
    await page.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('Mine: [X]'));

    // Fill this origin's localStorage to the last character, for real.
    await page.evaluate(() => {
      let chunk = 'x'.repeat(1 << 20);
      for (let i = 0; chunk.length > 0; i++) {
        try {
          localStorage.setItem(`filler-${i}`, chunk);
        } catch {
          chunk = chunk.slice(0, chunk.length >> 1);
        }
      }
    });
    const savedBefore = await page.evaluate(() => localStorage.getItem('clozelab.savedSetups'));
    const keptNotices = page.getByText(/previous workspace is kept/);
    const keptBefore = await keptNotices.count();
    await openPreset(page);
    await page.getByRole('button', { name: 'Playground', exact: true }).click();
    await expect(templateOf(page)).resolves.toBe('Mine: [X] was [Z].');
    const notice = page.getByTestId('notice').filter({ hasText: 'could not be kept' });
    await expect(notice.textContent()).resolves.toMatch(/storage is full.*Nothing was changed/);
    expect(await page.evaluate(() => localStorage.getItem('clozelab.savedSetups'))).toBe(savedBefore);
    await expect(keptNotices.count()).resolves.toBe(keptBefore);
  });

  test("13.1 two tabs: each tab's kept workspace stays in the list, and the other tab's list follows without a reload", async () => {
    const { page: a, context } = await open();
    const b = await context.newPage();
    await a.goto(baseURL);
    await b.goto(baseURL);
    await setText(a, 'Template', 'Tab A: [X] [Z].');
    await setText(b, 'Template', 'Tab B: [X] [Z].');

    await openPreset(a);
    await a.waitForFunction(() => localStorage.getItem('clozelab.savedSetups')?.includes('Tab A'));
    // Browsers pass one tab's storage writes to the others asynchronously: once tab B sees A's entry, it
    // saves its own (before the fix B wrote the list it had in memory, without A's entry).
    await b.waitForFunction(() => localStorage.getItem('clozelab.savedSetups')?.includes('Tab A'));
    await openPreset(b);
    await b.waitForFunction(() => localStorage.getItem('clozelab.savedSetups')?.includes('Tab B'));

    const stored = await b.evaluate(
      () =>
        (
          JSON.parse(localStorage.getItem('clozelab.savedSetups') ?? '{}') as {
            entries: { setup: { templates: { text: string }[] } }[];
          }
        ).entries,
    );
    expect(stored.map((e) => e.setup.templates[0]!.text)).toEqual(['Tab B: [X] [Z].', 'Tab A: [X] [Z].']);
    // Tab A shows B's entry too, without a reload ('storage' event).
    await savedSetupsPanel(a);
    await a.waitForFunction(() => document.querySelectorAll('.saved-setups li').length === 2);
  });

  test('13.2 a workspace the editor accepted loads after a reload; [X100] is an error where it is typed', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    // Twenty numbered inputs, next to the [X] the first example already has: 21 keys in one row.
    const template = `${Array.from({ length: 20 }, (_, i) => `[X${i + 1}]`).join(' ')} [Z]`;
    await setText(page, 'Template', template);
    for (let n = 1; n <= 20; n++) await setText(page, `Input 1, slot X${n}`, `part ${n}`);
    await page.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('part 20'));
    await page.reload();
    await expect(templateOf(page)).resolves.toBe(template);
    await expect(page.getByLabel('Input 1, slot X20', { exact: true }).inputValue()).resolves.toBe('part 20');
    await expect(page.getByTestId('workspace-backup').count()).resolves.toBe(0);

    await setText(page, 'Template', 'Premise: [X1] [X100] [Z]');
    await expect(page.getByTestId('template-errors').textContent()).resolves.toContain(
      '[X100] at character 15 is beyond the last input slot: numbered inputs go from [X1] to [X99].',
    );
    await page.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('[X100]'));
    await page.reload();
    await expect(templateOf(page)).resolves.toBe('Premise: [X1] [X100] [Z]');
  });

  test('13.2 a saved workspace that could not be read is offered: download, restore (saying what was left out), discard', async () => {
    const { page } = await open();
    // Written from a file of the same origin, so no running app can save over it before it is read.
    await page.goto(`${baseURL}/favicon.svg`);
    // What an older ClozeLab saved for the template "[X1] [X100] [Z]": an input under "X100".
    const old = JSON.stringify({
      version: 1,
      workspace: {
        setup: {
          version: 1,
          name: 'Old work',
          model: { id: 'Xenova/bert-base-uncased', source: 'hub', dtype: 'auto', device: 'auto' },
          templates: [{ id: 't1', name: 'A', text: 'Premise: [X1] [X100] [Z]' }],
          activeTemplateId: 't1',
          verbalizer: {
            labels: [
              { label: 'pos', words: ['good'] },
              { label: 'neg', words: ['bad'] },
            ],
          },
          inputs: [{ X1: 'first', X100: 'hundredth' }],
        },
        verbalizerText: '# mine\npos: good\nneg: bad',
      },
    });
    await page.evaluate((text) => localStorage.setItem('clozelab.workspace', text), old);
    await page.goto(baseURL);
    const banner = page.getByTestId('workspace-backup');
    await expect(banner.textContent()).resolves.toMatch(/could not be read.*"X100" is not a slot name/);
    await expect(templateOf(page)).resolves.toBe('[X] Overall, it was a [Z] movie.');

    const [file] = await Promise.all([page.waitForEvent('download'), banner.getByTestId('backup-download').click()]);
    expect(readFileSync(await file.path(), 'utf8')).toBe(old);

    await banner.getByTestId('backup-restore').click();
    await expect(templateOf(page)).resolves.toBe('Premise: [X1] [X100] [Z]');
    await expect(page.getByLabel('Verbalizer', { exact: true }).inputValue()).resolves.toBe(
      '# mine\npos: good\nneg: bad',
    );
    await expect(banner.getByTestId('workspace-backup-result').textContent()).resolves.toContain(
      'input 1, field “X100”',
    );
    await page.reload();
    await expect(templateOf(page)).resolves.toBe('Premise: [X1] [X100] [Z]');
    await page.getByTestId('workspace-backup').getByTestId('backup-discard').click();
    await expect(page.getByTestId('workspace-backup').count()).resolves.toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('clozelab.workspace.unreadable'))).toBeNull();
    expect(await storedWorkspace(page)).toContain('Old work');
  });

  test('13.3 a workspace exported as JSON imports again (text longer than a setup holds is cut on export, and the page says so)', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await setText(page, 'Input 1 text', 'word '.repeat(3_000));
    await page.getByTestId('open-share').click();
    await page.getByRole('tab', { name: 'JSON file' }).click();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const text = readFileSync(await file.path(), 'utf8');
    await page
      .getByTestId('import-json')
      .setInputFiles({ name: 'exported.clozelab.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.getByTestId('import-open').waitFor();
    await expect(page.getByTestId('import-errors').count()).resolves.toBe(0);
    await expect(page.getByTestId('export-trimmed').textContent()).resolves.toContain('input 1, [X]');
  });
});
