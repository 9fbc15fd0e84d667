import { describe, expect, it } from 'vitest';
import {
  SETUP_LIMITS,
  defaultSetup,
  formatPath,
  isValidModelId,
  MODEL_CATALOG,
  migrateSetup,
  parseSetup,
  parseSetupJson,
  parseTemplate,
  type PromptSetup,
} from '../../src/core/index.ts';
import { formatIssue, formatSetupError } from '../../src/core/messages/index.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- these tests build deliberately malformed setups for the validator
type Loose = any;
const base = (): Loose => structuredClone(defaultSetup());
function errorsOf(raw: unknown) {
  const r = parseSetup(raw);
  if (r.ok) throw new Error('expected errors');
  // Paths and the English messages the CLI and the English UI show.
  return r.errors.map((e) => ({ path: e.path, message: formatIssue(e, 'en') }));
}

describe('defaultSetup', () => {
  it('is the SST-2-style example and validates', () => {
    const d = defaultSetup();
    expect(d.model).toEqual({ id: 'Xenova/bert-base-uncased', source: 'hub', dtype: 'auto', device: 'auto' });
    expect(d.templates[0]!.text).toBe('[X] Overall, it was a [Z] movie.');
    expect(parseTemplate(d.templates[0]!.text).ok).toBe(true);
    expect(d.verbalizer.labels).toEqual([
      { label: 'positive', words: ['great', 'excellent', 'good'] },
      { label: 'negative', words: ['terrible', 'awful', 'bad'] },
    ]);
    expect(d.scoring).toEqual({
      aggregation: 'sum',
      multiToken: 'all-subtokens',
      lengthNormalize: false,
      calibrate: false,
    });
    expect(d.inputs).toHaveLength(3);
    expect(parseSetup(d)).toEqual({ ok: true, setup: d });
  });

  it('survives a JSON round trip and returns a fresh object each time', () => {
    const d = defaultSetup();
    expect(parseSetupJson(JSON.stringify(d))).toEqual({ ok: true, setup: d });
    d.templates.push({ id: 't2', name: '', text: '' });
    expect(defaultSetup().templates).toHaveLength(1);
  });
});

describe('parseSetup accepts', () => {
  it('a local test model, an invalid template text, multi-slot inputs, every option', () => {
    const s: Loose = base();
    s.model = { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'fp32', device: 'wasm' };
    s.templates = [
      { id: 'a', name: 'broken', text: '[X] [Y' },
      { id: 'rte-1', name: 'RTE', text: '[X1|nopunct] ? [Z] , [X2|lower]' },
    ];
    s.activeTemplateId = 'rte-1';
    s.inputs = [{ X1: 'a', X2: 'b' }, {}];
    s.scoring = { aggregation: 'logit-mean', multiToken: 'first-subtoken', lengthNormalize: true, calibrate: true };
    const r = parseSetup(s);
    expect(r.ok).toBe(true);
  });

  it('fills defaults for optional fields (name, model source/dtype/device, scoring, inputs)', () => {
    const s: Loose = base();
    delete s.name;
    delete s.scoring;
    delete s.inputs;
    s.model = { id: 'Xenova/roberta-base' };
    const r = parseSetup(s);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const setup: PromptSetup = r.setup;
    expect(setup.name).toBe('');
    expect(setup.model).toEqual({ id: 'Xenova/roberta-base', source: 'hub', dtype: 'auto', device: 'auto' });
    expect(setup.scoring).toEqual(defaultSetup().scoring);
    expect(setup.inputs).toEqual([]);
  });

  it('drops unknown keys', () => {
    const s: Loose = base();
    s.extra = { huge: true };
    const r = parseSetup(s);
    expect(r.ok && 'extra' in r.setup).toBe(false);
  });
});

