import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/core/messages/index.ts';
import {
  calibrate,
  computeMetrics,
  formatVerbalizer,
  isValidModelId,
  parseTemplate,
  parseVerbalizer,
  planScoring,
  promptLayout,
  SEPARATOR_SHOWN,
  renderPrompt,
  scoreLabels,
  type PromptScores,
  type ResolvedWord,
  type ScoringOptions,
  type Verbalizer,
} from '../../src/core/index.ts';

// Strings biased towards the template syntax, plus arbitrary unicode.
const templateChars = fc.constantFrom(
  '[',
  ']',
  '\\',
  '|',
  'X',
  'Z',
  '1',
  '2',
  'lower',
  'nopunct',
  ' ',
  'a',
  '.',
  '\n',
  'é',
  '😀',
);
const templateish = fc.oneof(
  fc.string({ unit: templateChars, maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Escape literal text for the template language. */
const escapeTemplate = (s: string) => s.replace(/[\\[\]]/g, (c) => '\\' + c);

describe('template properties', () => {
  it('any string parses without throwing; every span lies inside the source', () => {
    fc.assert(
      fc.property(templateish, (s) => {
        const r = parseTemplate(s);
        const issues = r.ok ? r.warnings : [...r.errors, ...r.warnings];
        for (const e of issues) {
          expect(e.span.start).toBeGreaterThanOrEqual(0);
          expect(e.span.end).toBeGreaterThanOrEqual(e.span.start);
          expect(e.span.end).toBeLessThanOrEqual(s.length);
          expect(formatIssue(e).length).toBeGreaterThan(0);
        }
        if (r.ok) expect(r.template.nodes.filter((n) => n.kind === 'mask')).toHaveLength(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('escaped literal text comes back exactly', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
        const r = parseTemplate(`${escapeTemplate(a)}[X]${escapeTemplate(b)}[Z]`);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const p = renderPrompt(r.template, { X: 'in' });
        const templateText = p.parts
          .filter((x) => x.kind === 'template')
          .map((x) => (x.kind === 'template' ? x.text : ''));
        expect(templateText).toEqual([a, b].filter((x) => x !== ''));
      }),
    );
  });

  it('render never drops template text and layout spans match the parts', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 12 }).map((s) => ({ src: escapeTemplate(s), text: s, slot: null as string | null })),
      fc.constantFrom('X1', 'X2', 'X3').map((slot) => ({ src: `[${slot}]`, text: '', slot: slot })),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 6 }),
        fc.array(piece, { maxLength: 6 }),
        fc.dictionary(fc.constantFrom('X1', 'X2', 'X3'), fc.string({ maxLength: 20 })),
        fc.integer({ min: 1, max: 4 }),
        (before, after, inputs, k) => {
          const src = [...before.map((p) => p.src), '[Z]', ...after.map((p) => p.src)].join('');
          const r = parseTemplate(src);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const prompt = renderPrompt(r.template, inputs, k);
          const expected = [...before, ...after].map((p) => p.text).join('');
          expect(prompt.parts.map((x) => (x.kind === 'template' ? x.text : '')).join('')).toBe(expected);
          const layout = promptLayout(prompt, '<mask>');
          prompt.parts.forEach((part, i) => {
            const seg = layout.segments[i]!;
            const shown = layout.text.slice(seg.span.start, seg.span.end);
            expect(shown).toBe(
              part.kind === 'mask' ? '<mask>'.repeat(k) : part.kind === 'separator' ? SEPARATOR_SHOWN : part.text,
            );
            if (part.kind === 'input') expect(part.text).toBe((inputs[part.slot] ?? '').trim());
          });
        },
      ),
    );
  });
});

