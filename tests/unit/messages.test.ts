// The issue registry and its message catalogs: every code has an English and a Chinese text, no
// text names a param its code does not give, and the texts that used to be written twice (in the
// engine and in the UI) now come out of one place.
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES, ISSUE_GROUPS, issue, type Issue, type IssueCode } from '../../src/core/issues.ts';
import {
  fieldInWords,
  fieldsInWords,
  formatIssue,
  formatSetupError,
  ISSUE_CATALOGS,
  type Locale,
} from '../../src/core/messages/index.ts';
import { parseTemplate } from '../../src/core/template.ts';
import { parseVerbalizer } from '../../src/core/verbalizer.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import { diagnose } from '../../src/core/diagnosis.ts';
import { computeMetrics } from '../../src/core/metrics.ts';
import { parseSetup } from '../../src/core/setup-parse.ts';

const CJK = /[\u4e00-\u9fff]/;
const LOCALES: Locale[] = ['en', 'zh'];
type Spec = Readonly<Record<string, 'text' | 'count' | 'rate' | readonly (string | number)[]>>;
const codes = Object.keys(ISSUE_CODES) as IssueCode[];

/** Every combination of sample values for a code's params: '' and a word for text, each listed value. */
function sampleParams(spec: Spec): Record<string, string | number>[] {
  let out: Record<string, string | number>[] = [{}];
  for (const [name, kind] of Object.entries(spec)) {
    const values: (string | number)[] =
      kind === 'text' ? ['', 'wörd'] : kind === 'count' ? [3] : kind === 'rate' ? [0.25] : [...kind];
    out = out.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return out;
}

/** Params that fail the test when a message reads one its code does not give. */
function strictParams(code: string, spec: Spec, values: Record<string, string | number>) {
  return new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string' && !Object.hasOwn(spec, key))
        throw new Error(`the message of "${code}" names the param "${key}", which "${code}" does not give`);
      return (target as Record<PropertyKey, unknown>)[key];
    },
  });
}

describe('issue registry', () => {
  it('every group is part of the registry, and a code in two groups means the same there', () => {
    const seen = new Map<string, Spec>();
    for (const group of Object.values(ISSUE_GROUPS)) {
      for (const [code, spec] of Object.entries(group as Record<string, Spec>)) {
        expect(ISSUE_CODES, code).toHaveProperty([code]);
        if (seen.has(code)) expect(spec, `${code} is in two groups`).toEqual(seen.get(code));
        seen.set(code, spec);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...codes].sort());
  });

  it('issue() builds the shape every producer returns', () => {
    expect(issue('truncated', 'warning', { n: 2 })).toEqual({
      code: 'truncated',
      severity: 'warning',
      params: { n: 2 },
    });
    expect(issue('stray-bracket', 'error', { line: 1, column: 2, multiline: 0 }, { start: 1, end: 2 })).toEqual({
      code: 'stray-bracket',
      severity: 'error',
      span: { start: 1, end: 2 },
      params: { line: 1, column: 2, multiline: 0 },
    });
  });
});

