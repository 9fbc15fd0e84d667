// The engine's issues in the UI's languages, through the one message catalog: every issue the
// engine produces for a corpus of broken inputs gets a Chinese and an English text with all its
// params filled in.
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/core/template.ts';
import { resolveFromTokenizations } from '../../src/core/label-words.ts';
import { parseVerbalizer } from '../../src/core/verbalizer.ts';
import { defaultSetup } from '../../src/core/setup.ts';
import { parseSetup, parseSetupJson } from '../../src/core/setup-parse.ts';
import { decodeShareFragment } from '../../src/core/share-link.ts';
import { exportLmBff } from '../../src/core/formats/lmbff.ts';
import { lmBffToTemplate } from '../../src/core/formats/lmbff-template.ts';
import { verbalizerToLmBffMapping } from '../../src/core/formats/lmbff-mapping.ts';
import { exportOpenPrompt } from '../../src/core/formats/openprompt.ts';
import { openPromptToTemplate } from '../../src/core/formats/openprompt-template.ts';
import { openPromptToVerbalizer } from '../../src/core/formats/openprompt-verbalizer.ts';
import type { Issue } from '../../src/core/issues.ts';
import { issueText } from '../../src/ui/i18n/issues.ts';
import { fieldInWords } from '../../src/core/messages/index.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { zh } from '../../src/ui/i18n/zh.ts';
import { PRESETS } from '../../src/core/presets.ts';
import { issue } from '../../src/core/issues.ts';

const zhText = issueText('zh');
const enText = issueText('en');
const CJK = /[\u4e00-\u9fff]/;

