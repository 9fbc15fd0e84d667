// Word attribution's pure parts: splitting an input into words (English, Chinese, mixed, several
// slots), the occluded inputs, and the prompts an attribution plans — exactly n + 1 per input.
import { describe, expect, it } from 'vitest';
import { inputWords, splitWords } from '../../src/core/attribution/words.ts';
import { maskOcclusion, occlusionSet, removeWord } from '../../src/core/attribution/occlusion.ts';
import { planScoring, requiredPrompts } from '../../src/core/scoring-plan.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { parseTemplate, promptKey, type Template } from '../../src/core/template.ts';
import type { ResolvedWord } from '../../src/core/label-words.ts';

function parsed(text: string): Template {
  const r = parseTemplate(text);
  if (!r.ok) throw new Error(`bad template ${text}`);
  return r.template;
}

const word = (label: string, w: string, ids: number[]): ResolvedWord => ({
  label,
  word: w,
  form: { text: w, ids, pieces: ids.map(String), hasUnknown: false },
  status: ids.length > 1 ? 'multi' : 'single',
});
const single = [word('positive', 'great', [100]), word('negative', 'bad', [200])];

describe('splitWords', () => {
  it('English: words, inner apostrophes, punctuation on its own, spans into the text', () => {
    const text = "  I didn't like it, 100%!";
    const words = splitWords(text);
    expect(words.map((w) => w.text)).toEqual(['I', "didn't", 'like', 'it', ',', '100', '%', '!']);
    expect(words.map((w) => w.kind)).toEqual(['word', 'word', 'word', 'word', 'punct', 'word', 'punct', 'punct']);
    for (const w of words) expect(text.slice(w.span.start, w.span.end)).toBe(w.text);
  });

  it('Chinese: one word per Han character; mixed scripts are decided per character', () => {
    expect(splitWords('这部电影很好。').map((w) => w.text)).toEqual(['这', '部', '电', '影', '很', '好', '。']);
    const mixed = splitWords('BERT模型 very好');
    expect(mixed.map((w) => [w.text, w.kind])).toEqual([
      ['BERT', 'word'],
      ['模', 'char'],
      ['型', 'char'],
      ['very', 'word'],
      ['好', 'char'],
    ]);
  });

  it('every slot of a multi-input template, in slot order; empty and space-only inputs have none', () => {
    const words = inputWords({ X1: 'A man sleeps.', X2: 'Nobody' }, ['X1', 'X2']);
    expect(words.map((w) => `${w.slot}:${w.text}`)).toEqual(['X1:A', 'X1:man', 'X1:sleeps', 'X1:.', 'X2:Nobody']);
    expect(splitWords('   ')).toEqual([]);
    expect(splitWords('')).toEqual([]);
  });
});

describe('occluded inputs', () => {
  it('removing a word leaves no double space and keeps punctuation attached', () => {
    const t = 'Hello, big world.';
    expect(removeWord(t, 0, 5)).toBe(', big world.');
    expect(removeWord(t, 5, 6)).toBe('Hello big world.');
    expect(removeWord(t, 7, 10)).toBe('Hello, world.');
    expect(removeWord(t, 16, 17)).toBe('Hello, big world');
    expect(removeWord('这部电影很好', 4, 5)).toBe('这部电影好');
  });

  it('mask mode: the word becomes a part of its own holding the mask token, marked occlusion', () => {
    const set = occlusionSet({ X: 'It was [MASK] good' }, ['X'], 'mask', '[MASK]');
    expect(set.words.map((w) => w.text)).toEqual(['It', 'was', '[', 'MASK', ']', 'good']);
    const template = parsed('[X] All in all, [Z].');
    const plan = set.transform!(planScoring(template, set.variants[6]!.inputs, single));
    const parts = plan.prompts[0]!.parts;
    // The typed "[MASK]" stays an ordinary input part (read as unknown); only "good" is replaced.
    expect(parts).toEqual([
      { kind: 'input', slot: 'X', text: 'It was [MASK] ' },
      { kind: 'input', slot: 'X', text: '[MASK]', occlusion: true },
      { kind: 'template', text: ' All in all, ' },
      { kind: 'mask', count: 1 },
      { kind: 'template', text: '.' },
    ]);
    expect(plan.keys[0]).toBe(promptKey(plan.prompts[0]!));
    expect(plan.info[0]!.key).toBe(plan.keys[0]);
    // An occlusion part and the same text typed are different prompts.
    const typed = planScoring(template, { X: 'It was [MASK] [MASK]' }, single);
    expect(typed.keys[0]).not.toBe(plan.keys[0]);
    // Prompts without the placeholder are left alone.
    const orig = { parts: [{ kind: 'input' as const, slot: 'X', text: 'x' }] };
    expect(maskOcclusion(orig, '\ue000', '[MASK]')).toBe(orig);
  });
});

/** Distinct prompts the attribution of `inputs` needs, as the pipeline plans them. */
function distinctPrompts(
  template: Template,
  inputs: Record<string, string>,
  mode: 'remove' | 'mask',
  words: ResolvedWord[],
  scoring = DEFAULT_SCORING_OPTIONS,
): { n: number; prompts: number } {
  const set = occlusionSet(inputs, template.slots, mode, '[MASK]');
  const keys = new Set<string>();
  for (const v of set.variants) {
    let plan = planScoring(template, v.inputs, words, scoring, { maskToken: '[MASK]' });
    if (set.transform) plan = set.transform(plan);
    for (const i of requiredPrompts(plan, scoring)) keys.add(plan.keys[i]!);
  }
  return { n: set.words.length, prompts: keys.size };
}

describe('cost: n + 1 prompts per input', () => {
  const en = parsed('[X] Overall, it was a [Z] movie.');
  it.each(['remove', 'mask'] as const)('%s: exactly n + 1 (English, Chinese, two slots)', (mode) => {
    const a = distinctPrompts(en, { X: 'The acting was wooden, but the story kept me watching.' }, mode, single);
    expect(a.n).toBe(12);
    expect(a.prompts).toBe(a.n + 1);
    const zh = distinctPrompts(parsed('[X]总之，[Z]。'), { X: '这部电影很好看' }, mode, single);
    expect(zh).toEqual({ n: 7, prompts: 8 });
    const nli = distinctPrompts(parsed('[X1] ? [Z] , [X2]'), { X1: 'A man sleeps.', X2: 'He is awake.' }, mode, single);
    expect(nli).toEqual({ n: 8, prompts: 9 });
  });

  it('calibration adds its 3 content-free prompts once; multi-token words add the k-mask prompt per input', () => {
    const cal = distinctPrompts(en, { X: 'A fine film.' }, 'remove', single, {
      ...DEFAULT_SCORING_OPTIONS,
      calibrate: true,
    });
    expect(cal).toEqual({ n: 4, prompts: 4 + 1 + 3 });
    const multi = [word('positive', 'fantastic', [1, 2, 3]), word('negative', 'bad', [200])];
    const all = distinctPrompts(en, { X: 'A fine film.' }, 'mask', multi, {
      ...DEFAULT_SCORING_OPTIONS,
      multiToken: 'all-subtokens',
    });
    expect(all).toEqual({ n: 4, prompts: 2 * (4 + 1) });
  });

  it('a repeated word whose removals give the same prompt runs once', () => {
    expect(distinctPrompts(en, { X: 'very very good' }, 'remove', single)).toEqual({ n: 3, prompts: 3 });
  });
});
