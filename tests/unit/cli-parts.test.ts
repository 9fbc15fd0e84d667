// The parts of `clozelab eval` that need no model: reading the inputs and the flags that correct the
// mapping, finding the model, and the text it prints. The command as a whole runs in
// tests/integration/evaluation.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type ParsedArgs } from '../../src/cli/args.ts';
import { applyMappingFlags, chooseTemplates, loadData, loadSetup } from '../../src/cli/eval-inputs.ts';
import { InputError } from '../../src/cli/files.ts';
import { formatRun, jsonForTerminal, progressLine } from '../../src/cli/format.ts';
import { chooseDtype, resolveModel } from '../../src/cli/model-source.ts';
import { suggestMapping } from '../../src/core/dataset-mapping.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import type { Dataset } from '../../src/core/dataset.ts';
import type { EvaluationRun } from '../../src/core/evaluation.ts';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';

const tmp = mkdtempSync(join(tmpdir(), 'clozelab-cli-parts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const flags = (...argv: string[]): ParsedArgs =>
  parseArgs(argv, {
    column: { value: true, repeat: true },
    'label-column': { value: true },
    'label-map': { value: true, repeat: true },
  });

function dataset(csv: string): Dataset {
  const parsed = parseDataset(csv, { format: 'csv' });
  if (!parsed.ok) throw new Error(parsed.error.code);
  return parsed.dataset;
}

const threeTemplates: PromptSetup = {
  ...defaultSetup(),
  templates: [
    { id: 'a', name: 'A', text: '[X] a [Z].' },
    { id: 'b', name: 'B', text: '[X] b [Z].' },
    { id: 'c', name: 'C', text: '[X] c [Z].' },
  ],
  activeTemplateId: 'a',
};

describe('eval inputs', () => {
  it('loads a demo setup and its data without a file', () => {
    const setup = loadSetup('demo:sentiment-en', tmp);
    expect(setup.name).toBe('Demo: sentiment-en');
    expect(setup.verbalizer.labels.map((l) => l.label)).toEqual(['positive', 'negative']);
    const data = loadData('demo:sentiment-en', undefined, tmp);
    expect(data.file).toBeNull();
    expect(data.name).toBe('demo-sentiment-en.csv');
    expect(data.dataset.rows.length).toBeGreaterThan(0);
  });

  it('names the demos when one does not exist, and checks --format', () => {
    expect(() => loadSetup('demo:nope', tmp)).toThrow(/There is no demo "nope"\. Demos: sentiment-en/);
    expect(() => loadData('demo:sentiment-en', 'xlsx', tmp)).toThrow(UsageError);
  });

  it('lists every schema error of a setup file with its path', () => {
    writeFileSync(join(tmp, 'broken.json'), JSON.stringify({ ...defaultSetup(), templates: [] }));
    expect(() => loadSetup('broken.json', tmp)).toThrow(/not a valid ClozeLab setup:\n {2}Templates: /);
  });

  it('--templates picks templates in the setup order; unknown ids are named', () => {
    expect(chooseTemplates(undefined, threeTemplates).map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(chooseTemplates(' c, a ', threeTemplates).map((t) => t.id)).toEqual(['a', 'c']);
    expect(() => chooseTemplates('a,x,y', threeTemplates)).toThrow(
      'the setup has no template "x", "y" (templates: a, b, c).',
    );
  });

  it('--column, --label-column and --label-map correct the guessed mapping', () => {
    const data = dataset('review,summary,stars\ngreat film,good,5\nawful,bad,1\n');
    const labels = ['positive', 'negative'];
    const guessed = suggestMapping(data, ['X'], labels);
    const mapping = applyMappingFlags(
      guessed,
      data,
      labels,
      ['X'],
      flags(
        '--column',
        'X=summary',
        '--label-column',
        'stars',
        '--label-map',
        '5=positive',
        '--label-map',
        '1=negative',
      ),
    );
    expect(mapping.slots).toEqual({ X: 'summary' });
    expect(mapping.labelColumn).toBe('stars');
    expect([...mapping.labelMap]).toEqual([
      ['5', 'positive'],
      ['1', 'negative'],
    ]);
    expect(guessed.slots.X).toBe('review'); // the guess itself is left alone
  });

  it('says what is wrong with a mapping flag', () => {
    const data = dataset('text,label\nfine,positive\n');
    const guessed = suggestMapping(data, ['X'], ['positive']);
    const apply =
      (...argv: string[]) =>
      () =>
        applyMappingFlags(guessed, data, ['positive'], ['X'], flags(...argv));
    expect(apply('--column', 'X=nope')).toThrow('The data has no column "nope". Columns: "text", "label".');
    expect(apply('--column', 'X2=text')).toThrow('the templates have no slot [X2] (slots: [X])');
    expect(apply('--label-map', 'x=other')).toThrow('"other" is not a verbalizer label (labels: positive)');
    expect(apply('--column', 'noequals')).toThrow(UsageError);
  });
});

describe('model source', () => {
  const root = join(tmp, 'project');
  mkdirSync(join(root, 'public', 'models', 'clozelab-test', 'bert-tiny'), { recursive: true });
  writeFileSync(join(root, 'public', 'models', 'clozelab-test', 'bert-tiny', 'config.json'), '{}');
  mkdirSync(join(tmp, 'my-model'), { recursive: true });
  writeFileSync(join(tmp, 'my-model', 'config.json'), '{}');
  mkdirSync(join(tmp, 'not-a-model'), { recursive: true });
  const hubSetup = defaultSetup();

  it('a folder in Hugging Face layout is loaded from its parent folder', () => {
    expect(resolveModel('my-model', hubSetup, tmp, root)).toEqual({
      source: { kind: 'local', id: 'my-model' },
      folder: tmp,
      label: join(tmp, 'my-model'),
    });
    expect(() => resolveModel('not-a-model', hubSetup, tmp, root)).toThrow(/has no config\.json/);
  });

  it('a copy under public/models/ is used before the Hub; a missing test model says how to make it', () => {
    const publicModels = join(root, 'public', 'models');
    expect(resolveModel('clozelab-test/bert-tiny', hubSetup, tmp, root)).toEqual({
      source: { kind: 'local', id: 'clozelab-test/bert-tiny' },
      folder: publicModels,
      label: 'clozelab-test/bert-tiny',
    });
    expect(() => resolveModel('clozelab-test/roberta-tiny', hubSetup, tmp, root)).toThrow(/npm run fixtures/);
    expect(resolveModel(undefined, hubSetup, tmp, root).source).toEqual({ kind: 'hub', id: hubSetup.model.id });
    expect(() => resolveModel('not an id', hubSetup, tmp, root)).toThrow(InputError);
  });

  it('--dtype overrides the setup, within the known ones', () => {
    expect(chooseDtype(undefined, hubSetup)).toBe(hubSetup.model.dtype);
    expect(chooseDtype('q8', hubSetup)).toBe('q8');
    expect(() => chooseDtype('int3', hubSetup)).toThrow('--dtype must be fp32, fp16, q8 or q4 (got "int3").');
  });
});

describe('eval output', () => {
  it('the progress line counts, rates and estimates', () => {
    expect(progressLine({ done: 50, total: 200, elapsedMs: 10_000, promptsRun: 0, promptsReused: 0 })).toBe(
      '  50/200 examples · 5/s · about 30 s left',
    );
    expect(progressLine({ done: 200, total: 200, elapsedMs: 0, promptsRun: 0, promptsReused: 0 })).toBe(
      '  200/200 examples · 0/s · done',
    );
  });

  it('JSON for a terminal escapes DEL and C1 controls too, and stays the same JSON', () => {
    const value = { label: 'a\u007fb\u009bc' };
    const text = jsonForTerminal(value);
    expect(text).toContain('a\\u007fb\\u009bc');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('the text report opens with what was evaluated', () => {
    const run = {
      labels: ['positive', 'negative'],
      templates: [],
      examples: [],
      scoring: { ...defaultSetup().scoring },
      order: [],
      done: 0,
      outcomes: [],
      status: 'complete',
    } as unknown as EvaluationRun;
    const text = formatRun(run, {
      model: { id: 'clozelab-test/bert-tiny', dtype: 'fp32', device: 'cpu' },
      dataName: 'data.csv',
      examples: 0,
      skippedRows: 2,
      primary: 'calibrated',
    });
    expect(text.split('\n').slice(0, 5)).toEqual([
      'ClozeLab evaluation',
      '  model     clozelab-test/bert-tiny (fp32, cpu) — test model with random weights: the numbers are meaningless',
      '  data      data.csv: 0 of 0 examples evaluated, 2 row(s) skipped',
      '  labels    positive, negative',
      '  scoring   sum of word probabilities; headline: with calibration',
    ]);
  });
});