/** The issue's Chinese text is Chinese and complete; its English text is English and complete. */
function expectBothLanguages(issue: Issue) {
  const chinese = zhText.text(issue);
  const english = enText.text(issue);
  for (const text of [chinese, english]) {
    expect(text, issue.code).not.toMatch(/\{[a-zA-Z]+\}/);
    expect(text, issue.code).not.toMatch(/undefined|\[object /);
  }
  expect(chinese, english).toMatch(CJK);
  expect(english, issue.code).not.toMatch(CJK);
}

const BAD_TEMPLATES = [
  '',
  'no slots at all',
  '[X] and [Z] and [Z]',
  '[X] [MASK]',
  '[x] [Z]',
  '[X01] [Z]',
  '[Y] [Z]',
  '[] [Z]',
  '[X [Z]',
  '[X] ] [Z]',
  '[X|upper] [Z]',
  '[X|] [Z]',
  '[X|LOWER] [Z]',
  '[X] [Z|lower]',
  '[X] [X1] [Z]',
  'line one\n[X] [Q] [Z]',
  '[Z] constant',
  '[X1] [X3] [Z]',
  '[X|lower|lower] [Z]',
  '[X] <mask> [Z]',
];

const BAD_VERBALIZERS = [
  '',
  'positive great',
  ': great',
  'a: x\na: y',
  'positive:',
  'a: x, x',
  'a: x\nb: x',
  'only: one',
  'a: x,, y\nb: z',
  'a: "x',
  'a: "x" y\nb: z',
  'a: x"y',
  'a: x: y',
  'a: "",x\nb: y',
  'x'.repeat(100_001),
];

describe('engine messages in Chinese', () => {
  it('template errors and warnings', () => {
    let count = 0;
    for (const text of BAD_TEMPLATES) {
      const r = parseTemplate(text);
      for (const issue of r.ok ? r.warnings : [...r.errors, ...r.warnings]) {
        count++;
        expectBothLanguages(issue);
      }
    }
    expect(count).toBeGreaterThan(18);
    const r = parseTemplate('line one\n[X] [Q] [Z]');
    expect(!r.ok && zhText.text(r.errors[0]!)).toContain('第 2 行第 5 个字符');
    const single = parseTemplate('Review: [X] In short, the film was [Y].');
    expect(!single.ok && zhText.text(single.errors.find((e) => e.code === 'unknown-slot')!)).toBe(
      '第 36 个字符的槽位 [Y] 无法识别。输入用 [X]（或 [X1]、[X2]……），答案用 [Z]。要写字面的方括号，请输入 \\[ 或 \\]。',
    );
  });

  it('verbalizer errors and warnings, with line and column', () => {
    let count = 0;
    for (const text of BAD_VERBALIZERS) {
      const r = parseVerbalizer(text);
      for (const issue of r.ok ? r.warnings : [...r.errors, ...r.warnings]) {
        count++;
        expectBothLanguages(issue);
      }
    }
    expect(count).toBeGreaterThan(14);
    const r = parseVerbalizer('a: x\nb: y, y');
    expect(!r.ok && zhText.text(r.errors[0]!)).toBe('第 2 行第 7 列：“y”在“b”下出现了两次。请删掉一个。');
    expect(!r.ok && enText.text(r.errors[0]!)).toBe('Line 2, column 7: "y" is listed twice for "b". Remove one.');
  });

  it('tokenizer resolution issues and scoring warnings', () => {
    const v = {
      labels: [
        { label: 'pos', words: ['great', 'Great', 'fantastic', 'zzz'] },
        { label: 'neg', words: ['bad'] },
      ],
    };
    const form = (ids: number[], pieces: string[], hasUnknown = false) => ({ text: '', ids, pieces, hasUnknown });
    const resolution = resolveFromTokenizations(v, [
      form([5], ['great']),
      form([5], ['great']),
      form([7, 8, 9], ['fan', '##tas', '##tic']),
      form([1], ['[UNK]'], true),
      form([6], ['bad']),
    ]);
    expect(resolution.issues.map((i) => i.code).sort()).toEqual(['multi-token', 'same-tokens', 'unknown-token']);
    for (const issue of resolution.issues) expectBothLanguages(issue);
    for (const w of [
      issue('no-usable-words', 'warning', { label: 'pos' }),
      issue('uniform-fallback', 'warning', {}),
      issue('approximated', 'warning', {}),
      issue('truncated', 'warning', { n: 3 }),
      issue('invalid-score', 'warning', { n: 2 }),
      issue('no-mask-content-free', 'warning', {}),
    ]) {
      expectBothLanguages(w);
    }
  });

  it('setup schema errors name their field in words, not by its path', () => {
    const bad = {
      ...defaultSetup(),
      model: { id: 'https://x.y/z' },
      templates: [],
      activeTemplateId: 'nope',
    } as unknown;
    const r = parseSetup(bad);
    if (r.ok) throw new Error('expected errors');
    for (const e of r.errors) {
      expect(zhText.setup(e).startsWith(`${fieldInWords(e.path, 'zh')}：`)).toBe(true);
      expect(
        enText
          .setup(e)
          .toLowerCase()
          .startsWith(`${fieldInWords(e.path, 'en').toLowerCase()}: `),
      ).toBe(true);
      for (const text of [zhText.setup(e), enText.setup(e)]) expect(text).not.toMatch(/\w\[\d+\]|\(root\)/);
      expectBothLanguages(e);
    }
    const more = [
      parseSetup(null),
      parseSetup({ ...defaultSetup(), version: 9 }),
      parseSetup({
        ...defaultSetup(),
        verbalizer: {
          labels: [
            { label: ' ', words: ['a\nb'] },
            { label: 'x', words: [] },
          ],
        },
      }),
      parseSetup({ ...defaultSetup(), inputs: [{ Y: 'a' }] }),
      parseSetup({ ...defaultSetup(), name: 'n'.repeat(500), scoring: { aggregation: 'median' } }),
      parseSetupJson('{oops'),
    ];
    for (const result of more) {
      if (result.ok) throw new Error('expected errors');
      for (const e of result.errors) expectBothLanguages(e);
    }
  });

  it('share-link errors', () => {
    for (const hash of [
      '#s=',
      '#s=9.abc',
      '#s=0.abc',
      '#s=x',
      '#s=2.zz.abc',
      '#s=2.00000000.abc<',
      `#s=2.00000000.${'A'.repeat(20_000)}`,
      '#s=1.abc',
      '#s=2.00000000.N4Ig',
    ]) {
      const r = decodeShareFragment(hash);
      if (r.ok) throw new Error(hash);
      expectBothLanguages(r.error);
    }
  });

  it('format converter warnings and errors', () => {
    const warnings = [
      ...lmBffToTemplate('*cls**sent_0**sep+**sentu_0**label_0**sent-0**mask*').warnings,
      ...lmBffToTemplate('*cls**mask**+sent-_0*').warnings,
      ...verbalizerToLmBffMapping({ labels: [{ label: 'very good', words: ['great job', 'good'] }] }).warnings,
      ...exportLmBff({
        ...defaultSetup(),
        scoring: { ...defaultSetup().scoring, calibrate: true },
        templates: [{ id: 't1', name: '', text: '[X] a_b*c[Z]' }],
      }).warnings,
      ...exportOpenPrompt({
        ...defaultSetup(),
        scoring: { ...defaultSetup().scoring, calibrate: true },
        templates: [{ id: 't1', name: '', text: '[Z]  {[X1]\n[X2] [X3]' }],
      }).warnings,
      ...openPromptToTemplate(
        '{"soft"} {"soft": "It"} {"special": "<eos>"} {"meta": "word"} {"placeholder": "text_a", "post_processing": lambda x: x.upper(), "shortenable": False, "extra": 1} {"mask"}',
      ).warnings,
    ];
    const errors = [
      ...(() => {
        const r = openPromptToTemplate('{"mask"');
        return r.ok ? [] : r.errors;
      })(),
      ...(() => {
        const r = openPromptToVerbalizer('[["a"]]');
        return r.ok ? [] : r.errors;
      })(),
      ...(() => {
        const r = lmBffToTemplate('*cls*no mask');
        return r.ok ? [] : r.errors;
      })(),
    ];
    expect(new Set(warnings.map((w) => w.code)).size).toBeGreaterThan(18);
    for (const w of [...warnings, ...errors]) expectBothLanguages(w);
  });

  it('runtime failures: a Chinese summary, the English detail kept', () => {
    expect(zhText.runtime({ code: 'hub-unreachable', message: 'The Hugging Face Hub could not be reached.' })).toEqual({
      summary: '无法连接 Hugging Face Hub。',
      detail: 'The Hugging Face Hub could not be reached.',
    });
    expect(enText.runtime({ code: 'hub-unreachable', message: 'x' })).toEqual({ summary: 'x', detail: null });
    expect(zhText.runtime({ code: 'superseded', message: 'x' })).toEqual({
      summary: '这个请求被更新的请求取代了。',
      detail: 'x',
    });
    // A failure that is not the runtime's (e.g. no model chosen): its own text, untranslated.
    expect(zhText.runtime({ code: 'no-model', message: 'x' })).toEqual({ summary: 'x', detail: null });
  });
});

describe('UI catalogs', () => {
  it('every preset has a description in both languages; no catalog string is empty', () => {
    for (const p of PRESETS) {
      expect(en[`preset.${p.id}` as keyof typeof en], p.id).toBeTruthy();
      expect(zh[`preset.${p.id}` as keyof typeof en], p.id).toMatch(CJK);
    }
    for (const [key, value] of Object.entries(zh)) expect(value.trim(), key).not.toBe('');
    // Placeholders match between the languages.
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const names = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(names(zh[key]), key).toEqual(names(en[key]));
    }
  });
});
