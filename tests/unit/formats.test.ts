import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import { parseSetup, parseSetupJson } from '../../src/core/setup-parse.ts';
import { parseTemplate, renderPrompt, promptToText } from '../../src/core/template.ts';
import { exportLmBff, importLmBff } from '../../src/core/formats/lmbff.ts';
import { lmBffMappingToVerbalizer, verbalizerToLmBffMapping } from '../../src/core/formats/lmbff-mapping.ts';
import { lmBffToTemplate, templateToLmBff } from '../../src/core/formats/lmbff-template.ts';
import { exportOpenPrompt, importOpenPrompt } from '../../src/core/formats/openprompt.ts';
import {
  openPromptToTemplate,
  postProcessing,
  templateToOpenPrompt,
} from '../../src/core/formats/openprompt-template.ts';
import { openPromptToVerbalizer, verbalizerToOpenPrompt } from '../../src/core/formats/openprompt-verbalizer.ts';
import { readPyLiteral } from '../../src/core/formats/python-literal.ts';
import {
  IMPORTED_MAPPING_CHARS,
  IMPORTED_TEMPLATE_LINE_CHARS,
  IMPORTED_TEMPLATES_CHARS,
  LIMITS,
} from '../../src/core/limits.ts';
import { validSetup } from './setup-arbitrary.ts';
import type { Issue } from '../../src/core/issues.ts';
import { formatIssue } from '../../src/core/messages/index.ts';

const ok = <T>(r: { ok: true; value: T } | { ok: false; errors: Issue[] }): T => {
  if (!r.ok) throw new Error(r.errors.map((e) => formatIssue(e)).join('; '));
  return r.value;
};
const codes = (r: { warnings: { code: string }[] }) => r.warnings.map((x) => x.code);

// LM-BFF's own templates and mappings (run_experiment.sh), all tasks.
const LM_BFF_TASKS: [string, string, string][] = [
  ['CoLA', '*cls**sent_0*_This_is*mask*.*sep+*', "{'0':'incorrect','1':'correct'}"],
  ['SST-2', '*cls**sent_0*_It_was*mask*.*sep+*', "{'0':'terrible','1':'great'}"],
  ['MRPC', '*cls**sent_0**mask*,*+sentl_1**sep+*', "{'0':'No','1':'Yes'}"],
  ['MNLI', '*cls**sent-_0*?*mask*,*+sentl_1**sep+*', "{'contradiction':'No','entailment':'Yes','neutral':'Maybe'}"],
  ['RTE', '*cls**sent-_0*?*mask*,*+sentl_1**sep+*', "{'not_entailment':'No','entailment':'Yes'}"],
  ['mr', '*cls**sent_0*_It_was*mask*.*sep+*', "{0:'terrible',1:'great'}"],
  ['sst-5', '*cls**sent_0*_It_was*mask*.*sep+*', "{0:'terrible',1:'bad',2:'okay',3:'good',4:'great'}"],
  [
    'trec',
    '*cls**mask*:*+sent_0**sep+*',
    "{0:'Description',1:'Entity',2:'Expression',3:'Human',4:'Location',5:'Number'}",
  ],
];

describe('python literals', () => {
  it('reads dicts, sets, lists, strings with escapes, numbers and constants', () => {
    expect(readPyLiteral("{'0':'terrible', 1: \"great\"}")).toEqual({
      kind: 'dict',
      entries: [
        { key: '0', value: 'terrible' },
        { key: 1, value: 'great' },
      ],
    });
    expect(readPyLiteral('{"mask"}')).toEqual({ kind: 'dict', entries: [{ key: 'mask', value: undefined }] });
    expect(readPyLiteral("['a', ('b', 2.5), True, None, 'it\\'s \\u00e9']")).toEqual([
      'a',
      ['b', 2.5],
      true,
      null,
      "it's é",
    ]);
    expect(
      readPyLiteral('{"placeholder":"text_a", "post_processing": lambda x: x.rstrip(",}")}', { rawValues: true }),
    ).toEqual({
      kind: 'dict',
      entries: [
        { key: 'placeholder', value: 'text_a' },
        { key: 'post_processing', value: { kind: 'raw', source: 'lambda x: x.rstrip(",}")' } },
      ],
    });
    expect(() => readPyLiteral("{'a': 'b'")).toThrow(/Expected/);
    expect(() => readPyLiteral('__import__("os")')).toThrow();
  });
});

