import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/evaluation.ts';
import { argmax, softmax } from '../../src/core/numerics.ts';
import { spanCoordinates, tunedScores, tuneLabels, type TuningExample } from '../../src/core/fewshot/tune.ts';
import { DEFAULT_TUNING } from '../../src/core/fewshot/types.ts';

/** Standard normal draws (Box–Muller) from a seeded generator. */
function gaussian(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * L labels; hidden vectors of size H are noise plus `strength` along a direction per label; z is
 * noise that knows nothing of the label (zero-shot at chance).
 */
function synthetic(n: number, L: number, H: number, seed: number, strength = 1): TuningExample[] {
  const g = gaussian(seed);
  const directions = Array.from({ length: L }, (_, l) => {
    const d = gaussian(1000 + l);
    return Array.from({ length: H }, () => d() / Math.sqrt(H));
  });
  return Array.from({ length: n }, (_, i) => {
    const gold = i % L;
    const hidden = new Float32Array(H);
    for (let j = 0; j < H; j++) hidden[j] = g() * 0.5 + strength * 12 * directions[gold]![j]!;
    return { gold, hidden, z: Array.from({ length: L }, () => g() * 2) };
  });
}

const accuracy = (tuned: ReturnType<typeof tuneLabels>, xs: TuningExample[]) =>
  xs.filter((x) => argmax(tunedScores(tuned, x.z, x.hidden)) === x.gold).length / xs.length;

describe('verbalizer tuning', () => {
  it('is the zero-shot logit-mean scoring at step 0', () => {
    const xs = synthetic(20, 3, 16, 1);
    const tuned = tuneLabels(xs, 3, { ...DEFAULT_TUNING, steps: 0 });
    expect(tuned.steps).toBe(0);
    for (const x of xs) {
      const got = softmax(tunedScores(tuned, x.z, x.hidden))!;
      const want = softmax(x.z)!;
      got.forEach((p, l) => expect(Math.abs(p - want[l]!)).toBeLessThan(1e-6));
      expect(tunedScores(tuned, x.z, x.hidden)).toEqual(x.z);
    }
  });

  it('keeps a label without usable words at probability 0', () => {
    const xs = synthetic(10, 3, 8, 2).map((x) => ({ ...x, z: [x.z[0]!, -Infinity, x.z[2]!] }));
    const tuned = tuneLabels(xs, 3, DEFAULT_TUNING);
    expect(Number.isFinite(tuned.finalLoss)).toBe(true);
    for (const x of xs) expect(softmax(tunedScores(tuned, x.z, x.hidden))![1]).toBe(0);
  });

  it('learns a separable direction where zero-shot is at chance (K = 16, 5 labels, H = 768)', () => {
    const train = synthetic(16 * 5, 5, 768, 3);
    const test = synthetic(500, 5, 768, 4);
    const zeroShot = test.filter((x) => argmax(x.z) === x.gold).length / test.length;
    const t0 = performance.now();
    const tuned = tuneLabels(train, 5, DEFAULT_TUNING);
    const ms = performance.now() - t0;
    const acc = accuracy(tuned, test);
    console.log(
      `tuning K=16, 5 labels, H=768, ${tuned.steps} steps: ${ms.toFixed(1)} ms; loss ${tuned.initialLoss.toFixed(3)} → ${tuned.finalLoss.toFixed(3)}; test accuracy zero-shot ${(100 * zeroShot).toFixed(1)}% → tuned ${(100 * acc).toFixed(1)}%`,
    );
    expect(zeroShot).toBeLessThan(0.35);
    expect(acc).toBeGreaterThanOrEqual(0.95);
    expect(tuned.finalLoss).toBeLessThan(tuned.initialLoss);
  });

  it('is deterministic', () => {
    const xs = synthetic(12, 2, 32, 5);
    const a = tuneLabels(xs, 2, DEFAULT_TUNING);
    const b = tuneLabels(xs, 2, DEFAULT_TUNING);
    expect(a.dv).toEqual(b.dv);
    expect(a.dc).toEqual(b.dc);
  });

  it('pulls toward the start with a larger L2 weight', () => {
    const xs = synthetic(40, 2, 32, 6);
    const norm = (t: ReturnType<typeof tuneLabels>) => Math.hypot(...t.dv, ...t.dc);
    expect(norm(tuneLabels(xs, 2, { ...DEFAULT_TUNING, l2: 1 }))).toBeLessThan(norm(tuneLabels(xs, 2, DEFAULT_TUNING)));
  });

  it('says which hidden vector has the wrong size', () => {
    const xs = synthetic(3, 2, 8, 7);
    xs[2] = { ...xs[2]!, hidden: new Float32Array(7) };
    expect(() => tuneLabels(xs, 2, DEFAULT_TUNING)).toThrow(/hidden vector 2 has 7 values, expected 8/);
  });

  it("works in exact coordinates of the training vectors' span (duplicates add nothing)", () => {
    const g = gaussian(8);
    const n = 6;
    const H = 10;
    const h = new Float64Array(n * H);
    for (let i = 0; i < 5 * H; i++) h[i] = g();
    for (let j = 0; j < H; j++) h[5 * H + j] = h[2 * H + j]!; // row 5 = row 2
    const span = spanCoordinates(h, n, H);
    expect(span.r).toBe(5);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, k) => s + x * b[k]!, 0);
    const row = (m: Float64Array, i: number, w: number) => m.subarray(i * w, (i + 1) * w);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        expect(dot(row(span.x, i, 5), row(span.x, j, 5))).toBeCloseTo(dot(row(h, i, H), row(h, j, H)), 9);
    const u = [0.3, -1, 2, 0.5, 0.25];
    const v = span.toHidden(u);
    for (let i = 0; i < n; i++) expect(dot(row(h, i, H), v)).toBeCloseTo(dot(row(span.x, i, 5), u), 9);
    expect(Math.hypot(...v)).toBeCloseTo(Math.hypot(...u), 9);
  });
});
