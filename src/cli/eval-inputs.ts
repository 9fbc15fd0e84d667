// What `clozelab eval` reads: the setup and the data (files or built-in demos), and the column and
// label mapping, guessed and then corrected by --column, --label-column and --label-map.

import { autoLabelMap } from '../core/dataset-mapping.ts';
import type { Dataset, DatasetFormat, DatasetMapping } from '../core/dataset.ts';
import { parseDataset } from '../core/dataset-parse.ts';
import { DEMO_DATASETS, findDemoDataset } from '../core/demo-datasets.ts';
import { formatIssue, formatSetupError } from '../core/messages/index.ts';
import { DEFAULT_SCORING_OPTIONS } from '../core/scoring.ts';
import { SETUP_VERSION, type PromptSetup } from '../core/setup.ts';
import { parseSetupJson } from '../core/setup-parse.ts';
import { single, UsageError, type ParsedArgs } from './args.ts';
import { InputError, readInputFile, type InputFile } from './files.ts';

function demoOrThrow(spec: string) {
  const id = spec.slice('demo:'.length);
  const demo = findDemoDataset(id);
  if (!demo) throw new InputError(`There is no demo "${id}". Demos: ${DEMO_DATASETS.map((d) => d.id).join(', ')}.`);
  return demo;
}

export function loadSetup(spec: string, cwd: string): PromptSetup {
  if (spec.startsWith('demo:')) {
    const demo = demoOrThrow(spec);
    return {
      version: SETUP_VERSION,
      compareModel: null,
      verbalizerVariants: [],
      grid: null,
      name: `Demo: ${demo.id}`,
      model: { id: demo.suggestedModel, source: 'hub', dtype: 'auto', device: 'auto' },
      templates: demo.templates,
      activeTemplateId: demo.templates[0]!.id,
      verbalizer: { labels: demo.verbalizer },
      scoring: { ...DEFAULT_SCORING_OPTIONS },
      inputs: [],
    };
  }
  const { text } = readInputFile(spec, 'setup', cwd);
  const parsed = parseSetupJson(text);
  if (!parsed.ok) {
    throw new InputError(
      `The setup "${spec}" is not a valid ClozeLab setup:\n${parsed.errors.map((e) => `  ${formatSetupError(e)}`).join('\n')}`,
    );
  }
  return parsed.setup;
}

export function loadData(
  spec: string,
  format: string | undefined,
  cwd: string,
): { dataset: Dataset; name: string; file: InputFile | null } {
  if (format !== undefined && !['csv', 'tsv', 'jsonl'].includes(format))
    throw new UsageError(`--format must be csv, tsv or jsonl (got "${format}").`);
  const file = spec.startsWith('demo:') ? null : readInputFile(spec, 'data', cwd);
  const source = file ?? { text: demoOrThrow(spec).csv, name: demoOrThrow(spec).fileName };
  const parsed = parseDataset(source.text, {
    format: (format as DatasetFormat | undefined) ?? 'auto',
    fileName: source.name,
  });
  if (!parsed.ok) throw new InputError(`The data "${spec}" can't be read: ${formatIssue(parsed.error)}`);
  return { dataset: parsed.dataset, name: source.name, file };
}

function parsePairs(list: readonly string[] | undefined, flag: string): [string, string][] {
  return (list ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} expects NAME=VALUE (got "${pair}").`);
    return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
  });
}

export function applyMappingFlags(
  mapping: DatasetMapping,
  dataset: Dataset,
  labels: readonly string[],
  slots: readonly string[],
  flags: ParsedArgs,
): DatasetMapping {
  const known = (column: string) => {
    if (!dataset.columns.includes(column))
      throw new InputError(
        `The data has no column "${column}". Columns: ${dataset.columns.map((c) => `"${c}"`).join(', ')}.`,
      );
    return column;
  };
  let labelMap = new Map(mapping.labelMap);
  const next: DatasetMapping = { slots: { ...mapping.slots }, labelColumn: mapping.labelColumn, labelMap };
  for (const [slot, column] of parsePairs(flags.values.get('column'), 'column')) {
    if (!slots.includes(slot))
      throw new InputError(
        `--column ${slot}=…: the templates have no slot [${slot}] (slots: ${slots.map((s) => `[${s}]`).join(', ')}).`,
      );
    next.slots[slot] = known(column);
  }
  const labelColumn = single(flags, 'label-column');
  if (labelColumn !== undefined) {
    next.labelColumn = known(labelColumn);
    next.labelMap = labelMap = autoLabelMap(dataset, labelColumn, labels);
  }
  for (const [value, label] of parsePairs(flags.values.get('label-map'), 'label-map')) {
    if (!labels.includes(label))
      throw new InputError(
        `--label-map ${value}=${label}: "${label}" is not a verbalizer label (labels: ${labels.join(', ')}).`,
      );
    labelMap.set(value, label);
  }
  for (const slot of slots) {
    if (!next.slots[slot])
      throw new InputError(`No data column for the slot [${slot}]; choose one with --column ${slot}=<column>.`);
  }
  if (!next.labelColumn) throw new InputError('No label column; choose one with --label-column <column>.');
  return next;
}

/** The templates --templates names (comma-separated ids), in the setup's order; all when not given. */
export function chooseTemplates(flag: string | undefined, setup: PromptSetup): PromptSetup['templates'] {
  const wanted = flag
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!wanted) return setup.templates;
  const missing = wanted.filter((id) => !setup.templates.some((t) => t.id === id));
  if (missing.length > 0) {
    throw new UsageError(
      `the setup has no template ${missing.map((m) => `"${m}"`).join(', ')} (templates: ${setup.templates.map((t) => t.id).join(', ')}).`,
    );
  }
  return setup.templates.filter((t) => wanted.includes(t.id));
}