describe('LM-BFF', () => {
  it.each(LM_BFF_TASKS)(
    '%s: LM-BFF → ClozeLab → LM-BFF gives back the same template and mapping',
    (_task, template, mapping) => {
      const clozeLab = ok(lmBffToTemplate(template));
      expect(parseTemplate(clozeLab).ok).toBe(true);
      expect(ok(templateToLmBff(clozeLab))).toBe(template);
      const verbalizer = ok(lmBffMappingToVerbalizer(mapping));
      expect(ok(verbalizerToLmBffMapping(verbalizer, { intKeys: !mapping.startsWith("{'") }))).toBe(mapping);
    },
  );

  it('reads the templates the way LM-BFF builds prompts', () => {
    expect(ok(lmBffToTemplate('*cls**sent_0*_It_was*mask*.*sep+*'))).toBe('[X] It was [Z].');
    expect(ok(lmBffToTemplate('*cls**sent-_0*?*mask*,*+sentl_1**sep+*'))).toBe('[X1|nopunct]? [Z], [X2|lower]');
    expect(ok(lmBffToTemplate('*cls**mask*:*+sent_0**sep+*'))).toBe('[Z]: [X]');
    expect(ok(lmBffToTemplate('*cls**sentl-_0*_[really]*mask*'))).toBe('[X|lower|nopunct] \\[really\\] [Z]');
    const r = ok(lmBffToTemplate('*cls**sent_0*_It_was*mask*.*sep+*'));
    const t = parseTemplate(r);
    if (!t.ok) throw new Error('parse');
    expect(promptToText(renderPrompt(t.template, { X: 'A fine film.' }), '<mask>')).toBe('A fine film. It was <mask>.');
  });

  it('reports what it cannot express instead of dropping it silently', () => {
    // A label word outside a demonstration (before the query's *mask*) is left out, and said so.
    const stray = lmBffToTemplate('*cls**sent_0**label_0*_It_was*mask*.*sep+*');
    expect(codes(stray)).toContain('lmbff-demonstration');
    expect(codes(lmBffToTemplate('*cls**sentu_0**mask*'))).toContain('lmbff-upper');
    expect(codes(lmBffToTemplate('*cls**sent-_0*?*mask*'))).toContain('lmbff-nopunct');
    expect(codes(lmBffToTemplate('*cls**sent_0**sep+**mask*'))).toContain('lmbff-sep');
    expect(codes(lmBffToTemplate('*cls**mask*:*+sent_0*'))).toContain('mask-at-start');
    const alias = lmBffToTemplate('*cls**sent-0*?*mask*');
    expect(codes(alias)).toContain('lmbff-alias');
    expect(ok(alias)).toBe('[X|nopunct]? [Z]');
    expect(codes(templateToLmBff('[X] a_b * c [Z].'))).toEqual(
      expect.arrayContaining(['lmbff-underscore', 'lmbff-asterisk']),
    );
    expect(codes(templateToLmBff('[X] It was[Z].'))).toContain('lmbff-mask-space');
    const mapping = verbalizerToLmBffMapping({
      labels: [
        { label: 'positive', words: ['great', 'good'] },
        { label: 'negative', words: ['bad'] },
      ],
    });
    expect(mapping.warnings[0]).toMatchObject({
      code: 'lmbff-one-word',
      params: { label: 'positive', kept: 'great', dropped: '"good"' },
    });
    expect(codes(mapping)).not.toContain('lmbff-label-ids');
    expect(codes(verbalizerToLmBffMapping({ labels: [{ label: 'very positive', words: ['great'] }] }))).toContain(
      'lmbff-label-ids',
    );
  });

  it('rejects what is not a template or mapping, with a reason', () => {
    expect(lmBffToTemplate('*cls**sent_0*_It_was.*sep+*')).toMatchObject({
      ok: false,
      errors: [{ code: 'missing-mask' }],
    });
    expect(lmBffMappingToVerbalizer("{'0': 'a'")).toMatchObject({ ok: false, errors: [{ code: 'mapping-syntax' }] });
    expect(lmBffMappingToVerbalizer("['a']")).toMatchObject({ ok: false, errors: [{ code: 'mapping-shape' }] });
    expect(lmBffMappingToVerbalizer("{'0': 3}")).toMatchObject({ ok: false, errors: [{ code: 'mapping-word' }] });
  });

  it('setup → LM-BFF → setup keeps templates, verbalizer and scoring (one word per label)', () => {
    const setup: PromptSetup = {
      ...defaultSetup(),
      templates: [
        { id: 't1', name: 'a', text: '[X] It was [Z].' },
        { id: 't2', name: 'b', text: '[X|lower] All in all, [Z]!' },
      ],
      verbalizer: {
        labels: [
          { label: 'negative', words: ['terrible'] },
          { label: 'positive', words: ['great'] },
        ],
      },
    };
    const exported = exportLmBff(setup);
    expect(exported.templates.map((t) => t.template)).toEqual([
      '*cls**sent_0*_It_was*mask*.*sep+*',
      '*cls**sentl_0*_All_in_all,*mask*!*sep+*',
    ]);
    expect(codes({ warnings: exported.warnings })).toEqual(['model-not-exported', 'inputs-not-exported']);
    const back = ok(
      importLmBff(
        { templates: exported.templates.map((t) => t.template).join('\n'), mapping: exported.mapping },
        setup,
      ),
    );
    expect(back.templates.map((t) => t.text)).toEqual(setup.templates.map((t) => t.text));
    expect(back.verbalizer).toEqual(setup.verbalizer);
    expect(back.scoring).toEqual(setup.scoring);
    expect(back.model).toEqual(setup.model);
    expect(parseSetup(back).ok).toBe(true);
  });

  it('imported numbered templates re-key the example inputs', () => {
    const back = ok(
      importLmBff(
        { templates: '*cls**sent-_0*?*mask*,*+sentl_1**sep+*', mapping: "{'not_entailment':'No','entailment':'Yes'}" },
        defaultSetup(),
      ),
    );
    expect(Object.keys(back.inputs[0]!)).toEqual(['X1']);
    expect(back.verbalizer.labels.map((l) => l.label)).toEqual(['not_entailment', 'entailment']);
  });

  it('round trip property: canonical templates survive ClozeLab → LM-BFF → ClozeLab', () => {
    const word = fc.stringMatching(/^[A-Za-z,.?!:;()'"-]{1,8}$/);
    const piece = fc.oneof(
      word.map((x) => ({ kind: 'text' as const, text: x })),
      fc
        .record({ index: fc.integer({ min: 0, max: 2 }), lower: fc.boolean() })
        .map((x) => ({ kind: 'input' as const, ...x })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.array(piece, { maxLength: 6 }), (before, after) => {
        const numbered = [...before, ...after].some((p) => p.kind === 'input' && p.index > 0);
        const render = (pieces: typeof before) =>
          pieces
            .map((p) =>
              p.kind === 'text' ? p.text : `[${numbered ? `X${p.index + 1}` : 'X'}${p.lower ? '|lower' : ''}]`,
            )
            .join(' ');
        const text = [render(before), '[Z]', render(after)].filter((x) => x !== '').join(' ');
        const exported = templateToLmBff(text);
        expect(exported.ok).toBe(true);
        if (!exported.ok) return;
        expect(exported.warnings).toEqual([]);
        const back = lmBffToTemplate(exported.value);
        if (!back.ok) throw new Error(formatIssue(back.errors[0]!));
        const first = parseTemplate(text);
        // [Z] at the very start has an extra note; otherwise the text comes back exactly.
        expect(back.value).toBe(text);
        if (first.ok && first.template.nodes[0]?.kind !== 'mask') expect(back.warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('OpenPrompt', () => {
  it('template ↔ ManualTemplate', () => {
    expect(ok(templateToOpenPrompt('[X] It was [Z].'))).toBe('{"placeholder":"text_a"} It was {"mask"}.');
    expect(ok(openPromptToTemplate('{"placeholder":"text_a"} It was {"mask"}.'))).toBe('[X] It was [Z].');
    expect(
      ok(openPromptToTemplate('{"placeholder":"text_a"} Question: {"placeholder":"text_b"}? Is it correct? {"mask"}.')),
    ).toBe('[X1] Question: [X2]? Is it correct? [Z].');
    expect(ok(openPromptToTemplate("{'placeholder': 'text_a', 'shortenable': True}   It was   {'mask'} [sic]"))).toBe(
      '[X] It was [Z] \\[sic\\]',
    );
    expect(ok(templateToOpenPrompt('[X1|lower] vs [X2|nopunct] vs [X3]: [Z]'))).toBe(
      `{"placeholder":"text_a", "post_processing": ${postProcessing(['lower'])}} vs {"placeholder":"text_b", "post_processing": ${postProcessing(['nopunct'])}} vs {"meta":"X3"}: {"mask"}`,
    );
  });

  it.each([
    '[X] It was [Z].',
    '[X1] ? [Z] , [X2|lower|nopunct]',
    '[X|nopunct|lower] {curly} and \\[square\\]: [Z]',
    '[Z]: [X1] [X2] [X3]',
    '"[X1|nopunct]"? [Z], "[X2]"',
  ])('round trip of %s', (text) => {
    const exported = templateToOpenPrompt(text);
    const back = ok(openPromptToTemplate(ok(exported)));
    expect(back).toBe(text);
  });

  it('reports blocks ClozeLab cannot express', () => {
    expect(codes(openPromptToTemplate('{"soft": "It was"} {"placeholder":"text_a"} {"mask"}'))).toContain(
      'openprompt-soft',
    );
    expect(codes(openPromptToTemplate('{"soft"} {"placeholder":"text_a"} {"mask"}'))).toContain(
      'openprompt-soft-dropped',
    );
    expect(codes(openPromptToTemplate('{"placeholder":"text_a"} {"special": "<eos>"} {"mask"}'))).toContain(
      'openprompt-special',
    );
    expect(
      codes(openPromptToTemplate('{"placeholder":"text_a", "post_processing": lambda x: x.upper()} {"mask"}')),
    ).toContain('openprompt-post-processing');
    expect(codes(openPromptToTemplate('{"meta":"word"} means {"mask"}: {"placeholder":"text_a"}'))).toContain(
      'openprompt-meta-input',
    );
    expect(openPromptToTemplate('{"placeholder":"text_a" {"mask"}')).toMatchObject({
      ok: false,
      errors: [{ code: 'openprompt-block' }],
    });
    expect(openPromptToTemplate('{"placeholder":"text_a"} {"mask"')).toMatchObject({
      ok: false,
      errors: [{ code: 'openprompt-unclosed' }],
    });
    expect(openPromptToTemplate('{"placeholder":"text_a"} no mask')).toMatchObject({
      ok: false,
      errors: [{ code: 'missing-mask' }],
    });
  });

  it('label words: dict, list with classes, and the .txt form', () => {
    const v = {
      labels: [
        { label: 'negative', words: ['bad', 'awful'] },
        { label: 'positive', words: ['good'] },
      ],
    };
    const { labelWords, classes } = verbalizerToOpenPrompt(v);
    expect(labelWords).toBe('{"negative": ["bad", "awful"], "positive": ["good"]}');
    expect(ok(openPromptToVerbalizer(labelWords))).toEqual(v);
    expect(ok(openPromptToVerbalizer("{'negative': ['bad', 'awful'], 'positive': 'good'}"))).toEqual(v);
    expect(ok(openPromptToVerbalizer('[["bad", "awful"], ["good"]]', JSON.stringify(classes)))).toEqual(v);
    expect(ok(openPromptToVerbalizer('bad, awful\ngood', 'negative, positive'))).toEqual(v);
    expect(openPromptToVerbalizer('[["bad"], ["good"]]')).toMatchObject({
      ok: false,
      errors: [{ code: 'classes-needed' }],
    });
    expect(openPromptToVerbalizer('{"a": [1]}')).toMatchObject({ ok: false, errors: [{ code: 'label-words-shape' }] });
  });

  it('setup → OpenPrompt → setup keeps templates, verbalizer and (OpenPrompt-equivalent) scoring', () => {
    const setup: PromptSetup = {
      ...defaultSetup(),
      templates: [
        { id: 't1', name: 'a', text: '[X] Overall, it was a [Z] movie.' },
        { id: 't2', name: 'b', text: 'Just [Z]! [X|nopunct]' },
      ],
      scoring: { aggregation: 'logit-mean', multiToken: 'first-subtoken', lengthNormalize: false, calibrate: false },
    };
    const exported = exportOpenPrompt(setup);
    expect(codes({ warnings: exported.warnings })).toEqual(['model-not-exported', 'inputs-not-exported']);
    expect(exported.python).toContain(
      'ManualVerbalizer(tokenizer, classes=["positive","negative"], label_words={"positive": ["great", "excellent", "good"], "negative": ["terrible", "awful", "bad"]}, multi_token_handler="first")',
    );
    const back = ok(
      importOpenPrompt(
        { templates: exported.templates.map((t) => t.text).join('\n'), labelWords: exported.labelWords },
        setup,
      ),
    );
    expect(back.templates.map((t) => t.text)).toEqual(setup.templates.map((t) => t.text));
    expect(back.verbalizer).toEqual(setup.verbalizer);
    expect(back.scoring).toEqual(setup.scoring);
    expect(parseSetup(back).ok).toBe(true);
  });

  it('export reports scoring OpenPrompt cannot express; import sets its defaults and says so', () => {
    const exported = exportOpenPrompt(defaultSetup());
    expect(codes({ warnings: exported.warnings })).toEqual(
      expect.arrayContaining(['openprompt-aggregation', 'openprompt-multitoken']),
    );
    const back = importOpenPrompt(
      { templates: '{"placeholder":"text_a"} It was {"mask"}.', labelWords: '{"pos": ["good"], "neg": ["bad"]}' },
      defaultSetup(),
    );
    expect(codes(back)).toContain('openprompt-scoring-set');
  });
});

describe('JSON', () => {
  it('setup → JSON → setup is the identity (property)', () => {
    fc.assert(
      fc.property(validSetup({ rows: 8, text: 200 }), (setup) => {
        const back = parseSetupJson(JSON.stringify(setup, null, 2));
        expect(back).toEqual({ ok: true, setup });
      }),
      { numRuns: 200 },
    );
  });
});

describe('imports are held to the limits before they are read', () => {
  const sst2 = '*cls**sent_0*_It_was*mask*.*sep+*';
  const failure = (r: { ok: boolean; errors?: Issue[] }) => (r.ok ? null : (r.errors?.[0] ?? null));

  it('a 1.6 MB LM-BFF template is refused by its size, naming the size and the limit', () => {
    const r = importLmBff({ templates: sst2.repeat(50_000), mapping: "{'0':'terrible','1':'great'}" }, defaultSetup());
    expect(failure(r)).toMatchObject({
      code: 'import-too-long',
      params: { what: 'templates', length: 1_650_000, max: IMPORTED_TEMPLATES_CHARS },
    });
    expect(formatIssue(failure(r)!)).toMatch(/^The templates are too long to import \(1,650,000 characters; at most /);
  });

  it('one over-long line among good ones is refused with its template number; the others are read', () => {
    const long = `*cls**sent_0*_${'very_'.repeat(IMPORTED_TEMPLATE_LINE_CHARS / 5)}*mask*.*sep+*`;
    const r = importLmBff({ templates: `${sst2}\n${long}`, mapping: "{'0':'terrible','1':'great'}" }, defaultSetup());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'import-too-long', template: '2', params: { what: 'template' } });
  });

  it('label words over the size limit, or beyond what a verbalizer holds, are refused with the limit named', () => {
    const dict = (n: number) => `{${Array.from({ length: n }, (_, i) => `'${i}':'w${i}'`).join(',')}}`;
    expect(failure(lmBffMappingToVerbalizer(dict(20_000)))).toMatchObject({
      code: 'import-too-long',
      params: { what: 'mapping', max: IMPORTED_MAPPING_CHARS },
    });
    expect(failure(lmBffMappingToVerbalizer(dict(LIMITS.labels + 1)))).toMatchObject({
      code: 'mapping-over-limit',
      params: { what: 'labels', max: LIMITS.labels },
    });
    expect(ok(lmBffMappingToVerbalizer(dict(LIMITS.labels))).labels).toHaveLength(LIMITS.labels);
    const manyWords = JSON.stringify({ good: Array.from({ length: LIMITS.wordsPerLabel + 1 }, (_, i) => `w${i}`) });
    const tooMany = failure(openPromptToVerbalizer(manyWords));
    expect(tooMany).toMatchObject({ code: 'mapping-over-limit', params: { what: 'words', label: 'good' } });
    expect(formatIssue(tooMany!)).toBe(
      `The label "good" has more than ${LIMITS.wordsPerLabel} words; at most ${LIMITS.wordsPerLabel} per label.`,
    );
    const longWord = JSON.stringify({ good: ['x'.repeat(LIMITS.wordChars + 1)] });
    expect(failure(openPromptToVerbalizer(longWord))).toMatchObject({ params: { what: 'word', label: 'good' } });
  });

  it('an LM-BFF template made only of separators after the mask keeps its meaning (the linear tail scan)', () => {
    expect(ok(lmBffToTemplate('*cls**sent_0*_It_was*mask*.*sep+**sep**sep+*'))).toBe('[X] It was [Z].');
    expect(lmBffToTemplate('*cls**sent_0**sep*_It_was*mask*.').warnings.map((x) => x.code)).toContain('lmbff-sep');
  });
});
