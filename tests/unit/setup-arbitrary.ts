// fast-check arbitraries for valid PromptSetups, built from the schema's limits (SETUP_LIMITS).
// `validSetup()` keeps sizes small enough for share links; `setupAtLimits()` pushes single fields to
// their maximum length.
import fc from 'fast-check';
import { SETUP_LIMITS, SETUP_VERSION, type PromptSetup } from '../../src/core/setup.ts';

const hubChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const hubInner = fc.constantFrom(...'abcxyzABC019-_.'.split(''));

/** One part of a Hub id: starts and ends with a letter/digit, no ".." or "--". */
const hubPart = (max: number) =>
  fc
    .tuple(hubChar, fc.string({ unit: hubInner, maxLength: Math.max(0, max - 2) }), hubChar, fc.boolean())
    .map(([a, mid, b, short]) => (short ? a : `${a}${mid}${b}`))
    .filter((p) => !p.includes('..') && !p.includes('--'));

export const modelIdArb = fc.tuple(hubPart(20), hubPart(30)).map(([o, n]) => `${o}/${n}`);

/** Any text, including markup, quotes, emoji, CJK and line breaks. */
const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.constantFrom(
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '"\'`${}',
      '好评如潮 [X] 差',
      '\u202e\u0000',
    ),
  );

const noNewline = (maxLength: number) => anyText(maxLength).map((s) => s.replace(/[\r\n]/g, ' '));

const labelName = noNewline(30)
  .map((s) => s.slice(0, SETUP_LIMITS.labelChars))
  .filter((s) => s.length > 0 && s.trim() !== '');
const word = noNewline(20)
  .map((s) => s.slice(0, SETUP_LIMITS.wordChars))
  .filter((s) => s.length > 0);

const templateId = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);

const slotKey = fc.oneof(
  fc.constant('X'),
  fc.integer({ min: 1, max: 99 }).map((n) => `X${n}`),
);

export interface SetupArbOptions {
  templates?: number;
  labels?: number;
  words?: number;
  rows?: number;
  text?: number;
}

export function validSetup(options: SetupArbOptions = {}): fc.Arbitrary<PromptSetup> {
  const { templates = 4, labels = 5, words = 4, rows = 4, text = 60 } = options;
  // `demo` (a demonstration template) is optional: absent in some entries, so both shapes round-trip.
  const entry = fc.record(
    { id: templateId, name: anyText(30), text: anyText(text), demo: anyText(text) },
    { requiredKeys: ['id', 'name', 'text'] },
  );
  const templateList = fc.uniqueArray(entry, {
    minLength: 1,
    maxLength: templates,
    selector: (t) => t.id,
  });
  const labelList = fc.uniqueArray(
    fc.record({ label: labelName, words: fc.uniqueArray(word, { minLength: 1, maxLength: words }) }),
    { minLength: 1, maxLength: labels, selector: (l) => l.label },
  );
  const row = fc.dictionary(slotKey, anyText(text), { maxKeys: 3 });
  return fc
    .record({
      name: anyText(40),
      model: fc.record({
        id: modelIdArb,
        source: fc.constantFrom('hub' as const, 'local' as const),
        dtype: fc.constantFrom('auto' as const, 'fp32' as const, 'fp16' as const, 'q8' as const, 'q4' as const),
        device: fc.constantFrom('auto' as const, 'wasm' as const, 'webgpu' as const),
      }),
      templates: templateList,
      activeIndex: fc.nat(),
      labels: labelList,
      scoring: fc.record({
        aggregation: fc.constantFrom('sum' as const, 'mean' as const, 'max' as const, 'logit-mean' as const),
        multiToken: fc.constantFrom('all-subtokens' as const, 'first-subtoken' as const),
        lengthNormalize: fc.boolean(),
        calibrate: fc.boolean(),
      }),
      inputs: fc.array(row, { maxLength: rows }),
    })
    .map(({ activeIndex, labels: labelEntries, ...rest }) => ({
      version: SETUP_VERSION,
      compareModel: null,
      verbalizerVariants: [],
      grid: null,
      name: rest.name,
      model: rest.model,
      templates: rest.templates,
      activeTemplateId: rest.templates[activeIndex % rest.templates.length]!.id,
      verbalizer: { labels: labelEntries },
      scoring: rest.scoring,
      inputs: rest.inputs,
    }));
}
