// K-shot splits (LM-BFF style): K training examples per label, drawn with a seed; the test set is
// the rest of the pool (or a separate test file). Deterministic from (dataset, K, seed): each
// label's examples are shuffled with a generator seeded by (seed, label), and the K-shot training
// set is the first K of each list — so for one seed the 4-shot set is inside the 8-shot set, and a
// learning curve adds examples instead of redrawing them. A training example never reaches the test set.

import type { EvalExample } from '../dataset.ts';
import { evaluationOrder, seededRandom } from '../evaluation.ts';
import type { FewShotSkip, FewShotSplit } from './types.ts';

/** FNV-1a over the label's UTF-16 units, mixed with the seed: one generator per (seed, label). */
function labelSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Each label's pool indices in a seeded order (the draw order of every K for this seed). */
export function drawOrder(examples: readonly EvalExample[], labels: readonly string[], seed: number): number[][] {
  return labels.map((label) => {
    const own: number[] = [];
    examples.forEach((e, i) => {
      if (e.gold === label) own.push(i);
    });
    const random = seededRandom(labelSeed(seed, label));
    for (let i = own.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [own[i], own[j]] = [own[j]!, own[i]!];
    }
    return own;
  });
}

export interface SplitRequest {
  examples: readonly EvalExample[];
  labels: readonly string[];
  k: number;
  seed: number;
  /** Size of a separate test file (its examples are the test set), or null for "the rest". */
  testFileSize: number | null;
  /** Keep at most this many test examples (a seeded sample, in pool order); null = all. */
  maxTest: number | null;
}

/** One split, or why it can't be drawn (a label with fewer than K examples, nothing left to test). */
export function fewShotSplit(req: SplitRequest): { ok: true; split: FewShotSplit } | { ok: false; skip: FewShotSkip } {
  const { examples, labels, k, seed } = req;
  const orders = drawOrder(examples, labels, seed);
  for (let l = 0; l < labels.length; l++) {
    const have = orders[l]!.length;
    if (have < k) {
      return {
        ok: false,
        skip: { k, seed, method: null, code: 'too-few-examples', params: { label: labels[l]!, have, need: k } },
      };
    }
  }
  const train = orders.flatMap((o) => o.slice(0, k));
  let test: number[];
  if (req.testFileSize !== null) {
    test = Array.from({ length: req.testFileSize }, (_, i) => i);
  } else {
    const inTrain = new Set(train);
    test = [];
    for (let i = 0; i < examples.length; i++) if (!inTrain.has(i)) test.push(i);
  }
  if (req.maxTest !== null && test.length > req.maxTest) {
    // The same seeded sample for every K of a seed would need a fixed pool; "the rest" differs by K,
    // so sample by position in a seeded order of the whole pool and keep pool order.
    const rank = new Map<number, number>();
    evaluationOrder(req.testFileSize ?? examples.length, labelSeed(seed, '\u0000test')).forEach((idx, r) =>
      rank.set(idx, r),
    );
    test = [...test]
      .sort((a, b) => rank.get(a)! - rank.get(b)!)
      .slice(0, req.maxTest)
      .sort((a, b) => a - b);
  }
  if (test.length === 0) {
    return { ok: false, skip: { k, seed, method: null, code: 'no-test-examples', params: {} } };
  }
  return { ok: true, split: { k, seed, train, test, testSource: req.testFileSize !== null ? 'file' : 'rest' } };
}

/** The split as rows for an export: pool line, role, label. */
export function splitRows(
  split: FewShotSplit,
  examples: readonly EvalExample[],
  testExamples?: readonly EvalExample[],
): { k: number; seed: number; role: 'train' | 'test'; line: number; label: string }[] {
  const testPool = split.testSource === 'file' ? (testExamples ?? []) : examples;
  return [
    ...split.train.map((i) => ({
      k: split.k,
      seed: split.seed,
      role: 'train' as const,
      line: examples[i]!.line,
      label: examples[i]!.gold,
    })),
    ...split.test.map((i) => ({
      k: split.k,
      seed: split.seed,
      role: 'test' as const,
      line: testPool[i]!.line,
      label: testPool[i]!.gold,
    })),
  ];
}
