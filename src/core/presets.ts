// Presets from the literature, and Chinese presets written for ClozeLab. Each preset is a complete
// PromptSetup (validated by tests/unit/presets.test.ts) plus where it comes from and, where the
// paper published one, its zero-shot result. Numbers were measured with RoBERTa-large and the
// papers' full test sets; ClozeLab's models are smaller, so expect different numbers.
//
// The example inputs are written for ClozeLab (not copied from the datasets). Label words and
// templates are the papers': LM-BFF's from its run_experiment.sh, PET's from its pvp.py, written in
// ClozeLab's template syntax (`original` keeps LM-BFF's own strings; a test converts them).

import type { FewShotConfig } from './fewshot/types.ts';
import { DEFAULT_SCORING_OPTIONS } from './scoring.ts';
import { SETUP_VERSION, type ModelRef, type PromptSetup } from './setup.ts';

export interface PresetPaper {
  /** Short citation, e.g. "Gao, Fisch & Chen (2021)". */
  cite: string;
  title: string;
  venue: string;
  url: string;
}

export interface ReportedResult {
  value: number;
  metric: 'accuracy' | 'F1';
  /** What the number averages or selects (English; the UI translates by `kind`). */
  kind: 'zero-shot' | 'pvp-mean' | 'pvp-best';
  /** The model the paper measured with. */
  model: 'RoBERTa-large';
  /** Dataset split or variant, e.g. "matched" for MNLI. */
  split?: string;
  /** False where our reference notes say the number is from memory and not checked. */
  verified: boolean;
}

/**
 * A few-shot result the paper reports — THEIRS, never ClozeLab's: LM-BFF fine-tunes the whole of
 * RoBERTa-large on the K-shot training set, while ClozeLab's few-shot methods keep the model frozen
 * (demonstrations in the context, label vectors learned on the hidden state at [Z]). Not comparable.
 */
export interface ReportedFewShot {
  /** 'prompt-finetuning': LM-BFF's prompt-based fine-tuning with the manual template;
   * 'prompt-finetuning-demos': the same, with demonstrations in the context. */
  method: 'prompt-finetuning' | 'prompt-finetuning-demos';
  /** Mean test accuracy over the seeds, in percent. */
  accuracy: number;
  /** Its standard deviation over the seeds, in percent. */
  std: number;
  model: 'RoBERTa-large';
  training: 'fine-tuned';
  /** Where it is printed, e.g. "Gao, Fisch & Chen (2021), Table 3". */
  source: string;
  /** Dataset split or variant, e.g. "matched" for MNLI. */
  split?: string;
  /** False: quoted from memory, to be checked against the paper. */
  verified: boolean;
}

/**
 * The paper's few-shot protocol, in FewShotConfig's terms (the few-shot view can start from it),
 * with its reported numbers. The demonstration template is in the setup (its template entries' `demo`).
 */
export interface PresetFewShot extends Pick<FewShotConfig, 'ks' | 'seeds'> {
  reported: ReportedFewShot[];
}

export interface Preset {
  id: string;
  /** Language of the task and inputs. */
  language: 'en' | 'zh';
  /** The paper the templates and label words come from; null for presets written for ClozeLab. */
  paper: PresetPaper | null;
  results: ReportedResult[];
  setup: PromptSetup;
  /** The source's own notation, where it has one (LM-BFF's template string and mapping). */
  original?: { format: 'lm-bff'; template: string; mapping: string; labels: Record<string, string> };
  /** The paper's few-shot settings and results, where it has them (kept beside the setup: opening a preset opens its setup only). */
  fewShot?: PresetFewShot;
}

export const LM_BFF: PresetPaper = {
  cite: 'Gao, Fisch & Chen (2021)',
  title: 'Making Pre-trained Language Models Better Few-shot Learners',
  venue: 'ACL 2021',
  url: 'https://arxiv.org/abs/2012.15723',
};

