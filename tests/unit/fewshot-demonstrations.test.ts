import { describe, expect, it } from 'vitest';
import { parseTemplate, promptKey, promptToText, renderPrompt, type Template } from '../../src/core/template.ts';
import type { ResolvedWord } from '../../src/core/label-words.ts';
import type { ScoringPlan } from '../../src/core/scoring-plan.ts';
import {
  cosine,
  demoPlanTransform,
  demoWords,
  renderDemo,
  selectDemos,
  withDemos,
} from '../../src/core/fewshot/demonstrations.ts';

const template = (text: string): Template => {
  const p = parseTemplate(text);
  if (!p.ok) throw new Error('bad template');
  return p.template;
};
const word = (
  label: string,
  w: string,
  text: string,
  ids: number[],
  status: ResolvedWord['status'] = 'single',
): ResolvedWord => ({
  label,
  word: w,
  form: { text, ids, pieces: ids.map(String), hasUnknown: status === 'unknown' },
  status,
});

describe('demonstrations', () => {
  it("show each label's first usable word as bound (a BPE word keeps its leading space)", () => {
    const words = [
      word('pos', 'great', ' great', [1]),
      word('pos', 'good', ' good', [2]),
      word('neg', 'zzz', ' zzz', [3], 'unknown'),
      word('neg', 'terrible', ' terrible', [4, 5], 'multi'),
      word('odd', 'qq', '', [], 'empty'),
    ];
    expect(demoWords(['pos', 'neg', 'odd', 'none'], words)).toEqual([' great', ' terrible', 'qq', 'none']);
  });

  it('render a training example with [Z] as its own part, without a doubled space', () => {
    const t = template('[X|nopunct] It was [Z].');
    expect(renderDemo(t, { X: 'A fine film!' }, ' great')).toEqual([
      { kind: 'input', slot: 'X', text: 'A fine film' },
      { kind: 'template', text: ' It was' },
      { kind: 'template', text: ' great' },
      { kind: 'template', text: '.' },
    ]);
    // WordPiece binds the bare word: the template's space stays.
    expect(renderDemo(t, { X: 'Bad.' }, 'bad')).toEqual([
      { kind: 'input', slot: 'X', text: 'Bad' },
      { kind: 'template', text: ' It was ' },
      { kind: 'template', text: 'bad' },
      { kind: 'template', text: '.' },
    ]);
  });

  it('append after the query as separator + parts, all marked with their demo number', () => {
    const t = template('[X] It was [Z].');
    const query = renderPrompt(t, { X: 'Query.' });
    const demos = [renderDemo(t, { X: 'One.' }, 'great'), renderDemo(t, { X: 'Two.' }, 'bad')];
    const prompt = withDemos(query, demos);
    expect(prompt.parts.slice(0, query.parts.length)).toEqual(query.parts);
    expect(prompt.parts.slice(query.parts.length)).toEqual([
      { kind: 'separator', demo: 1 },
      { kind: 'input', slot: 'X', text: 'One.', demo: 1 },
      { kind: 'template', text: ' It was ', demo: 1 },
      { kind: 'template', text: 'great', demo: 1 },
      { kind: 'template', text: '.', demo: 1 },
      { kind: 'separator', demo: 2 },
      { kind: 'input', slot: 'X', text: 'Two.', demo: 2 },
      { kind: 'template', text: ' It was ', demo: 2 },
      { kind: 'template', text: 'bad', demo: 2 },
      { kind: 'template', text: '.', demo: 2 },
    ]);
    expect(promptToText(prompt, '[MASK]')).toBe('Query. It was [MASK]. ‖ One. It was great. ‖ Two. It was bad.');
    expect(query.parts.some((p) => 'demo' in p)).toBe(false); // the query is not changed
  });

  it('give every prompt of a plan the same demonstrations; keys follow', () => {
    const t = template('[X] It was [Z].');
    const prompts = [renderPrompt(t, { X: 'Q' }, 1), renderPrompt(t, { X: 'Q' }, 3)];
    const plan = {
      labels: ['pos'],
      words: [],
      tokenIds: [],
      prompts,
      keys: prompts.map(promptKey),
      info: prompts.map((prompt, i) => ({
        prompt,
        key: promptKey(prompt),
        maskCount: i === 0 ? 1 : 3,
        uses: ['input' as const],
      })),
      inputPrompt: { 1: 0, 3: 1 },
      contentFreePrompts: [],
      contentFreeInputs: [],
      options: { aggregation: 'sum', multiToken: 'all-subtokens', lengthNormalize: false, calibrate: false },
      warnings: [],
    } satisfies ScoringPlan;
    const demos = [renderDemo(t, { X: 'D' }, 'great')];
    const out = demoPlanTransform(demos)(plan, 0);
    expect(out.prompts).toEqual(prompts.map((p) => withDemos(p, demos)));
    expect(out.keys).toEqual(out.prompts.map(promptKey));
    expect(new Set([...out.keys, ...plan.keys]).size).toBe(4);
    expect(out.info.map((i) => i.key)).toEqual(out.keys);
    expect(out.inputPrompt).toEqual(plan.inputPrompt);
    expect(plan.keys).toEqual(prompts.map(promptKey)); // the plan itself is not changed
  });

  it('are drawn one per label, seeded by (seed, K, query), never the query itself', () => {
    const byLabel = [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ];
    const pick = (query: number, seed = 13, k = 4) => selectDemos({ byLabel, seed, k, query, selection: 'random' });
    expect(pick(10)).toEqual(pick(10));
    const draws = new Set(Array.from({ length: 40 }, (_, q) => pick(100 + q).join(',')));
    expect(draws.size).toBeGreaterThan(8);
    for (let q = 0; q < 40; q++) {
      const [a, b] = pick(100 + q);
      expect(byLabel[0]).toContain(a);
      expect(byLabel[1]).toContain(b);
    }
    for (let s = 0; s < 30; s++)
      expect(selectDemos({ byLabel, seed: s, k: 4, query: 2, self: 2, selection: 'random' })[0]).not.toBe(2);
    expect(selectDemos({ byLabel: [[2], [5]], seed: 1, k: 1, query: 2, self: 2, selection: 'random' })).toEqual([
      null,
      5,
    ]);
  });

  it("'similar' draws from the closer half of each label's examples", () => {
    const hidden: Record<number, number[]> = {
      0: [1, 0],
      1: [0.9, 0.1],
      2: [-1, 0],
      3: [0, -1],
      4: [1, 0.2],
      5: [-1, 0.1],
    };
    const query = [1, 0];
    const byLabel = [
      [0, 1, 2, 3],
      [4, 5],
    ];
    for (let q = 0; q < 30; q++) {
      const [a, b] = selectDemos({
        byLabel,
        seed: 13,
        k: 4,
        query: q,
        selection: 'similar',
        similarity: (t) => cosine(query, hidden[t]!),
      });
      expect([0, 1]).toContain(a);
      expect(b).toBe(4);
    }
    expect(cosine([1, 0], [0, 0])).toBe(0);
    expect(cosine([1, 1], [2, 2])).toBeCloseTo(1, 12);
  });
});
