import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../src/core/dataset.ts';
import { drawOrder, fewShotSplit, splitRows, type SplitRequest } from '../../src/core/fewshot/splits.ts';

const ex = (line: number, gold: string): EvalExample => ({
  line,
  endLine: line,
  inputs: { X: `text ${line}` },
  gold,
  rawLabel: gold,
});
/** 3 labels with 40, 30 and 5 examples, interleaved. */
const pool: EvalExample[] = [];
for (let i = 0; i < 75; i++) pool.push(ex(i + 2, i < 40 ? 'a' : i < 70 ? 'b' : 'c'));
pool.sort((x, y) => ((x.line * 7919) % 75) - ((y.line * 7919) % 75));
const labels = ['a', 'b', 'c'];
const req = (over: Partial<SplitRequest> = {}): SplitRequest => ({
  examples: pool,
  labels,
  k: 4,
  seed: 13,
  testFileSize: null,
  maxTest: null,
  ...over,
});
const split = (over: Partial<SplitRequest> = {}) => {
  const s = fewShotSplit(req(over));
  if (!s.ok) throw new Error(`skipped: ${s.skip.code}`);
  return s.split;
};

describe('few-shot splits', () => {
  it('are deterministic from (dataset, K, seed) and differ between seeds', () => {
    expect(split()).toEqual(split());
    expect(split({ seed: 21 }).train).not.toEqual(split().train);
  });

  it('draw K per label, in label order, each of its label', () => {
    const s = split({ k: 5 });
    expect(s.train).toHaveLength(15);
    expect(s.train.map((i) => pool[i]!.gold)).toEqual('aaaaabbbbbccccc'.split(''));
    expect(new Set(s.train).size).toBe(15);
  });

  it('are nested in K for one seed (the 4-shot set is inside the 8-shot set)', () => {
    for (const seed of [13, 21, 42, 87, 100]) {
      const small = split({ k: 2, seed });
      const large = split({ k: 5, seed });
      for (let l = 0; l < 3; l++)
        expect(large.train.slice(l * 5, l * 5 + 2)).toEqual(small.train.slice(l * 2, l * 2 + 2));
    }
    expect(drawOrder(pool, labels, 42)).toEqual(drawOrder(pool, labels, 42));
  });

  it('never put a training example in the test set; the test set is the rest', () => {
    for (const seed of [13, 21, 42, 87, 100]) {
      for (const k of [1, 2, 5]) {
        const s = split({ k, seed });
        const train = new Set(s.train);
        expect(s.test.some((i) => train.has(i))).toBe(false);
        expect(s.test.length + s.train.length).toBe(pool.length);
        expect(s.testSource).toBe('rest');
      }
    }
  });

  it('skip a K that a label cannot fill, saying which label', () => {
    const s = fewShotSplit(req({ k: 6 }));
    expect(s).toEqual({
      ok: false,
      skip: { k: 6, seed: 13, method: null, code: 'too-few-examples', params: { label: 'c', have: 5, need: 6 } },
    });
  });

  it('sample maxTest test examples, seeded, in pool order, never a training example', () => {
    const s = split({ maxTest: 20 });
    expect(s.test).toHaveLength(20);
    expect([...s.test].sort((a, b) => a - b)).toEqual(s.test);
    expect(s.test.some((i) => s.train.includes(i))).toBe(false);
    expect(split({ maxTest: 20 }).test).toEqual(s.test);
    expect(split({ maxTest: 20, seed: 21 }).test).not.toEqual(s.test);
    // One seed's samples for two K overlap in all but the examples the larger K trains on.
    const larger = split({ maxTest: 20, k: 5 });
    const shared = larger.test.filter((i) => s.test.includes(i)).length;
    expect(shared).toBeGreaterThanOrEqual(20 - 3);
  });

  it('take a separate test file whole (or its sample)', () => {
    const s = split({ testFileSize: 7 });
    expect(s.test).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(s.testSource).toBe('file');
    expect(split({ testFileSize: 7, maxTest: 3 }).test).toHaveLength(3);
    const none = fewShotSplit(req({ testFileSize: 0 }));
    expect(none.ok ? null : none.skip.code).toBe('no-test-examples');
  });

  it('list their rows with the data lines', () => {
    const s = split({ k: 1 });
    const rows = splitRows(s, pool);
    expect(rows.filter((r) => r.role === 'train').map((r) => r.label)).toEqual(['a', 'b', 'c']);
    expect(rows).toHaveLength(pool.length);
    expect(rows[0]).toEqual({ k: 1, seed: 13, role: 'train', line: pool[s.train[0]!]!.line, label: 'a' });
  });
});