describe('message catalogs', () => {
  it('have exactly one English and one Chinese text per code', () => {
    for (const locale of LOCALES) {
      const catalog = ISSUE_CATALOGS[locale] as Record<string, unknown>;
      const missing = codes.filter((code) => !Object.hasOwn(catalog, code));
      expect(missing, `${locale}: codes without a text`).toEqual([]);
      const extra = Object.keys(catalog).filter((code) => !Object.hasOwn(ISSUE_CODES, code));
      expect(extra, `${locale}: texts for codes that do not exist`).toEqual([]);
    }
  });

  it('name only the params their code gives, and fill all the placeholders they have', () => {
    let rendered = 0;
    for (const code of codes) {
      const spec = ISSUE_CODES[code] as Spec;
      for (const locale of LOCALES) {
        const entry = ISSUE_CATALOGS[locale][code] as string | ((p: unknown) => string);
        if (typeof entry === 'string') {
          for (const [, name] of entry.matchAll(/\{(\w+)\}/g))
            expect(Object.keys(spec), `${locale} "${code}" names {${name}}`).toContain(name);
        }
        for (const values of sampleParams(spec)) {
          const params = strictParams(code, spec, values);
          const text = formatIssue({ code, severity: 'error', params } as unknown as Issue, locale);
          rendered++;
          expect(text.trim(), `${locale} "${code}"`).not.toBe('');
          // (A param read but not given would throw above, so an "undefined" here is the message's own word.)
          expect(text, `${locale} "${code}"`).not.toMatch(/\[object |\{\w+\}/);
          // A text that is only a passed-on detail (another library's words) has nothing to translate.
          if (locale === 'zh' && !Object.values(values).includes(text)) expect(text, code).toMatch(CJK);
          if (locale === 'en') expect(text, code).not.toMatch(CJK);
        }
      }
    }
    expect(rendered).toBeGreaterThan(2 * codes.length);
  });

  it('a text that names a param its code does not give is caught', () => {
    const spec = { label: 'text' } as const;
    const wrong = (p: Record<string, string | number>) => `"${p.label}" and "${p.other}"`;
    expect(() => wrong(strictParams('x', spec, { label: 'a' }))).toThrow(/names the param "other"/);
  });
});

describe('positions and places, in both languages', () => {
  it('template positions: a character in one line, line and character in several', () => {
    const one = parseTemplate('[X] ] [Z]');
    const two = parseTemplate('[X]\na ] [Z]');
    if (one.ok || two.ok) throw new Error('expected errors');
    expect(formatIssue(one.errors[0]!, 'en')).toContain('at character 5 ');
    expect(formatIssue(one.errors[0]!, 'zh')).toMatch(/^第 5 个字符有多余的/);
    expect(formatIssue(two.errors[0]!, 'en')).toContain('at line 2, character 3 ');
    expect(formatIssue(two.errors[0]!, 'zh')).toMatch(/^第 2 行第 3 个字符有多余的/);
  });

  it('verbalizer issues at a place name it; issues about the whole text do not', () => {
    const dup = parseVerbalizer('a: x\na: y');
    if (dup.ok) throw new Error('expected errors');
    expect(formatIssue(dup.errors[0]!, 'en')).toMatch(/^Line 2, column 1: The label "a" is defined twice\./);
    expect(formatIssue(dup.errors[0]!, 'zh')).toMatch(/^第 2 行第 1 列：/);
    const single = parseVerbalizer('only: x');
    expect(single.ok && formatIssue(single.warnings[0]!, 'en')).toMatch(/^Only one label \("only"\)/);
  });

  it('data rows: "line 3" or "lines 3–5", then the problem', () => {
    const d = parseDataset('text,label\ngood,pos\nbad\n"two\nlines",neg,x\n{"a":1}');
    if (!d.ok) throw new Error('expected a dataset');
    expect(d.dataset.problems.map((p) => formatIssue(p, 'en'))).toEqual([
      'line 3: 1 field, but the header has 2',
      'lines 4–5: 3 fields, but the header has 2',
      'line 6: 1 field, but the header has 2',
    ]);
    expect(formatIssue(d.dataset.problems[1]!, 'zh')).toBe('第 4–5 行：有 3 个字段，但表头有 2 个');
    const jsonl = parseDataset('{"text":"a","label":"x"}\nnot json', { format: 'jsonl' });
    if (!jsonl.ok) throw new Error('expected a dataset');
    expect(formatIssue(jsonl.dataset.problems[0]!, 'en')).toMatch(/^line 2: not valid JSON \(.+\)$/);
  });

  it('setup errors are shown after the field they are about, in words', () => {
    const r = parseSetup({ version: 3 });
    if (r.ok) throw new Error('expected errors');
    expect(formatSetupError(r.errors[0]!, 'en')).toBe(
      'Version: This setup was made by a newer ClozeLab (version 3); this one reads version 2. Please update.',
    );
    expect(formatSetupError(r.errors[0]!, 'zh')).toMatch(/^版本：这个设置来自更新的 ClozeLab/);
  });

  it('names fields in words, never by their path in the setup', () => {
    const cases: [string, string, string][] = [
      ['inputs[0].X', 'input 1, [X]', '输入 1 的 [X]'],
      ['inputs[2].X2', 'input 3, [X2]', '输入 3 的 [X2]'],
      ['inputs[0].foo', 'input 1, field “foo”', '输入 1 的 字段“foo”'],
      ['templates[1].text', 'template 2, text', '模板 2 的文本'],
      ['templates[0].name', 'template 1, name', '模板 1 的名称'],
      ['verbalizer.labels[1].words[0]', 'label 2, word 1', '标签 2 的第 1 个词'],
      ['scoring.aggregation', 'scoring option “aggregation”', '打分选项“aggregation”'],
      ['name', 'setup name', '设置名称'],
      ['(root)', 'the setup', '设置'],
      ['model.id', 'model id', '模型 id'],
      ['something[3].odd', 'the setup', '设置'],
    ];
    for (const [path, en, zh] of cases) {
      expect(fieldInWords(path, 'en')).toBe(en);
      expect(fieldInWords(path, 'zh')).toBe(zh);
    }
    expect(fieldsInWords(['name', 'inputs[0].X'], 'en')).toBe('setup name; input 1, [X]');
  });
});

describe('evaluation hints: one text for the workbench and the CLI', () => {
  const labels = ['pos', 'neg', 'neu'];
  const gold = ['pos', 'pos', 'pos', 'neg', 'neg', 'neg', 'neu', 'neu', 'neu'];
  const pred = ['pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'neu'];

  it('words a bias by whether calibration is on, with whole percentages', () => {
    const metrics = computeMetrics(gold, pred, labels);
    const [plain] = diagnose(metrics, { calibrated: false });
    const [calibrated] = diagnose(metrics, { calibrated: true });
    expect(formatIssue(plain!, 'en')).toBe(
      'The model predicts "pos" for 89% of the examples, though only 33% are "pos". This label bias is what calibration corrects: try it.',
    );
    expect(formatIssue(calibrated!, 'en')).toBe(
      'Even with calibration the model predicts "pos" for 89% of the examples (only 33% are "pos"). Try other label words or another template.',
    );
    expect(formatIssue(plain!, 'zh')).toContain('89% 的样例预测为“pos”');
  });

  it('names the label most often taken instead, when there is one', () => {
    const hints = diagnose(computeMetrics(gold, pred, labels), { calibrated: false });
    const recall = hints.find((h) => h.code === 'low-recall' && h.params.label === 'neg')!;
    expect(formatIssue(recall, 'en')).toContain('predicted as something else, mostly "pos".');
    const none = issue('low-recall', 'warning', { label: 'neg', value: 0.2, count: 5, other: '' });
    expect(formatIssue(none, 'en')).toContain('predicted as something else. Its label words');
    expect(formatIssue(none, 'zh')).not.toContain('主要是');
  });

  it('the confused-pair text that had drifted between the CLI and the UI is the CLI one', () => {
    const pair = issue('confused-pair', 'warning', { label: 'a', other: 'b', count: 4, share: 0.4 });
    expect(formatIssue(pair, 'en')).toMatch(/^"a" and "b" are often mistaken for each other \(4 examples\)\./);
  });
});
