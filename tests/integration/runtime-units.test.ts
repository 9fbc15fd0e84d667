/**
 * Unit tests for the runtime's pure helpers (no model): part boundaries, truncation, batch
 * planning, log-softmax/top-k, error-message mapping, cache-key matching.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PromptPart } from '../../src/core/types.ts';
import { urlBelongsToModel } from '../../src/runtime/cache.ts';
import { RuntimeError, isCancellation, toRuntimeError, type ErrorContext } from '../../src/runtime/errors.ts';
import { planBatches } from '../../src/runtime/batching.ts';
import { scoreRow, topKIndices } from '../../src/runtime/mask-row-scores.ts';
import { partTexts, truncateInputs, type Segment } from '../../src/runtime/prompt-assembly.ts';

describe('partTexts', () => {
  const parts: PromptPart[] = [
    { kind: 'template', text: 'Review: ' },
    { kind: 'input', slot: 'x', text: 'great film ' },
    { kind: 'template', text: 'It was ' },
    { kind: 'mask', count: 1 },
    { kind: 'template', text: ' indeed.' },
  ];

  it('moves boundary spaces forward and lets an lstrip mask swallow the space before it', () => {
    expect(partTexts(parts, { maskLstrip: true, maskRstrip: false, moveTrailingSpace: true })).toEqual([
      'Review:',
      ' great film',
      ' It was',
      null,
      ' indeed.',
    ]);
  });

  it('rstrip masks swallow the following space; nothing moves when disabled', () => {
    expect(partTexts(parts, { maskLstrip: false, maskRstrip: true, moveTrailingSpace: false })).toEqual([
      'Review: ',
      'great film ',
      'It was ',
      null,
      'indeed.',
    ]);
  });

  it('a separator is a boundary: the space before it is dropped, none moves across it, the text after keeps its own', () => {
    const withSep: PromptPart[] = [
      { kind: 'input', slot: 'x', text: 'great film ' },
      { kind: 'template', text: 'It was ' },
      { kind: 'mask', count: 1 },
      { kind: 'template', text: '. ' },
      { kind: 'separator', demo: 1 },
      { kind: 'input', slot: 'x', text: 'dull film ', demo: 1 },
      { kind: 'template', text: 'It was bad. ', demo: 1 },
      { kind: 'separator', demo: 2 },
      { kind: 'template', text: ' It was fine.', demo: 2 },
    ];
    for (const maskLstrip of [true, false])
      expect(partTexts(withSep, { maskLstrip, maskRstrip: false, moveTrailingSpace: true })).toEqual([
        'great film',
        maskLstrip ? ' It was' : ' It was ',
        null,
        '.',
        null,
        'dull film',
        ' It was bad.',
        null,
        ' It was fine.',
      ]);
  });

  it('keeps the concatenated text (modulo stripped spaces) intact', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('template' as const), text: fc.string() }),
            fc.record({ kind: fc.constant('input' as const), slot: fc.constant('x'), text: fc.string() }),
            fc.record({ kind: fc.constant('mask' as const), count: fc.integer({ min: 0, max: 3 }) }),
          ),
        ),
        (ps) => {
          const texts = partTexts(ps, {
            maskLstrip: false,
            maskRstrip: false,
            moveTrailingSpace: true,
          });
          const join = (xs: (string | null)[]) => xs.map((t) => t ?? '\u0000').join('');
          expect(join(texts)).toBe(join(ps.map((p) => (p.kind === 'mask' ? null : p.text))));
        },
      ),
    );
  });
});

describe('truncateInputs', () => {
  const seg = (kind: Segment['kind'], n: number, base = 0): Segment => ({
    kind,
    ids: Array.from({ length: n }, (_, i) => base + i),
  });

  it('cuts only inputs, from their end, longest first', () => {
    const segs = [seg('template', 3), seg('input', 10, 100), seg('mask', 1), seg('input', 4, 200)];
    expect(truncateInputs(segs, 2, 14)).toBe(6);
    expect(segs.map((s) => s.ids.length)).toEqual([3, 4, 1, 4]);
    expect(segs[1]!.ids).toEqual([100, 101, 102, 103]);
    expect(truncateInputs(segs, 2, 12)).toBe(2);
    expect(segs.map((s) => s.ids.length)).toEqual([3, 3, 1, 3]);
  });

  it('returns 0 when it fits and -1 when templates + masks alone are too long', () => {
    expect(truncateInputs([seg('template', 3), seg('input', 3)], 2, 8)).toBe(0);
    expect(truncateInputs([seg('template', 9), seg('input', 3)], 2, 8)).toBe(-1);
  });

  it('property: result fits exactly, non-inputs untouched, removed = excess', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom<Segment['kind']>('template', 'input', 'mask'),
            n: fc.integer({ min: 0, max: 40 }),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 120 }),
        (spec, reserved, max) => {
          const segs = spec.map((s, i) => seg(s.kind, s.n, i * 1000));
          const before = segs.map((s) => [...s.ids]);
          const total = reserved + spec.reduce((a, s) => a + s.n, 0);
          const fixed = reserved + spec.filter((s) => s.kind !== 'input').reduce((a, s) => a + s.n, 0);
          const removed = truncateInputs(segs, reserved, max);
          if (total <= max) expect(removed).toBe(0);
          else if (fixed > max) expect(removed).toBe(-1);
          else {
            expect(removed).toBe(total - max);
            segs.forEach((s, i) => {
              if (s.kind !== 'input') expect(s.ids).toEqual(before[i]);
              else expect(s.ids).toEqual(before[i]!.slice(0, s.ids.length));
            });
          }
        },
      ),
    );
  });
});

describe('planBatches', () => {
  it('sorts by length and respects batch size and the logits budget', () => {
    expect(planBatches([5, 1, 3, 2, 4], 2, 10, 1e9)).toEqual([[1, 3], [2, 4], [0]]);
    // 3 rows × 4 tokens × 10 vocab = 120 > 100 → at most 2 per batch
    expect(planBatches([4, 4, 4], 16, 10, 100)).toEqual([[0, 1], [2]]);
    // a single over-budget row still runs
    expect(planBatches([50], 16, 10, 100)).toEqual([[0]]);
    expect(planBatches([], 4, 10, 100)).toEqual([]);
  });
});

describe('scoreRow / topKIndices', () => {
  it('log-softmax is stable for huge logits and matches a float64 reference', () => {
    const row = Float32Array.from([1000, 999, 998, -1e4, 0]);
    const s = scoreRow(row, 0, 5, [0, 1, 3], 2, (id) => `t${id}`);
    const z = 1 + Math.exp(-1) + Math.exp(-2) + Math.exp(-1000 - 1e4) + Math.exp(-1000);
    expect(s.probs[0]).toBeCloseTo(1 / z, 12);
    expect(s.probs[1]).toBeCloseTo(Math.exp(-1) / z, 12);
    expect(s.probs[2]).toBe(0);
    expect(s.logits).toEqual([1000, 999, -1e4]);
    expect(s.top.map((t) => t.token)).toEqual(['t0', 't1']);
  });

  it('reads a row at an offset; topK 0 gives no top list', () => {
    const data = Float32Array.from([9, 9, 9, 0, 1, 2]);
    const s = scoreRow(data, 3, 3, [2], 0, String);
    expect(s.top).toEqual([]);
    expect(s.probs[0]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(1) + Math.exp(2)), 12);
  });

  it('property: topKIndices equals a full sort (ties: lower id first)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (xs, k) => {
          const kk = Math.min(k, xs.length);
          const expected = xs
            .map((_, i) => i)
            .sort((a, b) => xs[b]! - xs[a]! || a - b)
            .slice(0, kk);
          expect(topKIndices(xs, 0, xs.length, kk)).toEqual(expected);
        },
      ),
    );
  });
});

describe('toRuntimeError', () => {
  const local: ErrorContext = {
    phase: 'load',
    source: { kind: 'local', id: 'x/y' },
    baseDir: '/models/',
    modelFile: 'onnx/model_quantized.onnx',
  };
  const hub: ErrorContext = {
    phase: 'load',
    source: { kind: 'hub', id: 'Xenova/bert-base-uncased' },
    modelFile: 'onnx/model_quantized.onnx',
  };
  const notFound = (msg: string, status: number | null = null) =>
    Object.assign(new Error(msg), { name: 'ModelFileNotFoundError', status });

  const cases: [string, unknown, ErrorContext, RuntimeError['code'], RegExp?][] = [
    [
      'local 404 (browser)',
      notFound(
        '`local_files_only=true` or `env.allowRemoteModels=false` and file was not found locally at "/models/x/y/onnx/model_quantized.onnx".',
      ),
      local,
      'file-missing',
      /onnx\/model_quantized\.onnx was not found \(404\) at \/models\/x\/y\//,
    ],
    [
      'hub 404',
      notFound(
        'Could not locate file: "https://huggingface.co/Xenova/bert-base-uncased/resolve/main/onnx/model_q4.onnx".',
        404,
      ),
      hub,
      'file-missing',
      /onnx\/model_q4\.onnx/,
    ],
    [
      'hub 401',
      notFound('Unauthorized access to file: "https://huggingface.co/a/b/resolve/main/config.json".', 401),
      hub,
      'file-missing',
      /private or gated/,
    ],
    ['hub offline (browser)', new TypeError('Failed to fetch'), hub, 'hub-unreachable'],
    [
      'hub offline (node)',
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND huggingface.co'), { code: 'ENOTFOUND' }),
      }),
      hub,
      'hub-unreachable',
    ],
    [
      'hub 503',
      new Error(
        'Error (503) occurred while trying to load file: "https://huggingface.co/a/b/resolve/main/config.json".',
      ),
      hub,
      'hub-unreachable',
    ],
    [
      'ort-web protobuf',
      new Error(
        "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.",
      ),
      local,
      'corrupt-model',
      /onnx\/model_quantized\.onnx/,
    ],
    [
      'ort-node protobuf',
      new Error('Load model from /m/onnx/model.onnx failed:Protobuf parsing failed.'),
      local,
      'corrupt-model',
    ],
    [
      'html instead of json',
      new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'),
      local,
      'corrupt-model',
      /web page/,
    ],
    ['wasm OOM', new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'), local, 'out-of-memory'],
    ['ort OOM', new Error('failed to allocate a buffer of size 123456789'), local, 'out-of-memory'],
    ['unsupported type', new Error('Unsupported model type: gpt2'), local, 'not-masked-lm'],
    ['webgpu', new Error('WebGPU is not supported: no available adapter'), local, 'webgpu-unavailable'],
    ['abort', Object.assign(new Error('aborted'), { name: 'AbortError' }), local, 'cancelled'],
    ['other', new Error('something odd'), local, 'unknown', /something odd/],
  ];
  for (const [label, error, ctx, code, pattern] of cases) {
    it(`${label} → ${code}`, () => {
      const e = toRuntimeError(error, ctx);
      expect(e).toBeInstanceOf(RuntimeError);
      expect(e.code).toBe(code);
      expect(e.detail).toBeTruthy();
      if (pattern) expect(e.message).toMatch(pattern);
    });
  }

  it('round-trips through JSON and classifies cancellations', () => {
    const e = new RuntimeError('superseded', 'newer request', 'd');
    const back = RuntimeError.fromJSON(JSON.parse(JSON.stringify(e)) as ReturnType<RuntimeError['toJSON']>);
    expect(back).toMatchObject({ code: 'superseded', message: 'newer request', detail: 'd' });
    expect(isCancellation(back)).toBe(true);
    expect(isCancellation(new RuntimeError('worker-crashed', 'x'))).toBe(false);
    expect(isCancellation(new Error('x'))).toBe(false);
  });
});

describe('urlBelongsToModel', () => {
  const where = { cacheName: 'transformers-cache', localModelPath: '/models/', remoteHost: 'https://huggingface.co/' };
  it('matches app-served and Hub files of exactly that model', () => {
    expect(
      urlBelongsToModel(
        'http://localhost:5173/models/clozelab-test/bert-tiny/config.json',
        'clozelab-test/bert-tiny',
        where,
      ),
    ).toBe(true);
    expect(
      urlBelongsToModel(
        'http://localhost:5173/models/clozelab-test/bert-tiny/onnx/model.onnx',
        'clozelab-test/bert-tiny',
        where,
      ),
    ).toBe(true);
    expect(
      urlBelongsToModel(
        'http://localhost:5173/models/clozelab-test/bert-tiny-2/config.json',
        'clozelab-test/bert-tiny',
        where,
      ),
    ).toBe(false);
    expect(
      urlBelongsToModel('http://localhost:5173/models/clozelab-test/bert-tiny/config.json', 'bert-tiny', where),
    ).toBe(false);
    expect(
      urlBelongsToModel(
        'https://huggingface.co/Xenova/bert-base-uncased/resolve/main/config.json',
        'Xenova/bert-base-uncased',
        where,
      ),
    ).toBe(true);
    expect(
      urlBelongsToModel(
        'https://huggingface.co/Xenova/bert-base-uncased-x/resolve/main/config.json',
        'Xenova/bert-base-uncased',
        where,
      ),
    ).toBe(false);
    expect(urlBelongsToModel('http://localhost:5173/assets/ort.wasm', 'Xenova/bert-base-uncased', where)).toBe(false);
  });
});