describe('verbalizer properties', () => {
  it('any string parses without throwing; positions are consistent', () => {
    const chars = fc.constantFrom('a', 'b', ':', ',', '"', '\\', '#', ' ', '\n', '\r', 'é');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: chars, maxLength: 60 }), fc.string({ maxLength: 60 })), (s) => {
        const r = parseVerbalizer(s);
        for (const e of r.ok ? r.warnings : [...r.errors, ...r.warnings]) {
          expect(e.span.start).toBeGreaterThanOrEqual(0);
          expect(e.span.end).toBeLessThanOrEqual(s.length);
          if ('line' in e.params) expect(e.params.line).toBe(s.slice(0, e.span.start).split('\n').length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parse(format(v)) = v for any valid verbalizer', () => {
    const label = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '');
    const words = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 });
    const verbalizer = fc
      .uniqueArray(fc.record({ label, words }), { minLength: 1, maxLength: 5, selector: (l) => l.label })
      .map((labels): Verbalizer => ({ labels }));
    fc.assert(
      fc.property(verbalizer, (v) => {
        const r = parseVerbalizer(formatVerbalizer(v));
        if (!r.ok) throw new Error(JSON.stringify({ text: formatVerbalizer(v), errors: r.errors }));
        expect(r.verbalizer).toEqual(v);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('scoring properties', () => {
  const options = fc.record<ScoringOptions>({
    aggregation: fc.constantFrom('sum', 'mean', 'max', 'logit-mean'),
    multiToken: fc.constantFrom('all-subtokens', 'first-subtoken'),
    lengthNormalize: fc.boolean(),
    calibrate: fc.boolean(),
  });
  const wordsArb = fc.array(
    fc.record({
      label: fc.constantFrom('a', 'b', 'c'),
      ids: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 3 }),
      unknown: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  );
  const prob = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(0), fc.constant(1e-300));
  const logit = fc.double({ min: -50, max: 50, noNaN: true });

  it('distributions are finite, within [0, 1] and sum to 1 for any scores and options', () => {
    const t = parseTemplate('[X] It was [Z].');
    if (!t.ok) throw new Error('parse');
    fc.assert(
      fc.property(
        wordsArb,
        options,
        fc.array(fc.tuple(prob, logit), { minLength: 10, maxLength: 10 }),
        (ws, o, table) => {
          const resolved: ResolvedWord[] = ws.map((w, i) => ({
            label: w.label,
            word: `w${i}`,
            form: { text: `w${i}`, ids: w.ids, pieces: [], hasUnknown: w.unknown },
            status: w.ids.length === 0 ? 'empty' : w.unknown ? 'unknown' : w.ids.length > 1 ? 'multi' : 'single',
          }));
          const plan = planScoring(t.template, { X: 'x' }, resolved, o, { maskToken: '[MASK]' });
          const results: PromptScores[] = plan.info.map((p) => ({
            masks: Array.from({ length: p.maskCount }, (_, m) => ({
              probs: plan.tokenIds.map((id) => table[(id + m) % 10]![0]),
              logits: plan.tokenIds.map((id) => table[(id + m) % 10]![1]),
              top: [],
            })),
            tokens: [],
            maskPositions: [],
            truncatedTokens: 0,
          }));
          const s = scoreLabels(plan, results);
          expect(s.probs).toHaveLength(plan.labels.length);
          for (const p of s.probs) {
            expect(Number.isFinite(p)).toBe(true);
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1 + 1e-12);
          }
          expect(s.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
          expect(s.winner).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('calibrate returns a distribution', () => {
    const dist = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(dist, dist, (d, c) => {
        const n = Math.min(d.length, c.length);
        const q = calibrate(d.slice(0, n), c.slice(0, n));
        expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        for (const x of q) expect(x >= 0 && x <= 1 + 1e-12).toBe(true);
      }),
    );
  });
});

describe('metrics properties', () => {
  it('never NaN; accuracy in [0, 1] (null without rows); a value is null exactly when it is 0/0; confusion counts all in-label rows', () => {
    const lab = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lab, lab), { maxLength: 30 }),
        fc.uniqueArray(lab, { maxLength: 4 }),
        (rows, labels) => {
          const m = computeMetrics(
            rows.map((r) => r[0]),
            rows.map((r) => r[1]),
            labels,
          );
          const nums = [
            m.accuracy,
            m.macroF1,
            m.micro.precision,
            m.micro.recall,
            m.micro.f1,
            ...m.perLabel.flatMap((l) => [l.precision, l.recall, l.f1]),
          ];
          for (const x of nums) expect(Number.isNaN(x)).toBe(false);
          if (rows.length === 0) expect(m.accuracy).toBeNull();
          else {
            expect(m.accuracy).toBeGreaterThanOrEqual(0);
            expect(m.accuracy).toBeLessThanOrEqual(1);
          }
          for (const l of m.perLabel) {
            expect(l.precision === null).toBe(l.predicted === 0);
            expect(l.recall === null).toBe(l.support === 0);
            expect(l.f1 === null).toBe(l.predicted === 0 && l.support === 0);
            expect(l.noPredictions).toBe(l.predicted === 0);
            expect(l.noSupport).toBe(l.support === 0);
          }
          // Macro-F1 counts an undefined F1 as 0, over all labels.
          const f1s = m.perLabel.map((l) => l.f1 ?? 0);
          expect(m.macroF1).toBeCloseTo(f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0, 12);
          const inConfusion = m.confusion.flat().reduce((a, b) => a + b, 0);
          expect(inConfusion + m.outsideLabels).toBe(rows.length);
          if (m.outsideLabels === 0 && rows.length > 0) expect(m.microF1).toBeCloseTo(m.accuracy!, 12);
        },
      ),
    );
  });
});

describe('model id property', () => {
  it('never accepts URLs, schemes, parent paths or whitespace', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        for (const id of [`${a}://${b}`, `${a}../${b}`, `${a}/..${b}`, `${a} /${b}`, `${a}/${b}?`])
          expect(isValidModelId(id)).toBe(false);
      }),
    );
  });
});