export const PET: PresetPaper = {
  cite: 'Schick & Schütze (2021)',
  title: 'Exploiting Cloze Questions for Few Shot Text Classification and Natural Language Inference',
  venue: 'EACL 2021',
  url: 'https://arxiv.org/abs/2001.07676',
};

const ROBERTA: ModelRef = { id: 'Xenova/roberta-base', source: 'hub', dtype: 'auto', device: 'auto' };
const CHINESE_BERT: ModelRef = { id: 'Xenova/bert-base-chinese', source: 'hub', dtype: 'auto', device: 'auto' };

function setup(
  name: string,
  model: ModelRef,
  templates: [string, string][],
  labels: [string, ...string[]][],
  inputs: Record<string, string>[],
): PromptSetup {
  return {
    version: SETUP_VERSION,
    compareModel: null,
    verbalizerVariants: [],
    grid: null,
    name,
    model: { ...model },
    templates: templates.map(([templateName, text], i) => ({ id: `t${i + 1}`, name: templateName, text })),
    activeTemplateId: 't1',
    verbalizer: { labels: labels.map(([label, ...words]) => ({ label, words })) },
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    inputs,
  };
}

const zeroShot = (
  value: number,
  verified: boolean,
  metric: ReportedResult['metric'] = 'accuracy',
  split?: string,
): ReportedResult => ({
  value,
  metric,
  kind: 'zero-shot',
  model: 'RoBERTa-large',
  verified,
  ...(split ? { split } : {}),
});

/** LM-BFF's few-shot protocol: K = 16 per label, seeds 13, 21, 42, 87, 100 (its data/k-shot splits). */
const LM_BFF_KS = [16];
const LM_BFF_SEEDS = [13, 21, 42, 87, 100];
const LM_BFF_TABLE = 'Gao, Fisch & Chen (2021), Table 3';

/**
 * LM-BFF Table 3, RoBERTa-large fine-tuned, mean (std) accuracy over the 5 seeds at K = 16:
 * prompt-based fine-tuning (manual template), and the same with demonstrations.
 * QUOTED FROM MEMORY — check against the paper (the UI says so next to every number).
 */
function lmBffFewShot(manual: [number, number], demos: [number, number], split?: string): PresetFewShot {
  const reported = (method: ReportedFewShot['method'], [accuracy, std]: [number, number]): ReportedFewShot => ({
    method,
    accuracy,
    std,
    model: 'RoBERTa-large',
    training: 'fine-tuned',
    source: LM_BFF_TABLE,
    ...(split ? { split } : {}),
    verified: false,
  });
  return {
    ks: [...LM_BFF_KS],
    seeds: [...LM_BFF_SEEDS],
    reported: [reported('prompt-finetuning', manual), reported('prompt-finetuning-demos', demos)],
  };
}

/** LM-BFF writes each demonstration with the query's own template: the demo template is the template. */
function withDemos(s: PromptSetup): PromptSetup {
  return { ...s, templates: s.templates.map((t) => ({ ...t, demo: t.text })) };
}

const SENTIMENT_INPUTS = [
  { X: 'A warm, funny and beautifully acted film.' },
  { X: 'The plot goes nowhere and the jokes never land.' },
  { X: 'I laughed the whole way through.' },
];

const LM_BFF_SENTIMENT = '*cls**sent_0*_It_was*mask*.*sep+*';
const LM_BFF_NLI = '*cls**sent-_0*?*mask*,*+sentl_1**sep+*';

