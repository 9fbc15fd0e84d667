/**
 * Integration tests for the generated test-model fixtures (scripts/make-fixtures.ts):
 * they load in onnxruntime-node and Transformers.js, match an independent JS forward pass,
 * are padding invariant, q8 tracks fp32, tokenizers behave like BERT / RoBERTa / Chinese BERT,
 * and generation is byte-for-byte deterministic.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoModelForMaskedLM, AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, fixtureById, fixtureWeights, generateFixtures } from '../../scripts/fixtures/models.ts';
import { erf, referenceForward } from '../../scripts/fixtures/reference.ts';

const MODELS_DIR = path.join(REPO_ROOT, 'public', 'models');
const MLM_IDS = ['clozelab-test/bert-tiny', 'clozelab-test/roberta-tiny', 'clozelab-test/chinese-bert-tiny'] as const;
type MlmId = (typeof MLM_IDS)[number];

/** Two sentences of different length, each with one mask token (the second gets padded). */
const SENTENCES: Record<MlmId, [string, string]> = {
  'clozelab-test/bert-tiny': ['Overall, the movie was really [MASK] and I would watch it again.', 'It was [MASK].'],
  'clozelab-test/roberta-tiny': ['Overall, the movie was really <mask> and I would watch it again.', 'It was<mask>.'],
  'clozelab-test/chinese-bert-tiny': ['总之，这个电影真的很[MASK]，我们都喜欢。', '很[MASK]。'],
};

beforeAll(() => {
  generateFixtures();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
}, 120_000);

// ---- helpers ----------------------------------------------------------------------------------

interface Batch {
  ids: number[][];
  mask: number[][];
  types: number[][];
}

function toTensor(rows: number[][]): ort.Tensor {
  const b = rows.length;
  const s = rows[0]?.length ?? 0;
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat().map((v) => BigInt(v))), [b, s]);
}

async function runOrt(session: ort.InferenceSession, batch: Batch): Promise<ort.Tensor> {
  const out = await session.run({
    input_ids: toTensor(batch.ids),
    attention_mask: toTensor(batch.mask),
    token_type_ids: toTensor(batch.types),
  });
  const name = session.outputNames[0] ?? 'logits';
  const t = out[name];
  if (!t) throw new Error('no output');
  return t;
}

/** Tokenizes with right padding using the fixture's own Transformers.js tokenizer. */
function encode(tok: PreTrainedTokenizer, texts: string[]): Batch {
  const enc = tok(texts, { padding: true, return_token_type_ids: true }) as unknown as Record<
    string,
    { tolist(): (number | bigint)[][] }
  >;
  const rows = (k: string) => (enc[k]?.tolist() ?? []).map((r) => r.map(Number));
  const ids = rows('input_ids');
  const types = enc.token_type_ids ? rows('token_type_ids') : ids.map((r) => r.map(() => 0));
  return { ids, mask: rows('attention_mask'), types };
}

