// The demonstration template of a setup's template entry (few-shot, LM-BFF): schema, limits,
// persistence through links/saves/exports, and its validation with positions.
import { describe, expect, it } from 'vitest';
import { defaultSetup, SETUP_LIMITS, SETUP_VERSION, type PromptSetup } from '../../src/core/setup.ts';
import { exportSetupJson, parseSetup, parseSetupJson } from '../../src/core/setup-parse.ts';
import { fitSetupToLimits } from '../../src/core/setup-fit.ts';
import { decodeShareFragment, encodeShareFragment } from '../../src/core/share-link.ts';
import { demoTemplateText, formatDemoTemplateIssue, parseDemoTemplate } from '../../src/core/demo-template.ts';
import { parseTemplate, type Template } from '../../src/core/template.ts';
import { formatSetupError } from '../../src/core/messages/index.ts';
import { loadWorkspace, saveWorkspace } from '../../src/store/persistence.ts';
import { MemoryStorage } from '../memory-storage.ts';

const withDemo = (demo: string): PromptSetup => {
  const s = defaultSetup();
  s.templates[0] = { ...s.templates[0]!, demo };
  return s;
};
const query = (text: string): Template => {
  const p = parseTemplate(text);
  if (!p.ok) throw new Error('bad query template');
  return p.template;
};

describe('demonstration template in the setup', () => {
  it('is optional: a setup without it (an older link or save) reads as before, with no demo key', () => {
    // A version-1 setup (from before demonstration templates and setup version 2) migrates.
    const { compareModel: _c, verbalizerVariants: _v, grid: _g, ...v1 } = { ...defaultSetup(), version: 1 };
    const r = parseSetup(v1);
    expect(r.ok && r.setup.templates[0]).toEqual(defaultSetup().templates[0]);
    expect(r.ok && 'demo' in r.setup.templates[0]!).toBe(false);
    expect(r.ok && r.setup.version).toBe(SETUP_VERSION);
  });

  it('is carried by parse, JSON export/import, share links and saved workspaces', () => {
    const s = withDemo('[X] All in all, [Z].');
    const parsed = parseSetup(s);
    expect(parsed.ok && parsed.setup).toEqual(s);
    const json = exportSetupJson(s);
    expect(json.trimmed).toEqual([]);
    const back = parseSetupJson(json.text);
    expect(back.ok && back.setup.templates[0]!.demo).toBe('[X] All in all, [Z].');
    const link = encodeShareFragment(s);
    expect(link.ok).toBe(true);
    if (!link.ok) return;
    const decoded = decodeShareFragment(`#${link.fragment}`);
    expect(decoded.ok && decoded.setup).toEqual(s);
    const storage = new MemoryStorage();
    expect(saveWorkspace(storage, { setup: s, verbalizerText: 'positive: great\nnegative: terrible' })).toEqual({
      ok: true,
    });
    const loaded = loadWorkspace(storage);
    expect(loaded.kind === 'restored' && loaded.workspace.setup.templates[0]!.demo).toBe('[X] All in all, [Z].');
  });

  it('has the template text limit, with an error that names the demonstration template', () => {
    const s = withDemo('x'.repeat(SETUP_LIMITS.templateTextChars + 1));
    const r = parseSetup(s);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.path, formatSetupError(e, 'en')])).toEqual([
      [
        'templates[0].demo',
        `Template 1, demonstration template: A demonstration template can be at most ${SETUP_LIMITS.templateTextChars} characters.`,
      ],
    ]);
    expect(formatSetupError(r.errors[0]!, 'zh')).toBe(
      `模板 1 的示范模板：示范模板最多 ${SETUP_LIMITS.templateTextChars} 个字符。`,
    );
    // A saved copy is cut to the limit, and the cut is listed.
    const fit = fitSetupToLimits(s);
    expect(fit.trimmed).toEqual(['templates[0].demo']);
    expect(fit.setup.templates[0]!.demo).toHaveLength(SETUP_LIMITS.templateTextChars);
  });

  it('rejects a demo that is not text', () => {
    const s = { ...defaultSetup(), templates: [{ id: 't1', name: '', text: '[X] [Z].', demo: 3 }] };
    const r = parseSetup(s);
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['templates[0].demo']);
  });

  it('absent → demonstrations use the template itself', () => {
    expect(demoTemplateText({ text: '[X] It was [Z].' })).toBe('[X] It was [Z].');
    expect(demoTemplateText({ text: '[X] It was [Z].', demo: '[X] [Z]!' })).toBe('[X] [Z]!');
  });
});

describe('parseDemoTemplate', () => {
  it('parses like a template: same nodes for a valid one', () => {
    const r = parseDemoTemplate('[X|lower] It was [Z].', query('[X] It was [Z].'));
    expect(r.ok && r.template.nodes.map((n) => n.kind)).toEqual(['input', 'text', 'mask', 'text']);
    expect(r.warnings).toEqual([]);
  });

  it('reports syntax errors with positions, in words that name the demonstration template', () => {
    const r = parseDemoTemplate('[X] It was [Z.', query('[X] It was [Z].'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.code, e.span])).toEqual([
      ['missing-mask', { start: 0, end: 14 }],
      ['unclosed-bracket', { start: 11, end: 12 }],
    ]);
    expect(formatDemoTemplateIssue(r.errors[1]!, 'en', 1)).toBe(
      'Template 2, demonstration template: The "[" at character 12 is never closed. Close the slot with "]" (e.g. [X]), or type \\[ for a literal bracket.',
    );
    expect(formatDemoTemplateIssue(r.errors[0]!, 'en')).toMatch(
      /^Demonstration template: The template has no answer slot/,
    );
    expect(formatDemoTemplateIssue(r.errors[0]!, 'zh')).toMatch(/^示范模板：/);
  });

  it('an input the query lacks is an error at its place; no "no input" warning for a demo without inputs', () => {
    const r = parseDemoTemplate('[X1] ? [Z], [X3]', query('[X1] ? [Z], [X2]'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'demo-slot-unknown', span: { start: 12, end: 16 } });
    expect(formatDemoTemplateIssue(r.errors[0]!, 'en')).toBe(
      "Demonstration template: [X3] at character 13 is not an input of the query's template ([X1], [X2]): a demonstration can only use the inputs its example has.",
    );
    const none = parseDemoTemplate('It was [Z].', query('[X] It was [Z].'));
    expect(none.ok).toBe(true);
    expect(none.warnings).toEqual([]);
    const some = parseDemoTemplate('[X2] felt [Z].', query('[X1] [X2] [Z]'));
    expect(some.ok && some.warnings).toEqual([]);
    // While the query has errors, only the demo's own syntax is checked.
    expect(parseDemoTemplate('[X7] [Z]', null).ok).toBe(true);
  });
});
