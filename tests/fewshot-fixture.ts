// A small labelled dataset for the few-shot tests (store, e2e): 60 movie reviews, 30 positive and
// 30 negative, made from fixed phrase lists (no randomness), with the setup that reads them.
import { DEFAULT_SCORING_OPTIONS } from '../src/core/scoring.ts';
import { SETUP_VERSION, type PromptSetup } from '../src/core/setup.ts';

const GOOD = ['wonderful', 'moving', 'clever', 'warm', 'beautiful', 'funny'];
const BAD = ['dull', 'boring', 'cheap', 'flat', 'predictable', 'tedious'];
const THINGS = ['story', 'acting', 'soundtrack', 'ending', 'script'];

/** Row i: a review (unique text) and its label, alternating positive and negative. */
function review(i: number): [string, string] {
  const n = Math.floor(i / 2);
  const thing = THINGS[n % THINGS.length]!;
  if (i % 2 === 0) return [`The ${thing} was ${GOOD[n % GOOD.length]!} and I loved it (${n + 1}).`, 'positive'];
  return [`The ${thing} was ${BAD[n % BAD.length]!} and I left early (${n + 1}).`, 'negative'];
}

/** `rows` labelled reviews as CSV (header text,label). */
export function fewShotCsv(rows = 60, offset = 0): string {
  return ['text,label', ...Array.from({ length: rows }, (_, i) => review(i + offset).join(','))].join('\n');
}

export const FEWSHOT_VERBALIZER = {
  labels: [
    { label: 'positive', words: ['great', 'good'] },
    { label: 'negative', words: ['terrible', 'bad'] },
  ],
};

/** The setup the few-shot tests evaluate with: two templates (the ensemble needs them), bert-tiny. */
export function fewShotSetup(dtype: PromptSetup['model']['dtype'] = 'fp32'): PromptSetup {
  return {
    version: SETUP_VERSION,
    name: 'Few-shot test',
    model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype, device: 'wasm' },
    templates: [
      { id: 't1', name: 'It was', text: '[X] It was [Z].' },
      { id: 't2', name: 'Overall', text: '[X] Overall, a [Z] movie.' },
    ],
    activeTemplateId: 't1',
    verbalizer: FEWSHOT_VERBALIZER,
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    inputs: [{ X: 'A fine film.' }],
    compareModel: null,
    verbalizerVariants: [],
    grid: null,
  };
}
