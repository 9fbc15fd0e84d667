// One shape for everything the engine reports to a person: a template or verbalizer mistake, a
// data row that can't be used, a setup or link that can't be read, what an import/export could not
// carry over, a scoring warning, an evaluation hint. An issue holds no sentence: its code and
// params are rendered by the message catalogs (messages/en.ts, messages/zh.ts) through
// `formatIssue`, the same way in the browser and the CLI.
//
// ISSUE_CODES lists every code with the params its message may name. The catalogs are typed by
// it, so a code without a message, or a message naming a param its code does not give, fails the
// type check (and tests/unit/messages.test.ts checks the plain-text entries).

import type { Span } from './types.ts';

export type Severity = 'error' | 'warning' | 'info';

/**
 * What a message param holds: free text ('' where the message says nothing about it), a count, a
 * rate in [0, 1] (shown as a percentage), or one of a few values.
 */
type ParamKind = 'text' | 'count' | 'rate' | readonly (string | number)[];
type ParamSpec = Readonly<Record<string, ParamKind>>;

/** 1-based line and column of a template position; multiline 1 when the template has several lines. */
const AT = { line: 'count', column: 'count', multiline: [0, 1] } as const;
/** 1-based line and column in a verbalizer. */
const LINE_COLUMN = { line: 'count', column: 'count' } as const;
/** The physical line(s) of a data row. */
const ROW = { line: 'count', endLine: 'count' } as const;
const TOOLS = ['LM-BFF', 'OpenPrompt'] as const;

export const TEMPLATE_ERRORS = {
  'empty-template': {},
  'missing-mask': {},
  'duplicate-mask': AT,
  /** advice: what the name looks like — a mask ([MASK]), a slot in the wrong case ([x1]), a leading zero ([X01]). */
  'unknown-slot': { ...AT, name: 'text', advice: ['mask', 'case', 'zero', 'other'] },
  'empty-slot': AT,
  'unclosed-bracket': AT,
  'stray-bracket': AT,
  /** modifier '' for an empty one; suggestion: the lower-case spelling when that is a modifier. */
  'unknown-modifier': { ...AT, slot: 'text', modifier: 'text', suggestion: 'text' },
  'mask-modifier': AT,
  'mixed-inputs': { ...AT, slot: 'text', other: 'text' },
  /** A numbered slot beyond the last one a setup may hold (LIMITS.slotNumber), e.g. [X100]. */
  'slot-number-too-high': { ...AT, slot: 'text', max: 'count' },
  /** More different input slots than one template may have (LIMITS.slotsPerTemplate); at the first one too many. */
  'too-many-slots': { ...AT, slot: 'text', max: 'count' },
  /** A demonstration template's input that the query's template lacks; slots: the query's, e.g. "[X1], [X2]". */
  'demo-slot-unknown': { ...AT, slot: 'text', slots: 'text' },
} as const satisfies Record<string, ParamSpec>;

export const TEMPLATE_WARNINGS = {
  /** No [X] at all: every input gets the same prompt, so the same prediction. */
  'no-input-slot': {},
  /** Numbered inputs with a hole, e.g. [X1] and [X3] but no [X2]; missing: "[X2]" or "[X2], [X4]". */
  'slot-gap': { slot: 'text', missing: 'text' },
  /** The same modifier twice on one slot (harmless). */
  'duplicate-modifier': { ...AT, slot: 'text', modifier: 'text' },
  /** Literal "<mask>" or "\[MASK\]" in the template text: a tokenizer may turn it into a real mask token. */
  'literal-mask-token': { ...AT, literal: 'text' },
} as const satisfies Record<string, ParamSpec>;