describe('parseSetup rejects, with readable paths', () => {
  it('non-objects, missing / newer / unknown versions', () => {
    expect(errorsOf(null)).toEqual([{ path: '(root)', message: expect.stringContaining('JSON object') }]);
    expect(errorsOf([])).toEqual([{ path: '(root)', message: expect.any(String) }]);
    const noVersion = base();
    delete noVersion.version;
    expect(errorsOf(noVersion)).toEqual([{ path: 'version', message: expect.stringContaining('Missing') }]);
    expect(errorsOf({ ...base(), version: 3 })).toEqual([
      { path: 'version', message: expect.stringContaining('newer') },
    ]);
    expect(errorsOf({ ...base(), version: '1' })).toEqual([
      { path: 'version', message: expect.stringContaining('Unknown') },
    ]);
  });

  it('field errors', () => {
    const s = base();
    s.model.id = 'https://evil.example/x';
    s.templates[0].text = 'x'.repeat(SETUP_LIMITS.templateTextChars + 1);
    s.verbalizer.labels[1].words = ['a', 'a', ''];
    s.scoring.aggregation = 'median';
    s.inputs = [{ Y: 'a', X: 3 }];
    const paths = errorsOf(s).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'model.id',
        'templates[0].text',
        'verbalizer.labels[1].words[1]',
        'verbalizer.labels[1].words[2]',
        'scoring.aggregation',
        'inputs[0].Y',
        'inputs[0].X',
      ]),
    );
    expect(errorsOf(s).find((e) => e.path === 'inputs[0].Y')!.message).toContain('not a slot name');
  });

  it('template list: empty, too many, duplicate ids, unknown active id', () => {
    expect(errorsOf({ ...base(), templates: [] }).map((e) => e.path)).toContain('templates');
    const many = base();
    many.templates = Array.from({ length: SETUP_LIMITS.templates + 1 }, (_, i) => ({
      id: `t${i}`,
      name: '',
      text: '',
    }));
    expect(errorsOf(many)).toEqual([{ path: 'templates', message: expect.stringContaining('Too many') }]);
    const dup = base();
    dup.templates = [dup.templates[0], { ...dup.templates[0] }];
    expect(errorsOf(dup)).toEqual([{ path: 'templates[1].id', message: expect.stringContaining('Two templates') }]);
    expect(errorsOf({ ...base(), activeTemplateId: 'nope' })).toEqual([
      { path: 'activeTemplateId', message: expect.stringContaining('"nope"') },
    ]);
    const badId = base();
    badId.templates[0].id = 'a b';
    badId.activeTemplateId = 'a b';
    expect(errorsOf(badId).map((e) => e.path)).toEqual(['templates[0].id']);
  });

  it('verbalizer: no labels, duplicate labels, empty label, words with line breaks, label without words', () => {
    expect(errorsOf({ ...base(), verbalizer: { labels: [] } }).map((e) => e.path)).toEqual(['verbalizer.labels']);
    const s = base();
    s.verbalizer.labels = [
      { label: 'a', words: ['x'] },
      { label: 'a', words: ['y\nz'] },
      { label: ' ', words: [] },
    ];
    expect(
      errorsOf(s)
        .map((e) => e.path)
        .sort(),
    ).toEqual([
      'verbalizer.labels[1].label',
      'verbalizer.labels[1].words[0]',
      'verbalizer.labels[2].label',
      'verbalizer.labels[2].words',
    ]);
  });

  it('size limits stop hostile imports early', () => {
    const s = base();
    s.inputs = Array.from({ length: SETUP_LIMITS.inputRows + 1 }, () => ({ X: 'a' }));
    expect(errorsOf(s)).toEqual([{ path: 'inputs', message: expect.stringContaining('Too many') }]);
    const words = base();
    words.verbalizer.labels[0].words = Array.from({ length: 10_000 }, (_, i) => `w${i}`);
    expect(errorsOf(words)).toEqual([
      { path: 'verbalizer.labels[0].words', message: expect.stringContaining('Too many') },
    ]);
    const wide = base();
    wide.inputs = [Object.fromEntries(Array.from({ length: SETUP_LIMITS.slotsPerRow + 1 }, (_, i) => [`K${i}`, 'a']))];
    expect(errorsOf(wide)).toEqual([{ path: 'inputs[0]', message: expect.stringContaining('At most') }]);
    const long = base();
    long.inputs = Array.from({ length: 200 }, () => ({ X: 'a'.repeat(SETUP_LIMITS.inputChars) }));
    expect(errorsOf(long)).toEqual([{ path: 'inputs', message: expect.stringContaining('too long together') }]);
    expect(parseSetupJson('x'.repeat(SETUP_LIMITS.jsonChars + 1))).toEqual({
      ok: false,
      errors: [
        {
          path: '(root)',
          code: 'json-too-large',
          severity: 'error',
          params: { length: SETUP_LIMITS.jsonChars + 1, max: SETUP_LIMITS.jsonChars },
        },
      ],
    });
    expect(parseSetupJson('{oops')).toEqual({
      ok: false,
      errors: [
        {
          path: '(root)',
          code: 'json-invalid',
          severity: 'error',
          params: { detail: expect.any(String) },
        },
      ],
    });
    const english = (text: string) => {
      const r = parseSetupJson(text);
      return r.ok ? [] : r.errors.map((e) => formatSetupError(e, 'en'));
    };
    expect(english('x'.repeat(SETUP_LIMITS.jsonChars + 1))).toEqual([expect.stringMatching(/^The setup is too large/)]);
    expect(english('{oops')).toEqual([expect.stringMatching(/^Not valid JSON: /)]);
  });
});

describe('isValidModelId', () => {
  it.each([
    'Xenova/bert-base-uncased',
    'Xenova/xlm-roberta-base',
    'clozelab-test/bert-tiny',
    'a/b',
    'Org_1/model.v2',
    'o/' + 'n'.repeat(96),
  ])('accepts %s', (id) => expect(isValidModelId(id)).toBe(true));

  it.each([
    '',
    'bert-base-uncased',
    'https://huggingface.co/Xenova/bert-base-uncased',
    'hf://Xenova/bert',
    'Xenova/bert/extra',
    '../etc/passwd',
    'Xenova/..',
    'Xenova/a..b',
    'Xenova/a--b',
    '/Xenova/bert',
    'Xenova/bert/',
    'Xenova/ bert',
    'Xenova/bert?x=1',
    'Xenova/-bert',
    'Xenova/bert.',
    '.x/bert',
    'o/' + 'n'.repeat(97),
    'Xenova\\bert',
    'Xenova/bért',
  ])('rejects %s', (id) => expect(isValidModelId(id)).toBe(false));

  it('accepts every model in the catalog', () => {
    for (const m of MODEL_CATALOG) expect(isValidModelId(m.id), m.id).toBe(true);
  });

  it('rejects non-strings', () => {
    expect(isValidModelId(42)).toBe(false);
    expect(isValidModelId(null)).toBe(false);
  });
});

describe('helpers', () => {
  it('formatPath', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['templates', 0, 'text'])).toBe('templates[0].text');
    expect(formatPath(['inputs', 2, 'X1'])).toBe('inputs[2].X1');
    expect(formatPath(['inputs', 0, 'odd key'])).toBe('inputs[0]["odd key"]');
  });
  it('migrateSetup passes version 1 through unchanged', () => {
    const d = defaultSetup();
    expect(migrateSetup(d)).toEqual({ ok: true, value: d });
  });
});
