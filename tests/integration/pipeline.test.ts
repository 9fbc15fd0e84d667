/**
 * The one scoring pipeline on the real runtime (Transformers.js + onnxruntime-node, generated
 * models): the same prompts scored by the live view, the template comparison, the evaluation
 * workbench (all three through the stores and an in-process worker) and the CLI's code path give
 * identical numbers; and calibration's content-free mask-token input really is the mask token.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSES, ScoringPipeline, type PipelineModel } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { defaultSetup, type ModelRef, type PromptSetup } from '../../src/core/setup.ts';
import type { PromptScores, RenderedPrompt } from '../../src/core/types.ts';
import { evalCommand } from '../../src/cli/eval-command.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { allowHubDownloads, setLocalModelFolder } from '../../src/runtime/node-models.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import * as compare from '../../src/store/compare.ts';
import * as evaluation from '../../src/store/evaluation.ts';
import * as live from '../../src/store/live.ts';
import * as runtime from '../../src/store/runtime.ts';
import { startStores, type StartedStores } from '../../src/store/start.ts';
import * as workspace from '../../src/store/workspace.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MODELS = join(ROOT, 'public', 'models');
const tmp = mkdtempSync(join(tmpdir(), 'clozelab-pipeline-'));

const ref: ModelRef = { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'fp32', device: 'auto' };
const setup: PromptSetup = {
  ...defaultSetup(),
  name: 'One pipeline',
  model: ref,
  templates: [
    { id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' },
    { id: 't2', name: 'Short', text: '[X] It was [Z].' },
  ],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'fantastic'] }, // "fantastic" is 3 tokens for bert-tiny
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS, calibrate: true, lengthNormalize: true },
  inputs: [{ X: 'A fine film.' }, { X: 'Dull and long, and the ending is bad.' }, { X: '[MASK] of a film.' }],
};
const gold = ['positive', 'negative', 'positive'];

const stores = { workspace, live, runtime, compare, evaluation };
let started: StartedStores;
let savedLocalPath: string;

beforeAll(() => {
  savedLocalPath = env.localModelPath;
  env.localModelPath = `${MODELS}/`;
  // The stores as the app starts them, with the model in this process and neither storage nor a page.
  started = startStores({
    storage: null,
    page: null,
    createRuntimeClient: () => new RuntimeClient(() => new InProcessWorker()),
  });
  workspace.useWorkspace.getState().replaceSetup(setup);
});

afterAll(() => {
  started?.stop();
  env.localModelPath = savedLocalPath;
  rmSync(tmp, { recursive: true, force: true });
});

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

describe('one pipeline: live, compare, evaluation and the CLI give the same numbers', () => {
  it('for the same prompts, with and without calibration', async () => {
    const { useWorkspace } = stores.workspace;
    await stores.runtime.loadModel(ref);
    expect(useWorkspace.getState().model.status).toBe('ready');
    await stores.live.runLiveNow();
    const live = useWorkspace.getState().rows;
    expect(live.every((r) => r !== null)).toBe(true);

    stores.compare.setCompareTemplate('t2');
    await stores.compare.runCompare();
    const compared = stores.compare.useCompare.getState().rows;
    expect(compared).toHaveLength(3);

    // The evaluation workbench on the same inputs as labelled data.
    const csv = Papa.unparse({ fields: ['text', 'label'], data: setup.inputs.map((x, i) => [x.X!, gold[i]!]) });
    const evaluation = stores.evaluation.useEvaluation;
    await evaluation.getState().loadText(csv, { kind: 'paste', name: 'data.csv' });
    expect(evaluation.getState().examples).toHaveLength(3);
    await evaluation.getState().startRun();
    const run = evaluation.getState().run.result!;
    expect(run.status).toBe('complete');

    // The CLI's code path (in process), with its own engine, writing per-example probabilities.
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'data.csv'), csv);
    let stdout = '';
    let stderr = '';
    const status = await evalCommand(
      ['--setup', 'setup.json', '--data', 'data.csv', '--predictions', 'out.csv', '--json', '--quiet'],
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        progressToTerminal: false,
        cwd: tmp,
        projectRoot: ROOT,
      },
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout).examples.evaluated).toBe(3);
    // The browser's metrics export and the CLI's JSON: the same document (nulls and counts included).
    const exported = JSON.parse(stores.evaluation.reportJson(evaluation.getState())!);
    expect(exported).toEqual(JSON.parse(stdout));
    expect(exported.version).toBe(4);
    expect(exported.templates[0].calibrated.perLabel[0]).toHaveProperty('tp');
    const cli = Papa.parse<Record<string, string>>(readFileSync(join(tmp, 'out.csv'), 'utf8'), { header: true }).data;

    const labels = ['positive', 'negative'];
    const check = (rows: (typeof live)[number][], template: number, id: string) => {
      rows.forEach((row, i) => {
        const outcome = run.outcomes[template]![i]!;
        // Live / compare vs evaluation: the same doubles.
        expect(row!.scores.probs).toEqual(outcome.calibrated);
        expect(row!.scores.uncalibrated).toEqual(outcome.uncalibrated);
        expect(row!.top.slice(0, 5).map((t) => t.token)).toEqual(outcome.top.map((t) => t.token));
        // The CLI writes them rounded to 6 digits.
        const line = cli.find((r) => r.template === id && r.line === String(i + 2))!;
        expect(labels.map((l) => Number(line[`p(${l})`]))).toEqual(row!.scores.uncalibrated.map(round6));
        expect(labels.map((l) => Number(line[`p_calibrated(${l})`]))).toEqual(row!.scores.probs.map(round6));
      });
    };
    check(live, 0, 't1');
    check(compared, 1, 't2');
    // Calibration changed something, so both modes were really compared.
    expect(live[0]!.scores.probs).not.toEqual(live[0]!.scores.uncalibrated);
  });
});

describe("calibration's content-free inputs on the real engine", () => {
  for (const id of ['clozelab-test/bert-tiny', 'clozelab-test/roberta-tiny']) {
    it(`${id}: the mask-token input stays the mask token; the answer is read only at [Z]; a typed mask token is [UNK]`, async () => {
      setLocalModelFolder(MODELS);
      allowHubDownloads(false);
      const engine = await MaskedLMEngine.load({ kind: 'local', id }, { dtype: 'fp32' });
      try {
        const { maskToken, unkTokenId } = engine.facts;
        expect(unkTokenId).not.toBeNull();
        const sent: { prompt: RenderedPrompt; result: PromptScores }[] = [];
        const base = engineModel(engine);
        const model: PipelineModel = {
          ...base,
          score: async (prompts, ids, options) => {
            const results = await base.score(prompts, ids, options);
            prompts.forEach((prompt, i) => sent.push({ prompt, result: results[i]! }));
            return results;
          },
        };
        const pipeline = new ScoringPipeline(model);
        const { templates } = await pipeline.bindTemplates([{ id: 't', name: 't', text: '[X] It was [Z].' }], {
          labels: [
            { label: 'a', words: ['great', 'fantastic'] },
            { label: 'b', words: ['bad'] },
          ],
        });
        const k = templates[0]!.words.find((w) => w.word === 'fantastic')!.form.ids.length;
        expect(k).toBeGreaterThan(1);
        const pass = pipeline.pass(templates, { ...DEFAULT_SCORING_OPTIONS, calibrate: true }, PASSES.live);
        pass.add({ X: maskToken }); // the user types the mask token as the input
        await pass.run();
        const maskAt = (tokens: string[]) => tokens.flatMap((t, i) => (t === maskToken ? [i] : []));
        const answerMasks = (p: RenderedPrompt) => p.parts.reduce((n, x) => n + (x.kind === 'mask' ? x.count : 0), 0);
        const isInput = (p: RenderedPrompt, cf: boolean) =>
          p.parts.some((x) => x.kind === 'input' && x.text === maskToken && (x.contentFree === true) === cf);

        const contentFree = sent.filter((s) => isInput(s.prompt, true));
        expect(contentFree.map((s) => answerMasks(s.prompt)).sort()).toEqual([1, k]);
        for (const { prompt, result } of contentFree) {
          const count = answerMasks(prompt);
          const masks = maskAt(result.tokens);
          // The input's mask token (right after the start token) and the answer's `count` masks.
          expect(masks).toHaveLength(1 + count);
          expect(masks[0]).toBe(1);
          expect(result.tokens[1]).toBe(maskToken);
          // Scores are read at [Z] only: not at the input's mask token.
          expect(result.maskPositions).toEqual(masks.slice(1));
          expect(result.masks).toHaveLength(count);
        }
        // The same mask token typed by a user: read as [UNK], so [Z] is the only mask.
        const typed = sent.filter((s) => isInput(s.prompt, false));
        expect(typed.map((s) => answerMasks(s.prompt)).sort()).toEqual([1, k]);
        for (const { prompt, result } of typed) {
          expect(maskAt(result.tokens)).toEqual(result.maskPositions);
          expect(result.maskPositions).toHaveLength(answerMasks(prompt));
          expect(result.tokens[1]).toBe(engine.tokenString(unkTokenId!));
        }
        // Content-free and typed mask-token prompts differ, so their numbers differ too.
        const one = (cf: boolean) => sent.find((s) => isInput(s.prompt, cf) && answerMasks(s.prompt) === 1)!;
        expect(one(true).result.masks[0]!.probs).not.toEqual(one(false).result.masks[0]!.probs);
      } finally {
        await engine.dispose();
      }
    });
  }
});