export const VERBALIZER_ISSUES = {
  'empty-verbalizer': {},
  'missing-colon': { ...LINE_COLUMN, text: 'text' },
  'empty-label': LINE_COLUMN,
  'duplicate-label': { ...LINE_COLUMN, label: 'text' },
  'no-words': { ...LINE_COLUMN, label: 'text' },
  'duplicate-word': { ...LINE_COLUMN, word: 'text', label: 'text' },
  'shared-word': { ...LINE_COLUMN, word: 'text', other: 'text' },
  'single-label': { label: 'text' },
  'empty-word': { ...LINE_COLUMN, quoted: [0, 1] },
  'unclosed-quote': LINE_COLUMN,
  /** Text after a closing quote (of a word, or of the label), a quote inside a bare word, or a second ":". */
  'unexpected-text': { ...LINE_COLUMN, kind: ['after-quote', 'after-quote-label', 'quote', 'colon'] },
  'verbalizer-too-large': { length: 'count', max: 'count' },
  /** A quoted label or word with "\n" or "\r": a setup can't hold it. */
  'line-break': { ...LINE_COLUMN, text: 'text' },
  // More than a saved setup may hold (VERBALIZER_LIMITS).
  'too-many-labels': { ...LINE_COLUMN, label: 'text', max: 'count' },
  'label-too-long': { ...LINE_COLUMN, label: 'text', length: 'count', max: 'count' },
  'too-many-words': { ...LINE_COLUMN, label: 'text', max: 'count' },
  'word-too-long': { ...LINE_COLUMN, word: 'text', length: 'count', max: 'count' },
} as const satisfies Record<string, ParamSpec>;

/** Label words against the active model's tokenizer. */
export const RESOLUTION_ISSUES = {
  'multi-token': { label: 'text', word: 'text', n: 'count', pieces: 'text' },
  'unknown-token': { label: 'text', word: 'text', pieces: 'text' },
  'empty-tokenization': { label: 'text', word: 'text' },
  'same-tokens': { label: 'text', word: 'text', other: 'text', otherLabel: 'text', sameLabel: [0, 1] },
} as const satisfies Record<string, ParamSpec>;

export const SCORING_WARNINGS = {
  'no-usable-words': { label: 'text' },
  'uniform-fallback': {},
  approximated: {},
  truncated: { n: 'count' },
  'invalid-score': { n: 'count' },
  'no-mask-content-free': {},
} as const satisfies Record<string, ParamSpec>;

/** Setup schema errors; each carries the path of the value it is about (SetupError.path). */
export const SETUP_ERRORS = {
  'not-object': {},
  'not-text': {},
  /** A file too large to be read as a setup at all. */
  'file-too-large': { bytes: 'count' },
  'json-too-large': { length: 'count', max: 'count' },
  'json-invalid': { detail: 'text' },
  'version-missing': { current: 'count' },
  'version-newer': { version: 'count', current: 'count' },
  'version-unknown': { version: 'text' },
  'too-many': { count: 'count', max: 'count' },
  'slots-per-row': { max: 'count' },
  'model-id': {},
  'template-id-format': {},
  'template-name-too-long': { max: 'count' },
  'template-too-long': { max: 'count' },
  'demo-template-too-long': { max: 'count' },
  'no-templates': {},
  'too-many-templates': { max: 'count' },
  'duplicate-template-id': { id: 'text' },
  'active-template': { id: 'text' },
  'no-labels': {},
  'label-empty': {},
  'label-blank': {},
  'label-newline': {},
  'label-without-words': {},
  'word-empty': {},
  'word-newline': {},
  'setup-duplicate-label': { label: 'text' },
  'setup-duplicate-word': { word: 'text', label: 'text' },
  'too-many-inputs': { max: 'count' },
  'inputs-too-long': { length: 'count', max: 'count' },
  'slot-key': { key: 'text' },
  // Setup v2: verbalizer variants and the grid.
  'variant-name-empty': {},
  'variant-name-too-long': { max: 'count' },
  'variant-name-invalid': {},
  'variant-name-reserved': { name: 'text' },
  'duplicate-variant-name': { name: 'text' },
  'variant-label-missing': { variant: 'text', label: 'text' },
  'variant-label-unknown': { variant: 'text', label: 'text' },
  'variant-words-too-many': { count: 'count', max: 'count' },
  'too-many-variants': { max: 'count' },
  'grid-axis-empty': {},
  'grid-template': { id: 'text' },
  'grid-verbalizer': { name: 'text' },
  'grid-compare-model': {},
  'grid-duplicate': { value: 'text' },
  // The schema's generic checks; origin is what was checked ('string', 'array', …).
  'wrong-type': { expected: 'text' },
  'too-small': { origin: 'text', minimum: 'count' },
  'too-big': { origin: 'text', maximum: 'count' },
  'invalid-option': { values: 'text' },
  'invalid-value': {},
} as const satisfies Record<string, ParamSpec>;

