/**
 * `clozelab eval --predictions … --explain` on the real runtime (bert-tiny): the top words and their
 * Δp in the predictions file equal the attribution of each example computed in this process through
 * the pipeline; bad flags are usage errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { explainInput } from '../../src/core/attribution/run.ts';
import { topWords } from '../../src/core/attribution/top-words.ts';
import { ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import { evalCommand } from '../../src/cli/eval-command.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { BERT_TINY, REPO_ROOT, loadFixture } from './fixture-models.ts';

const tmp = mkdtempSync(join(tmpdir(), 'clozelab-explain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const setup: PromptSetup = {
  ...defaultSetup(),
  name: 'Explain',
  model: { id: BERT_TINY, source: 'local', dtype: 'fp32', device: 'auto' },
  templates: [{ id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' }],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS, calibrate: true },
  inputs: [{ X: 'x' }],
};
const rows = [
  ['A gripping story with wonderful performances.', 'positive'],
  ['The plot was dull and the jokes fell flat.', 'negative'],
];

async function cli(args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const status = await evalCommand(args, {
    stdout: () => {},
    stderr: (t) => (stderr += t),
    progressToTerminal: false,
    cwd: tmp,
    projectRoot: REPO_ROOT,
  });
  return { status, stderr };
}

describe('clozelab eval --explain', () => {
  it('writes the top words toward the predicted label, equal to the attribution in process', async () => {
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'data.csv'), Papa.unparse({ fields: ['text', 'label'], data: rows }));
    for (const mode of ['remove', 'mask'] as const) {
      const { status, stderr } = await cli([
        ...['--setup', 'setup.json', '--data', 'data.csv', '--predictions', 'out.csv'],
        ...['--explain', '--explain-mode', mode, '--explain-top', '2'],
      ]);
      expect(status).toBe(0);
      expect(stderr).toMatch(/Word attribution \((remove|mask)\): \d+ prompts run/);
      const out = Papa.parse<Record<string, string>>(readFileSync(join(tmp, 'out.csv'), 'utf8'), { header: true }).data;
      expect(Object.keys(out[0]!)).toEqual(
        expect.arrayContaining(['explained_label', 'top_word_1', 'top_delta_1', 'top_word_2', 'top_delta_2']),
      );
      const engine = await loadFixture(BERT_TINY, { dtype: 'fp32' });
      try {
        const pipeline = new ScoringPipeline(engineModel(engine));
        const [prepared] = (await pipeline.bindTemplates(setup.templates, setup.verbalizer)).templates;
        for (const [i, row] of rows.entries()) {
          const line = out.find((r) => r.line === String(i + 2))!;
          const r = (await explainInput(pipeline, prepared!, { X: row[0]! }, setup.scoring, mode))!;
          // The predicted label (calibrated: the setup calibrates) is the one explained.
          expect(line.explained_label).toBe(line.predicted_calibrated);
          expect(r.labels[r.original.winner]).toBe(line.predicted_calibrated);
          const top = topWords(r, r.original.winner, 2);
          expect(top.length).toBeGreaterThan(0);
          top.forEach((w, k) => {
            expect(line[`top_word_${k + 1}`]).toBe(w.word);
            expect(Number(line[`top_delta_${k + 1}`])).toBe(Math.round(w.delta * 1e6) / 1e6);
          });
          expect(Number(line.explain_prompts)).toBe(r.words.length + 1 + 3); // n + 1, and calibration's 3
        }
      } finally {
        await engine.dispose();
      }
    }
  });

  it('bad flags are usage errors (status 2)', async () => {
    expect((await cli(['--setup', 'setup.json', '--data', 'data.csv', '--explain'])).status).toBe(2);
    const bad = await cli([
      '--setup',
      'setup.json',
      '--data',
      'data.csv',
      '--predictions',
      'o.csv',
      '--explain',
      '--explain-top',
      '0',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--explain-top must be a whole number from 1 to 20/);
    expect((await cli(['--setup', 'setup.json', '--data', 'data.csv', '--explain-mode', 'mask'])).status).toBe(2);
  });
});