export const PRESETS: readonly Preset[] = [
  {
    id: 'lmbff-sst2',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(83.6, true)],
    setup: withDemos(
      setup(
        'LM-BFF · SST-2 (movie review sentiment)',
        ROBERTA,
        [['It was …', '[X] It was [Z].']],
        [
          ['negative', 'terrible'],
          ['positive', 'great'],
        ],
        SENTIMENT_INPUTS,
      ),
    ),
    original: {
      format: 'lm-bff',
      template: LM_BFF_SENTIMENT,
      mapping: "{'0':'terrible','1':'great'}",
      labels: { '0': 'negative', '1': 'positive' },
    },
    fewShot: lmBffFewShot([92.7, 0.9], [92.6, 0.5]),
  },
  {
    id: 'lmbff-sst5',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(35.0, false)],
    setup: setup(
      'LM-BFF · SST-5 (five-way sentiment)',
      ROBERTA,
      [['It was …', '[X] It was [Z].']],
      [
        ['very negative', 'terrible'],
        ['negative', 'bad'],
        ['neutral', 'okay'],
        ['positive', 'good'],
        ['very positive', 'great'],
      ],
      [
        { X: 'An absolute masterpiece from start to finish.' },
        { X: 'Watchable, but I forgot it by the next morning.' },
        { X: 'Two hours of my life I will never get back.' },
      ],
    ),
    original: {
      format: 'lm-bff',
      template: LM_BFF_SENTIMENT,
      mapping: "{0:'terrible',1:'bad',2:'okay',3:'good',4:'great'}",
      labels: { '0': 'very negative', '1': 'negative', '2': 'neutral', '3': 'positive', '4': 'very positive' },
    },
  },
  {
    id: 'lmbff-mr',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(80.8, false)],
    setup: withDemos(
      setup(
        'LM-BFF · MR (movie reviews)',
        ROBERTA,
        [['It was …', '[X] It was [Z].']],
        [
          ['negative', 'terrible'],
          ['positive', 'great'],
        ],
        [
          { X: 'A smart, tender story that earns every one of its tears.' },
          { X: 'Too long, too loud and far too pleased with itself.' },
        ],
      ),
    ),
    original: {
      format: 'lm-bff',
      template: LM_BFF_SENTIMENT,
      mapping: "{0:'terrible',1:'great'}",
      labels: { '0': 'negative', '1': 'positive' },
    },
    fewShot: lmBffFewShot([87.0, 1.2], [86.6, 2.2]),
  },
  {
    id: 'lmbff-cr',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(79.5, false)],
    setup: withDemos(
      setup(
        'LM-BFF · CR (customer reviews)',
        ROBERTA,
        [['It was …', '[X] It was [Z].']],
        [
          ['negative', 'terrible'],
          ['positive', 'great'],
        ],
        [{ X: 'The battery easily lasts two days.' }, { X: 'The screen cracked within a week.' }],
      ),
    ),
    original: {
      format: 'lm-bff',
      template: LM_BFF_SENTIMENT,
      mapping: "{0:'terrible',1:'great'}",
      labels: { '0': 'negative', '1': 'positive' },
    },
    fewShot: lmBffFewShot([90.3, 1.0], [90.2, 1.2]),
  },
  {
    id: 'lmbff-subj',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(51.4, false)],
    setup: setup(
      'LM-BFF · Subj (subjective or objective)',
      ROBERTA,
      [['This is …', '[X] This is [Z].']],
      [
        ['subjective', 'subjective'],
        ['objective', 'objective'],
      ],
      [
        { X: 'The film is set in a small fishing town in 1950s Norway.' },
        { X: 'It is the most moving performance I have seen all year.' },
      ],
    ),
    original: {
      format: 'lm-bff',
      template: '*cls**sent_0*_This_is*mask*.*sep+*',
      mapping: "{0:'subjective',1:'objective'}",
      labels: { '0': 'subjective', '1': 'objective' },
    },
  },
  {
    id: 'lmbff-trec',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(32.0, false)],
    setup: withDemos(
      setup(
        'LM-BFF · TREC (question type)',
        ROBERTA,
        [['… : question', '[Z]: [X]']],
        [
          ['description', 'Description'],
          ['entity', 'Entity'],
          ['abbreviation', 'Expression'],
          ['human', 'Human'],
          ['location', 'Location'],
          ['number', 'Number'],
        ],
        [
          { X: 'Who painted the ceiling of the Sistine Chapel?' },
          { X: 'How many moons does Mars have?' },
          { X: 'What does NATO stand for?' },
          { X: 'Where is the Atacama desert?' },
        ],
      ),
    ),
    original: {
      format: 'lm-bff',
      template: '*cls**mask*:*+sent_0**sep+*',
      mapping: "{0:'Description',1:'Entity',2:'Expression',3:'Human',4:'Location',5:'Number'}",
      labels: { '0': 'description', '1': 'entity', '2': 'abbreviation', '3': 'human', '4': 'location', '5': 'number' },
    },
    fewShot: lmBffFewShot([84.8, 5.1], [87.5, 3.2]),
  },
  {
    id: 'lmbff-rte',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(51.3, true)],
    setup: setup(
      'LM-BFF · RTE (does the text entail the hypothesis?)',
      ROBERTA,
      [['… ? Yes/No , …', '[X1|nopunct]? [Z], [X2|lower]']],
      [
        ['not_entailment', 'No'],
        ['entailment', 'Yes'],
      ],
      [
        { X1: 'The museum opened its new wing to the public in May.', X2: 'The museum has a new wing.' },
        { X1: 'The company reported a loss for the third year in a row.', X2: 'The company made a profit last year.' },
      ],
    ),
    original: {
      format: 'lm-bff',
      template: LM_BFF_NLI,
      mapping: "{'not_entailment':'No','entailment':'Yes'}",
      labels: { not_entailment: 'not_entailment', entailment: 'entailment' },
    },
  },
  {
    id: 'lmbff-mnli',
    language: 'en',
    paper: LM_BFF,
    // Zero-shot (Table 3, "prompt-based zero-shot", MNLI matched): from memory, unverified.
    results: [zeroShot(50.8, false, 'accuracy', 'matched')],
    setup: withDemos(
      setup(
        'LM-BFF · MNLI (entailment, neutral or contradiction?)',
        ROBERTA,
        [['… ? Yes/Maybe/No , …', '[X1|nopunct]? [Z], [X2|lower]']],
        [
          ['contradiction', 'No'],
          ['entailment', 'Yes'],
          ['neutral', 'Maybe'],
        ],
        [
          { X1: 'A man is playing a guitar on stage.', X2: 'A man is performing music.' },
          { X1: 'The kitchen is spotless.', X2: 'Dirty dishes are piled in the sink.' },
          { X1: 'Two children are walking to school.', X2: 'The children are late.' },
        ],
      ),
    ),
    original: {
      format: 'lm-bff',
      template: LM_BFF_NLI,
      mapping: "{'contradiction':'No','entailment':'Yes','neutral':'Maybe'}",
      labels: { contradiction: 'contradiction', entailment: 'entailment', neutral: 'neutral' },
    },
    fewShot: lmBffFewShot([68.3, 2.3], [70.7, 1.3], 'matched'),
  },
  {
    id: 'lmbff-mrpc',
    language: 'en',
    paper: LM_BFF,
    results: [zeroShot(61.9, true, 'F1')],
    setup: setup(
      'LM-BFF · MRPC (paraphrase or not?)',
      ROBERTA,
      [['… Yes/No , …', '[X1] [Z], [X2|lower]']],
      [
        ['not_equivalent', 'No'],
        ['equivalent', 'Yes'],
      ],
      [
        {
          X1: 'The storm closed the airport for two days.',
          X2: 'The airport was shut for two days because of the storm.',
        },
        { X1: 'Sales rose sharply in the spring.', X2: 'The new store opens in the spring.' },
      ],
    ),
    original: {
      format: 'lm-bff',
      template: '*cls**sent_0**mask*,*+sentl_1**sep+*',
      mapping: "{'0':'No','1':'Yes'}",
      labels: { '0': 'not_equivalent', '1': 'equivalent' },
    },
  },
  {
    id: 'pet-yelp',
    language: 'en',
    paper: PET,
    results: [
      { value: 33.8, metric: 'accuracy', kind: 'pvp-mean', model: 'RoBERTa-large', verified: true },
      { value: 40.8, metric: 'accuracy', kind: 'pvp-best', model: 'RoBERTa-large', verified: true },
    ],
    setup: setup(
      'PET · Yelp reviews (1–5 stars)',
      ROBERTA,
      [
        ['P0: It was … . a', 'It was [Z]. [X]'],
        ['P1: a. All in all, it was …', '[X]. All in all, it was [Z].'],
        ['P2: Just …! ‖ a', 'Just [Z]! [X]'],
        ['P3: a ‖ In summary, the restaurant is …', '[X] In summary, the restaurant is [Z].'],
      ],
      [
        ['1 star', 'terrible'],
        ['2 stars', 'bad'],
        ['3 stars', 'okay'],
        ['4 stars', 'good'],
        ['5 stars', 'great'],
      ],
      [
        { X: 'The pasta was cold and the waiter ignored us all evening' },
        { X: 'Friendly staff, fair prices, and the best dumplings in town' },
        { X: 'Nothing special, but the coffee was fine' },
      ],
    ),
  },
  {
    id: 'pet-agnews',
    language: 'en',
    paper: PET,
    results: [
      { value: 69.5, metric: 'accuracy', kind: 'pvp-mean', model: 'RoBERTa-large', verified: true },
      { value: 79.4, metric: 'accuracy', kind: 'pvp-best', model: 'RoBERTa-large', verified: true },
    ],
    setup: setup(
      "PET · AG's News (news topic)",
      ROBERTA,
      [
        ['P0: … : a b', '[Z]: [X1] [X2]'],
        ['P1: … News: a b', '[Z] News: [X1] [X2]'],
        ['P2: a ( … ) b', '[X1] ([Z]) [X2]'],
        ['P3: a b ( … )', '[X1] [X2] ([Z])'],
        ['P4: [ Category: … ] a b', '\\[ Category: [Z] \\] [X1] [X2]'],
      ],
      [
        ['World', 'World'],
        ['Sports', 'Sports'],
        ['Business', 'Business'],
        ['Sci/Tech', 'Tech'],
      ],
      [
        {
          X1: 'Rivals share the lead after a dramatic final round',
          X2: 'Two strokes separated the top five as the tournament came down to the last hole.',
        },
        {
          X1: 'Chip maker shares jump on record earnings',
          X2: 'The company raised its forecast for the rest of the year.',
        },
        {
          X1: 'New telescope captures images of distant galaxies',
          X2: 'Astronomers say the first pictures exceeded their expectations.',
        },
      ],
    ),
  },
  {
    id: 'pet-yahoo',
    language: 'en',
    paper: PET,
    results: [
      { value: 44.0, metric: 'accuracy', kind: 'pvp-mean', model: 'RoBERTa-large', verified: true },
      { value: 56.4, metric: 'accuracy', kind: 'pvp-best', model: 'RoBERTa-large', verified: true },
    ],
    setup: setup(
      'PET · Yahoo Questions (question topic)',
      ROBERTA,
      [
        ['P0: … : a b', '[Z]: [X1] [X2]'],
        ['P1: … Question: a b', '[Z] Question: [X1] [X2]'],
        ['P2: a ( … ) b', '[X1] ([Z]) [X2]'],
        ['P3: a b ( … )', '[X1] [X2] ([Z])'],
        ['P4: [ Category: … ] a b', '\\[ Category: [Z] \\] [X1] [X2]'],
      ],
      [
        ['Society & Culture', 'Society'],
        ['Science & Mathematics', 'Science'],
        ['Health', 'Health'],
        ['Education & Reference', 'Education'],
        ['Computers & Internet', 'Computer'],
        ['Sports', 'Sports'],
        ['Business & Finance', 'Business'],
        ['Entertainment & Music', 'Entertainment'],
        ['Family & Relationships', 'Relationship'],
        ['Politics & Government', 'Politics'],
      ],
      [
        {
          X1: 'How do I stop my laptop from overheating?',
          X2: 'It gets very hot when I play games and then shuts down.',
        },
        {
          X1: 'Is it normal to feel tired after a flu shot?',
          X2: 'I got mine yesterday and I can barely keep my eyes open.',
        },
      ],
    ),
  },
  {
    id: 'pet-mnli',
    language: 'en',
    paper: PET,
    results: [
      { value: 39.1, metric: 'accuracy', kind: 'pvp-mean', model: 'RoBERTa-large', split: 'matched', verified: true },
      {
        value: 39.8,
        metric: 'accuracy',
        kind: 'pvp-mean',
        model: 'RoBERTa-large',
        split: 'mismatched',
        verified: true,
      },
      { value: 43.8, metric: 'accuracy', kind: 'pvp-best', model: 'RoBERTa-large', verified: true },
    ],
    setup: setup(
      'PET · MNLI (Wrong / Right / Maybe)',
      ROBERTA,
      [
        ['P0: "a" ? ‖ … , "b"', '"[X1|nopunct]"? [Z], "[X2]"'],
        ['P1: a ? ‖ … , b', '[X1|nopunct]? [Z], [X2]'],
      ],
      [
        ['contradiction', 'Wrong'],
        ['entailment', 'Right'],
        ['neutral', 'Maybe'],
      ],
      [
        { X1: 'A man is playing a guitar on stage.', X2: 'A man is performing music.' },
        { X1: 'The kitchen is spotless.', X2: 'Dirty dishes are piled in the sink.' },
        { X1: 'Two children are walking to school.', X2: 'The children are late.' },
      ],
    ),
  },
  {
    id: 'pet-mnli-b',
    language: 'en',
    paper: PET,
    results: [],
    setup: setup(
      'PET · MNLI (No / Yes / Maybe)',
      ROBERTA,
      [
        ['P2: "a" ? ‖ … , "b"', '"[X1|nopunct]"? [Z], "[X2]"'],
        ['P3: a ? ‖ … , b', '[X1|nopunct]? [Z], [X2]'],
      ],
      [
        ['contradiction', 'No'],
        ['entailment', 'Yes'],
        ['neutral', 'Maybe'],
      ],
      [
        { X1: 'A man is playing a guitar on stage.', X2: 'A man is performing music.' },
        { X1: 'The kitchen is spotless.', X2: 'Dirty dishes are piled in the sink.' },
        { X1: 'Two children are walking to school.', X2: 'The children are late.' },
      ],
    ),
  },
  {
    id: 'zh-sentiment',
    language: 'zh',
    paper: null,
    results: [],
    setup: setup(
      '中文情感：好 / 差',
      CHINESE_BERT,
      [
        ['总之，很……', '[X]总之，很[Z]。'],
        ['这家店真……', '[X]这家店真[Z]！'],
      ],
      [
        ['正面', '好', '棒'],
        ['负面', '差', '坏'],
      ],
      [
        { X: '菜很好吃，服务也很周到，下次还来。' },
        { X: '等了一个小时才上菜，太让人失望了。' },
        { X: '价格不贵，环境一般。' },
      ],
    ),
  },
  {
    id: 'zh-news',
    language: 'zh',
    paper: null,
    results: [],
    setup: setup(
      '中文新闻主题',
      CHINESE_BERT,
      [
        ['这是一则……新闻', '这是一则[Z]新闻：[X]'],
        ['【……】', '【[Z]】[X]'],
      ],
      [
        ['体育', '体育'],
        ['财经', '财经'],
        ['科技', '科技'],
        ['娱乐', '娱乐'],
      ],
      [
        { X: '国家队在世界杯预选赛中以二比零战胜对手。' },
        { X: '央行宣布下调存款准备金率零点五个百分点。' },
        { X: '新款手机搭载自研芯片，续航大幅提升。' },
        { X: '这部电影上映首周票房突破十亿元。' },
      ],
    ),
  },
];

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