export const LINK_ERRORS = {
  /** The fragment is not a ClozeLab setup link (e.g. another app's "#…"). */
  'not-a-link': {},
  /** Nothing after "#s=" (afterVersion 0), or nothing after its version and checksum (1). */
  'link-empty': { afterVersion: [0, 1] },
  'link-no-version': {},
  'link-bad-escape': {},
  'link-bad-checksum-field': {},
  'link-bad-character': { char: 'text' },
  /** A link format this ClozeLab does not know. */
  'unknown-version': { version: 'count' },
  'newer-version': { version: 'count', current: 'count' },
  'link-too-long': { length: 'count', max: 'count' },
  'link-too-much-data': { length: 'count', max: 'count' },
  /** The payload does not decompress (cut short or changed). */
  damaged: {},
  /** It decompresses, but the checksum does not match: cut short or changed on its way. */
  checksum: {},
  'not-json': {},
  /** Valid JSON that is not a valid setup (LinkError.errors lists why). */
  'invalid-setup': { count: 'count' },
  // Making a link.
  'setup-not-shareable': {},
  'setup-too-large-for-link': { length: 'count', max: 'count' },
} as const satisfies Record<string, ParamSpec>;

/** What an import from / export to another prompt-learning tool could not carry over. */
export const FORMAT_ISSUES = {
  'too-many-templates': { max: 'count' },
  /** A pasted text refused by its size before it is read (what: which field of the import form). */
  'import-too-long': { what: ['templates', 'template', 'mapping'], length: 'count', max: 'count' },
  /** Label words that convert but are beyond what a verbalizer may hold (what: which limit). */
  'mapping-over-limit': { what: ['labels', 'label', 'words', 'word'], label: 'text', max: 'count' },
  'template-skipped': { template: 'text' },
  'model-not-exported': { model: 'text' },
  'inputs-not-exported': { n: 'count', tool: TOOLS },
  'mask-at-start': { tool: TOOLS },
  'calibration-off': {},
  'lmbff-template-empty': {},
  'lmbff-no-templates': {},
  'lmbff-no-calibration': {},
  'mapping-syntax': { detail: 'text' },
  'mapping-shape': {},
  'mapping-word': { label: 'text' },
  'mapping-duplicate': { label: 'text' },
  'mapping-empty': {},
  'lmbff-cls': {},
  'lmbff-sep': { part: 'text' },
  'lmbff-alias': { part: 'text', alias: 'text' },
  'lmbff-input-index': { part: 'text', input: 'count', max: 'count' },
  'lmbff-upper': { part: 'text' },
  'lmbff-nopunct': { part: 'text' },
  'lmbff-nopunct-export': { slot: 'text', part: 'text' },
  /** A label word (*label_i*) outside a demonstration, e.g. before the query's *mask*: left out. */
  'lmbff-demonstration': { part: 'text' },
  /** Import: the template carries n demonstrations; the first one's pattern is the demonstration template. */
  'lmbff-demonstrations': { n: 'count' },
  'lmbff-demo-differs': { n: 'count' },
  'lmbff-demo-extra': { part: 'text' },
  'lmbff-demo-mask': {},
  'lmbff-demo-input': { part: 'text', first: 'count', last: 'count' },
  /** Export: the demonstration template has errors, so the query is exported alone. */
  'lmbff-demo-invalid': {},
  'lmbff-demo-export': { n: 'count' },
  'demo-not-exported': { tool: TOOLS },
  'lmbff-unknown-variable': { part: 'text' },
  'lmbff-mask-space': {},
  'lmbff-asterisk': {},
  'lmbff-underscore': {},
  'lmbff-reserved-text': { text: 'text' },
  'lmbff-space-token': { variable: 'text' },
  'lmbff-one-word': { label: 'text', kept: 'text', dropped: 'text' },
  'lmbff-multiword': { word: 'text' },
  'lmbff-label-ids': {},
  'openprompt-template-empty': {},
  'openprompt-no-templates': {},
  'openprompt-no-calibration': {},
  'openprompt-newline': {},
  'openprompt-spaces': {},
  'openprompt-brace': {},
  'openprompt-meta': { slot: 'text' },
  'openprompt-unclosed': { column: 'count' },
  /** detail: the literal parser's complaint, '' when the block parsed but is not a dict. */
  'openprompt-block': { column: 'count', detail: 'text' },
  'openprompt-unknown-key': { key: 'text' },
  'openprompt-post-processing': { code: 'text' },
  'openprompt-shortenable': {},
  'openprompt-placeholder': { placeholder: 'text' },
  'openprompt-meta-unnamed': {},
  'openprompt-meta-input': { name: 'text', slot: 'text' },
  'openprompt-soft': { text: 'text' },
  'openprompt-soft-dropped': {},
  'openprompt-special': { token: 'text' },
  'openprompt-empty-block': {},
  'openprompt-no-prefix': { label: 'text' },
  'openprompt-aggregation': { aggregation: 'text' },
  'openprompt-multitoken': {},
  'openprompt-scoring-set': {},
  'label-words-missing': {},
  'label-words-syntax': { detail: 'text' },
  'label-words-container': {},
  'label-words-shape': { label: 'text' },
  'label-words-duplicate': { label: 'text' },
  'label-words-no-words': { label: 'text' },
  'label-words-no-labels': {},
  /** form: the words came as a list, or as lines of a .txt file. */
  'classes-needed': { n: 'count', form: ['list', 'lines'] },
  'classes-syntax': {},
} as const satisfies Record<string, ParamSpec>;

