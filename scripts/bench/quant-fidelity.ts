// How close each q8 activation quantization comes to the fp32 model with the same weights: the
// benchmark model's vocabulary distribution at [Z] for the bench prompts, through raw ONNX Runtime
// on the graphs ClozeLab builds (graphs.ts), against the fp32 file. Per-tensor (the file as it is)
// is measured alone and in batches of 16, since its numbers move with the batch.
//
//   npm run bench:quant-fidelity [-- --examples=200]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { MASK_ROWS_INPUT } from '../../src/runtime/mask-rows.ts';
import { graphBytes, type GraphVariant } from './graphs.ts';
import { REPO_ROOT } from './server.ts';
import { BENCH_MODEL_ID, makeExamples, renderText } from './shared.ts';

interface Tokenizer {
  encode(text: string): number[];
  mask_token_id: number;
}

const VARIANTS: [name: string, graph: GraphVariant, batch: number][] = [
  ['per-tensor (the file), alone', 'rows-tensor', 1],
  ['per-tensor (the file), batches of 16', 'rows-tensor', 16],
  ["per-row, DQL's formula (ClozeLab)", 'rows', 16],
  ['per-row symmetric', 'rows-rq-symmetric', 16],
];

const { values } = parseArgs({ options: { examples: { type: 'string', default: '200' } } });
const count = Number(values.examples);
const modelDir = join(REPO_ROOT, '.cache/models', BENCH_MODEL_ID);
env.localModelPath = `${join(REPO_ROOT, '.cache/models')}/`;
const tokenizer = (await AutoTokenizer.from_pretrained(BENCH_MODEL_ID, {
  local_files_only: true,
})) as unknown as Tokenizer;
const prompts = makeExamples(count).map((e) => tokenizer.encode(renderText(e.inputs.X as string, '[MASK]')));

async function open(file: string, graph: GraphVariant): Promise<ort.InferenceSession> {
  const bytes = graphBytes(new Uint8Array(readFileSync(join(modelDir, 'onnx', file))), graph);
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
}

function softmaxRow(logits: Float32Array, offset: number, size: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < size; i++) max = Math.max(max, logits[offset + i] as number);
  const p = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += p[i] = Math.exp((logits[offset + i] as number) - max);
  for (let i = 0; i < size; i++) p[i] = (p[i] as number) / sum;
  return p;
}

/** The distribution at each prompt's mask, the prompts run in padded batches of `batch`. */
async function distributions(session: ort.InferenceSession, batch: number): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for (let start = 0; start < prompts.length; start += batch) {
    const group = prompts.slice(start, start + batch);
    const len = Math.max(...group.map((p) => p.length));
    const ids = new BigInt64Array(group.length * len);
    const attention = new BigInt64Array(group.length * len);
    const rows = new BigInt64Array(group.length);
    group.forEach((p, b) => {
      p.forEach((id, j) => {
        ids[b * len + j] = BigInt(id);
        attention[b * len + j] = 1n;
      });
      rows[b] = BigInt(b * len + p.indexOf(tokenizer.mask_token_id));
    });
    const dims = [group.length, len];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', attention, dims),
      [MASK_ROWS_INPUT]: new ort.Tensor('int64', rows, [group.length]),
    };
    if (session.inputNames.includes('token_type_ids'))
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(ids.length), dims);
    const result = await session.run(feeds);
    const logits = result[session.outputNames[0] as string] as ort.Tensor;
    const vocab = logits.dims[logits.dims.length - 1] as number;
    group.forEach((_, b) => out.push(softmaxRow(logits.data as Float32Array, b * vocab, vocab)));
  }
  return out;
}

const argmax = (p: Float64Array): number => p.reduce((best, v, i) => (v > (p[best] as number) ? i : best), 0);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

const reference = await distributions(await open('model.onnx', 'rows'), 16);
console.log(`q8 activation quantization vs fp32 (same weights), ${count} bench prompts at [Z], full vocabulary:`);
for (const [name, graph, batch] of VARIANTS) {
  const got = await distributions(await open('model_quantized.onnx', graph), batch);
  const tv = got.map((p, k) => p.reduce((s, v, i) => s + Math.abs(v - (reference[k]?.[i] as number)), 0) / 2);
  const worst = got.map((p, k) => p.reduce((m, v, i) => Math.max(m, Math.abs(v - (reference[k]?.[i] as number))), 0));
  const top1 = got.filter((p, k) => argmax(p) === argmax(reference[k] as Float64Array)).length;
  console.log(
    `  ${name.padEnd(38)} total variation median ${median(tv).toFixed(4)}, max ${Math.max(...tv).toFixed(4)}; ` +
      `max |Δp| median ${median(worst).toFixed(4)}, max ${Math.max(...worst).toFixed(4)}; top-1 as fp32 ${top1}/${count}`,
  );
}