/** Row `b`, position `s` of a [B, S, V] float tensor. */
function slice(t: ort.Tensor, b: number, s: number): Float32Array {
  const [, S, V] = t.dims as [number, number, number];
  return (t.data as Float32Array).subarray((b * S + s) * V, (b * S + s + 1) * V);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Logits at all real (unpadded) positions, concatenated. */
function realLogits(t: ort.Tensor, mask: number[][]): Float32Array {
  const parts: number[] = [];
  mask.forEach((row, b) => row.forEach((m, s) => m && parts.push(...slice(t, b, s))));
  return Float32Array.from(parts);
}

function softmaxMax(logits: Float32Array): number {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  return 1 / sum;
}

const sessions = new Map<string, ort.InferenceSession>();
async function session(dir: string, file: 'model.onnx' | 'model_quantized.onnx'): Promise<ort.InferenceSession> {
  const key = `${dir}/${file}`;
  let s = sessions.get(key);
  if (!s) {
    s = await ort.InferenceSession.create(path.join(REPO_ROOT, dir, 'onnx', file));
    sessions.set(key, s);
  }
  return s;
}

afterAll(async () => {
  for (const s of sessions.values()) await s.release();
});

/** Stats the lead asked for; printed once at the end. */
const report: Record<string, number | string> = {};
afterAll(() => console.log('[fixtures] ' + JSON.stringify(report)));

// ---- models ---------------------------------------------------------------------------------

describe.each(MLM_IDS)('%s', (id) => {
  const spec = fixtureById(id);

  it('has a labelled config', () => {
    const cfg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, spec.dir, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(cfg.clozelab_test_model).toBe(true);
    expect(String(cfg.clozelab_note)).toMatch(/random weights/);
    expect(cfg.max_position_embeddings).toBe(spec.family === 'roberta' ? 514 : 512);
  });

  it.each(['model.onnx', 'model_quantized.onnx'] as const)(
    '%s runs in onnxruntime-node, padding invariant',
    async (file) => {
      const tok = await AutoTokenizer.from_pretrained(id);
      const s = await session(spec.dir, file);
      expect(s.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
      expect(s.outputNames).toEqual(['logits']);

      const batch = encode(tok, SENTENCES[id]);
      const [S0, S1] = [batch.mask[0]?.reduce((x, y) => x + y, 0) ?? 0, batch.mask[1]?.reduce((x, y) => x + y, 0) ?? 0];
      expect(S1).toBeLessThan(S0); // the second sentence really is padded
      const logits = await runOrt(s, batch);
      const V = tok.get_vocab().size;
      expect(logits.dims).toEqual([2, S0, V]);
      expect((logits.data as Float32Array).every(Number.isFinite)).toBe(true);

      // Same sentence alone (no padding) → same logits at its real positions.
      const alone = await runOrt(s, encode(tok, [SENTENCES[id][1]]));
      expect(alone.dims).toEqual([1, S1, V]);
      let diff = 0;
      let corr = 1;
      for (let p = 0; p < S1; p++) {
        diff = Math.max(diff, maxAbsDiff(slice(alone, 0, p), slice(logits, 1, p)));
        corr = Math.min(corr, correlation(slice(alone, 0, p), slice(logits, 1, p)));
      }
      report[`${id}/${file}/padding_max_abs_diff`] = Number(diff.toExponential(2));
      if (file === 'model.onnx') {
        expect(diff).toBeLessThan(1e-4);
        // …and the mask is what makes it so: attending to the pad tokens changes the result.
        const unmasked = await runOrt(s, { ...batch, mask: batch.mask.map((r) => r.map(() => 1)) });
        expect(maxAbsDiff(slice(unmasked, 1, 1), slice(logits, 1, 1))).toBeGreaterThan(1e-2);
      } else {
        // Dynamic quantization picks the activation scale per tensor (= per batch), so padded
        // batches differ slightly from single sentences — only approximately invariant.
        expect(corr).toBeGreaterThan(0.99);
      }

      // The prediction at a mask is peaked (random weights, but visibly non-uniform).
      const maskPos = batch.ids[0]?.indexOf(tok.mask_token_id) ?? -1;
      expect(maskPos).toBeGreaterThan(0);
      const top = softmaxMax(slice(logits, 0, maskPos));
      report[`${id}/${file}/top1_prob_at_mask`] = Number(top.toFixed(4));
      expect(top).toBeGreaterThan(20 / V);
    },
  );

  it('q8 logits track fp32', async () => {
    const tok = await AutoTokenizer.from_pretrained(id);
    const batch = encode(tok, SENTENCES[id]);
    const fp32 = realLogits(await runOrt(await session(spec.dir, 'model.onnx'), batch), batch.mask);
    const q8 = realLogits(await runOrt(await session(spec.dir, 'model_quantized.onnx'), batch), batch.mask);
    const corr = correlation(fp32, q8);
    report[`${id}/q8_vs_fp32_correlation`] = Number(corr.toFixed(5));
    report[`${id}/q8_vs_fp32_max_abs_diff`] = Number(maxAbsDiff(fp32, q8).toFixed(4));
    expect(corr).toBeGreaterThan(0.95);
  });

  it('fp32 graph matches an independent JS forward pass', async () => {
    const tok = await AutoTokenizer.from_pretrained(id);
    const batch = encode(tok, SENTENCES[id]);
    const ortLogits = await runOrt(await session(spec.dir, 'model.onnx'), batch);
    const { weights } = fixtureWeights(spec);
    const ref = referenceForward(weights, batch.ids, batch.mask, batch.types);
    let diff = 0;
    batch.mask.forEach((row, b) =>
      row.forEach((m, p) => {
        if (m) diff = Math.max(diff, maxAbsDiff(ref[b]?.[p] ?? [], slice(ortLogits, b, p)));
      }),
    );
    report[`${id}/js_vs_ort_max_abs_diff`] = Number(diff.toExponential(2));
    expect(diff).toBeLessThan(1e-4);
  });

  it.each(['fp32', 'q8'] as const)('loads in Transformers.js (dtype %s) and agrees with ORT', async (dtype) => {
    const tok = await AutoTokenizer.from_pretrained(id);
    const model = await AutoModelForMaskedLM.from_pretrained(id, { dtype });
    try {
      expect(model.constructor.name).toBe(spec.family === 'roberta' ? 'RobertaForMaskedLM' : 'BertForMaskedLM');
      const inputs = tok(SENTENCES[id], { padding: true });
      const { logits } = (await model(inputs)) as { logits: { dims: number[]; data: Float32Array } };
      const batch = encode(tok, SENTENCES[id]);
      const V = tok.get_vocab().size;
      expect(logits.dims).toEqual([2, batch.ids[0]?.length, V]);
      const direct = await runOrt(
        await session(spec.dir, dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx'),
        batch,
      );
      expect(maxAbsDiff(logits.data, direct.data as Float32Array)).toBeLessThan(1e-4);

      // Padding invariance through the whole Transformers.js path (fp32 exact, q8 approximate).
      const alone = (await model(tok([SENTENCES[id][1]]))) as { logits: { dims: number[]; data: Float32Array } };
      const S1 = alone.logits.dims[1] ?? 0;
      const S = logits.dims[1] ?? 0;
      const a = alone.logits.data;
      const padded = logits.data.subarray(S * V, S * V + S1 * V);
      if (dtype === 'fp32') expect(maxAbsDiff(a, padded)).toBeLessThan(1e-4);
      else expect(correlation(a, padded)).toBeGreaterThan(0.99);
    } finally {
      await model.dispose();
    }
  });
});

// ---- tokenizers -------------------------------------------------------------------------------

describe('tokenizers', () => {
  it('bert-tiny: lower-cases, uses ## pieces, [MASK] is the mask id', async () => {
    const tok = await AutoTokenizer.from_pretrained('clozelab-test/bert-tiny');
    expect(tok.mask_token).toBe('[MASK]');
    expect(tok.mask_token_id).toBe(4);
    expect(tok.pad_token_id).toBe(0);
    expect(tok.tokenize('Overall it was GREAT.')).toEqual(['overall', 'it', 'was', 'great', '.']);
    expect(tok.tokenize('great')).toEqual(['great']);
    expect(tok.tokenize('terrible')).toEqual(['terrible']);
    expect(tok.tokenize('wonderful')).toEqual(['wonder', '##ful']);
    expect(tok.tokenize('fantastic')).toEqual(['fan', '##tas', '##tic']);
    const ids = tok.encode('The movie was [MASK].');
    expect(ids[0]).toBe(tok.convert_tokens_to_ids('[CLS]'));
    expect(ids.at(-1)).toBe(tok.convert_tokens_to_ids('[SEP]'));
    expect(ids.filter((i) => i === 4)).toHaveLength(1);
    // pairs: [CLS] A [SEP] B [SEP] with token types 0…0 1…1
    const pair = tok('a premise', { text_pair: 'a hypothesis' }) as unknown as {
      token_type_ids: { tolist(): bigint[][] };
    };
    expect(pair.token_type_ids.tolist()[0]?.map(Number)).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it('roberta-tiny: byte-level BPE with Ġ, <mask> recognised', async () => {
    const tok = await AutoTokenizer.from_pretrained('clozelab-test/roberta-tiny');
    expect(tok.mask_token).toBe('<mask>');
    const vocab = tok.get_vocab();
    expect(tok.mask_token_id).toBe(vocab.size - 1);
    expect(tok.pad_token_id).toBe(1);
    expect(tok.tokenize(' great')).toEqual(['Ġgreat']);
    const noSpace = tok.tokenize('great');
    expect(noSpace).not.toEqual(['Ġgreat']);
    expect(noSpace).toEqual(['great']);
    expect(tok.convert_tokens_to_ids('great')).not.toBe(tok.convert_tokens_to_ids('Ġgreat'));
    expect(tok.tokenize(' wonderful').length).toBeGreaterThan(1);
    expect(tok.tokenize(' fantastic').length).toBeGreaterThan(1);
    const ids = tok.encode('The movie was <mask>.');
    expect(ids[0]).toBe(0);
    expect(ids.at(-1)).toBe(2);
    expect(ids.filter((i) => i === tok.mask_token_id)).toHaveLength(1);
    expect(tok.tokenize('The movie was <mask>.')).toEqual(['The', 'Ġmovie', 'Ġwas', '<mask>', '.']);
    expect(tok.decode(tok.encode(' It was great!'), { skip_special_tokens: true })).toBe(' It was great!');
    // all 256 byte symbols are in the vocabulary, so arbitrary text never maps to <unk>
    expect(tok.encode('€ 😀 ü').includes(3)).toBe(false);
  });

  it('chinese-bert-tiny: one token per character', async () => {
    const tok = await AutoTokenizer.from_pretrained('clozelab-test/chinese-bert-tiny');
    expect(tok.tokenize('这个电影很好')).toEqual(['这', '个', '电', '影', '很', '好']);
    expect(tok.tokenize('好')).toEqual(['好']);
    expect(tok.tokenize('差')).toEqual(['差']);
    const ids = tok.encode('总之，这部电影很[MASK]。');
    expect(ids.filter((i) => i === tok.mask_token_id)).toHaveLength(1);
    expect(ids.includes(tok.unk_token_id)).toBe(false);
  });
});

// ---- broken fixtures ------------------------------------------------------------------------

describe('broken fixtures', () => {
  it('not-mlm loads and outputs last_hidden_state', async () => {
    const spec = fixtureById('not-mlm');
    for (const file of ['model.onnx', 'model_quantized.onnx'] as const) {
      const s = await session(spec.dir, file);
      expect(s.outputNames).toEqual(['last_hidden_state']);
      const out = await runOrt(s, { ids: [[2, 100, 4, 3]], mask: [[1, 1, 1, 1]], types: [[0, 0, 0, 0]] });
      expect(out.dims).toEqual([1, 4, 32]);
    }
    const cfg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, spec.dir, 'config.json'), 'utf8')) as {
      architectures: string[];
    };
    expect(cfg.architectures).toEqual(['BertModel']);
    // encoder output equals the reference encoder
    const { weights } = fixtureWeights(spec);
    const ref = referenceForward(weights, [[2, 100, 4, 3]], [[1, 1, 1, 1]], undefined, 'encoder');
    const out = await runOrt(await session(spec.dir, 'model.onnx'), {
      ids: [[2, 100, 4, 3]],
      mask: [[1, 1, 1, 1]],
      types: [[0, 0, 0, 0]],
    });
    expect(maxAbsDiff(ref[0]?.flatMap((r) => [...r]) ?? [], out.data as Float32Array)).toBeLessThan(1e-4);
  });

  it('corrupt ONNX files fail to load', async () => {
    const dir = path.join(REPO_ROOT, fixtureById('corrupt').dir, 'onnx');
    await expect(ort.InferenceSession.create(path.join(dir, 'model.onnx'))).rejects.toThrow();
    await expect(ort.InferenceSession.create(path.join(dir, 'model_quantized.onnx'))).rejects.toThrow();
  });

  it('missing-onnx has config + tokenizer but no onnx folder', () => {
    const dir = path.join(REPO_ROOT, fixtureById('missing-onnx').dir);
    expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'tokenizer.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'onnx'))).toBe(false);
  });
});

// ---- generator --------------------------------------------------------------------------------

describe('generator', () => {
  function hashTree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      }
    };
    if (fs.existsSync(dir)) walk(dir);
    return out;
  }

  it('is deterministic (two runs → identical bytes, equal to the checked-in output)', () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-fx-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-fx-b-'));
    try {
      generateFixtures({ root: a, force: true });
      generateFixtures({ root: b, force: true });
      for (const spec of FIXTURES.filter((f) => !f.bench)) {
        const ha = hashTree(path.join(a, spec.dir));
        expect(Object.keys(ha).length).toBeGreaterThan(3);
        expect(hashTree(path.join(b, spec.dir))).toEqual(ha);
        expect(hashTree(path.join(REPO_ROOT, spec.dir))).toEqual(ha);
      }
      // A second run without force is a no-op.
      expect(generateFixtures({ root: a }).every((r) => r.status === 'up-to-date')).toBe(true);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  }, 60_000);

  it('reference erf is accurate', () => {
    expect(erf(0)).toBe(0);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-0.5)).toBeCloseTo(-0.5204998778130465, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
  });
});
