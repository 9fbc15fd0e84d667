// Runs the suite in Node: ClozeLab's store and runtime in-process (RuntimeClient over
// InProcessWorker, onnxruntime-node through Transformers.js), the ceiling on onnxruntime-node, the
// naive pipeline from Transformers.js — all in this process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { env, pipeline } from '@huggingface/transformers';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { graphBytes } from './graphs.ts';
import { setRuntimeClient } from '../../src/store/runtime.ts';
import {
  benchModelRef,
  getRuntime,
  inputEdit,
  modelInfo,
  storeLoad,
  verbalizerEdit,
  type LiveSample,
} from './live-driver.ts';
import {
  ceilingShapes,
  ceilingSingles,
  naiveLoop,
  type FillMask,
  type OrtModule,
  type OrtSession,
} from './references.ts';
import { REPO_ROOT } from './server.ts';
import {
  BENCH_MODEL_ID,
  chooseLabelWords,
  evalSummary,
  evaluateWithClozeLab,
  labelRanks,
  labelTokenIds,
  makeExamples,
  renderText,
} from './shared.ts';
import type { Driver } from './suite.ts';

const MODELS_DIR = join(REPO_ROOT, '.cache/models');
const ORT = ort as unknown as OrtModule;

export function createNodeDriver(): Driver {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  setRuntimeClient(new RuntimeClient(() => new InProcessWorker()));
  const sessions = new Map<string, OrtSession>();
  let fillMask: (FillMask & { dispose?: () => Promise<void> }) | null = null;
  let before: RuntimeClient | null = null;

  const file = (dtype: string) =>
    join(MODELS_DIR, BENCH_MODEL_ID, 'onnx', `model${dtype === 'q8' ? '_quantized' : ''}.onnx`);
  const session = (variant: string): OrtSession => {
    const s = sessions.get(variant);
    if (!s) throw new Error(`no ${variant} session`);
    return s;
  };

  return {
    name: 'node',
    env: async () => ({
      node: process.version,
      onnxruntimeNode: (ort as unknown as { env: { versions?: { node?: string } } }).env.versions?.node,
    }),
    clearModelCache: async () => undefined,
    modelBytesSent: () => null,
    storeLoad: async (dtype, fresh, firstInput, verbalizerText) => {
      if (fresh) getRuntime().restart();
      const ms = await storeLoad(benchModelRef(dtype, 'auto'), firstInput, verbalizerText);
      const m = modelInfo();
      return { ms, info: m.info, facts: m.facts };
    },
    live: async (kind, texts) => {
      const out: LiveSample[] = [];
      for (const t of texts) out.push(kind === 'input' ? await inputEdit(t) : await verbalizerEdit(t));
      return out;
    },
    chooseWords: (inputs, edits) => chooseLabelWords(getRuntime(), inputs, edits),
    evaluate: async (from, to, o) => {
      const facts = modelInfo().facts;
      if (!facts) throw new Error('no model');
      const r = await evaluateWithClozeLab(getRuntime(), facts, makeExamples(1000).slice(from, to), o);
      return evalSummary(r, null, { sampled: true });
    },
    before: {
      load: async (dtype) => {
        before?.dispose();
        before = new RuntimeClient(() => new InProcessWorker());
        const { info } = await before.load({ kind: 'local', id: BENCH_MODEL_ID }, { dtype, rowQuant: false });
        return info;
      },
      evaluate: async (from, to, o) => {
        const facts = modelInfo().facts;
        if (!facts || !before) throw new Error('no model');
        const r = await evaluateWithClozeLab(before, facts, makeExamples(1000).slice(from, to), o);
        return evalSummary(r, null, { sampled: false });
      },
      close: async () => {
        before?.dispose();
        before = null;
      },
    },
    labelIds: (v) => labelTokenIds(getRuntime(), modelInfo().facts!, v),
    labelRanks: (inputs, ids, k) => labelRanks(getRuntime(), inputs, ids, k),
    renderTexts: async (inputs, mask) => inputs.map((x) => renderText(x, mask)),
    ref: {
      fresh: async () => undefined,
      create: async (dtype, variant) => {
        const t0 = performance.now();
        const bytes = readFileSync(file(dtype));
        const t1 = performance.now();
        const source = graphBytes(bytes, variant);
        const t2 = performance.now();
        await sessions.get(variant)?.release?.();
        sessions.delete(variant);
        const s = await ORT.InferenceSession.create(source);
        const t3 = performance.now();
        sessions.set(variant, s);
        return { readMs: t1 - t0, rewriteMs: t2 - t1, createMs: t3 - t2, totalMs: t3 - t0 };
      },
      release: async (variant) => {
        await sessions.get(variant)?.release?.();
        sessions.delete(variant);
      },
      shapes: (variant, shapes) => ceilingShapes(ORT, session(variant), shapes),
      singles: (variant, lengths) => ceilingSingles(ORT, session(variant), lengths),
      naiveLoad: async (dtype) => {
        const t0 = performance.now();
        fillMask = await pipeline('fill-mask', BENCH_MODEL_ID, { dtype, device: 'cpu' });
        return { ms: performance.now() - t0 };
      },
      naive: async (texts, topK, labelIds) => {
        if (!fillMask) throw new Error('naive pipeline not loaded');
        return naiveLoop(fillMask, texts, topK, labelIds);
      },
      naiveDispose: async () => {
        const p = fillMask;
        fillMask = null;
        await p?.dispose?.();
      },
      close: async () => {
        for (const s of sessions.values()) await s.release?.();
        sessions.clear();
      },
    },
  };
}