export const DATASET_ERRORS = {
  'data-empty': {},
  'data-no-json-lines': {},
  'data-no-columns': {},
  'data-too-large': { length: 'count', max: 'count' },
  /** Reading failed for another reason (detail: what went wrong, in the words of whatever failed). */
  'data-unreadable': { detail: 'text' },
} as const satisfies Record<string, ParamSpec>;

/** A data row that is left out of an evaluation. */
export const ROW_PROBLEMS = {
  'column-count': { ...ROW, found: 'count', expected: 'count' },
  'malformed-quotes': ROW,
  /** detail: the JSON parser's complaint. */
  'invalid-json': { ...ROW, detail: 'text' },
  'not-an-object': ROW,
  'missing-text': { ...ROW, column: 'text' },
  'missing-label': { ...ROW, column: 'text' },
  /**
   * A JSONL value that is not a string where text is read: in an input column (role 'text') or the
   * label column (role 'label'); value: the JSON as written, shortened ('' for null).
   */
  'non-string-value': {
    ...ROW,
    column: 'text',
    role: ['text', 'label'],
    kind: ['number', 'boolean', 'null', 'object', 'array'],
    value: 'text',
  },
  'unknown-label': { ...ROW, value: 'text' },
} as const satisfies Record<string, ParamSpec>;

/**
 * Evaluation hints. calibrated: whether the metrics are the calibrated ones; other: the label most
 * often mistaken for `label` ('' when there is none).
 */
export const DIAGNOSIS_HINTS = {
  'prediction-bias': { label: 'text', value: 'rate', reference: 'rate', calibrated: [0, 1] },
  'confused-pair': { label: 'text', other: 'text', count: 'count', share: 'rate' },
  'low-recall': { label: 'text', value: 'rate', count: 'count', other: 'text' },
  'low-precision': { label: 'text', value: 'rate', count: 'count', other: 'text' },
  'imbalanced-gold': { label: 'text', value: 'rate' },
  'no-support': { label: 'text' },
  /** value: macro-F1 of the mode shown; reference: of the other mode. */
  'calibration-helps': { value: 'rate', reference: 'rate', calibrated: [0, 1] },
  uniform: { count: 'count' },
  /** labels: the labels without a usable word, quoted, comma-separated; all: whether that is every label. */
  'unreadable-label-words': { labels: 'text', all: [0, 1] },
} as const satisfies Record<string, ParamSpec>;

/** What an evaluation run says about its examples as a whole. */
export const EVALUATION_NOTES = {
  /**
   * Fewer evaluated examples than SMALL_SAMPLE_N (metrics.ts): n examples, min the threshold. The
   * numbers come with their 95 % confidence intervals; this says why they matter here.
   */
  'small-sample': { n: 'count', min: 'count' },
  /**
   * n of total evaluated examples had input text cut to fit the model's maximum length; max: the
   * most tokens cut from one example; slots: the inputs cut ("[X]", "[X1], [X2]"); see: where the
   * per-example numbers are (file: the CLI's --predictions file, '' otherwise).
   */
  'truncated-examples': {
    n: 'count',
    total: 'count',
    max: 'count',
    slots: 'text',
    see: ['cli-file', 'cli-flag', 'browser'],
    file: 'text',
  },
} as const satisfies Record<string, ParamSpec>;

/**
 * A model file and where the model comes from: the Hub, the app's server (/models/…), a folder
 * opened in the browser, a folder on disk (command line); '' when unknown.
 */
const MODEL_FILE = { file: 'text', where: ['hub', 'app', 'folder', 'disk', ''] } as const;

/**
 * Why the model runtime failed (src/runtime/errors.ts RuntimeError.code). The text is a summary:
 * the runtime's own English message, with what exactly happened, goes with it as detail.
 */
export const RUNTIME_ERRORS = {
  'hub-unreachable': {},
  /** file: the file inside the model folder ('' when unknown); where: where the model comes from. */
  'file-missing': MODEL_FILE,
  'not-masked-lm': {},
  /** The file arrived whole but cannot be read (not JSON, not an ONNX model, not a tokenizer). */
  'corrupt-model': MODEL_FILE,
  /** The file did not arrive as announced: the connection broke, it was cut short, or its sha256 differs. */
  'download-incomplete': MODEL_FILE,
  'out-of-memory': {},
  'webgpu-unavailable': {},
  cancelled: {},
  superseded: {},
  'invalid-input': {},
  'not-loaded': {},
  'worker-restarted': {},
  'worker-crashed': {},
  unknown: {},
} as const satisfies Record<string, ParamSpec>;

/** Every group, by name; a code belongs to exactly one group, except codes shared on purpose. */
export const ISSUE_GROUPS = {
  template: { ...TEMPLATE_ERRORS, ...TEMPLATE_WARNINGS },
  verbalizer: VERBALIZER_ISSUES,
  resolution: RESOLUTION_ISSUES,
  scoring: SCORING_WARNINGS,
  setup: SETUP_ERRORS,
  link: LINK_ERRORS,
  format: FORMAT_ISSUES,
  dataset: DATASET_ERRORS,
  row: ROW_PROBLEMS,
  diagnosis: DIAGNOSIS_HINTS,
  evaluation: EVALUATION_NOTES,
  runtime: RUNTIME_ERRORS,
};

export const ISSUE_CODES = {
  ...ISSUE_GROUPS.template,
  ...VERBALIZER_ISSUES,
  ...RESOLUTION_ISSUES,
  ...SCORING_WARNINGS,
  ...SETUP_ERRORS,
  ...LINK_ERRORS,
  ...FORMAT_ISSUES,
  ...DATASET_ERRORS,
  ...ROW_PROBLEMS,
  ...DIAGNOSIS_HINTS,
  ...EVALUATION_NOTES,
  ...RUNTIME_ERRORS,
} as const;

export type IssueCode = keyof typeof ISSUE_CODES;

type ParamValue<K> = K extends 'text'
  ? string
  : K extends 'count' | 'rate'
    ? number
    : K extends readonly (infer V)[]
      ? V
      : never;

/** The params an issue with code C carries: exactly those ISSUE_CODES lists for it. */
export type IssueParams<C extends IssueCode> = {
  [P in keyof (typeof ISSUE_CODES)[C]]: ParamValue<(typeof ISSUE_CODES)[C][P]>;
};

/** An issue with one known code (what producers build). */
export interface IssueOf<C extends IssueCode> {
  code: C;
  severity: Severity;
  /** Where in the source text it is, when it is about a place in a text. */
  span?: Span;
  params: IssueParams<C>;
}

/** An issue with any of the codes C (a union, so that checking `code` narrows `params`). */
export type Issue<C extends IssueCode = IssueCode> = { [K in C]: IssueOf<K> }[C];

export type TemplateErrorCode = keyof typeof TEMPLATE_ERRORS;
export type TemplateWarningCode = keyof typeof TEMPLATE_WARNINGS;
export type VerbalizerIssueCode = keyof typeof VERBALIZER_ISSUES;
export type ResolutionIssueCode = keyof typeof RESOLUTION_ISSUES;
export type ScoringWarningCode = keyof typeof SCORING_WARNINGS;
export type SetupErrorCode = keyof typeof SETUP_ERRORS;
export type LinkErrorCode = keyof typeof LINK_ERRORS;
export type FormatIssueCode = keyof typeof FORMAT_ISSUES | TemplateErrorCode;
export type DatasetErrorCode = keyof typeof DATASET_ERRORS;
export type RowProblemCode = keyof typeof ROW_PROBLEMS;
export type HintCode = keyof typeof DIAGNOSIS_HINTS;
export type EvaluationNoteCode = keyof typeof EVALUATION_NOTES;
export type RuntimeErrorCode = keyof typeof RUNTIME_ERRORS;

/** An issue, with its params checked against its code. */
export function issue<C extends IssueCode>(
  code: C,
  severity: Severity,
  params: IssueParams<C>,
  span?: Span,
): IssueOf<C> {
  return span ? { code, severity, span, params } : { code, severity, params };
}
