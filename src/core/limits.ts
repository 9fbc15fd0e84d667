// The limits of a setup, in one place. The template parser, the verbalizer parser, the setup schema
// (setup.ts), the fit-to-limits step (setup-fit.ts), the editor (store and UI) and import/export
// all read them from here, so that whatever the editor accepts can be saved, read back, exported
// and imported again. Every other limit is derived from these numbers; none is written twice.
// No imports: everything else in the app may read this module.

export const LIMITS = Object.freeze({
  nameChars: 200,
  /** Each part of a Hub-style model id "owner/name". */
  modelIdPartChars: 96,
  templates: 20,
  templateIdChars: 64,
  templateNameChars: 200,
  templateTextChars: 2_000,
  /** Verbalizer text the parser reads at all (a hostile paste can't make it build huge structures). */
  verbalizerChars: 100_000,
  labels: 100,
  labelChars: 100,
  wordsPerLabel: 50,
  wordChars: 100,
  inputRows: 500,
  /** The highest numbered input slot: [X1] … [X99]. */
  slotNumber: 99,
  /** Different input slots in one template. */
  slotsPerTemplate: 20,
  inputChars: 10_000,
  /** All example inputs together. */
  totalInputChars: 1_000_000,
  /** Named alternative label-word lists (verbalizer variants) in one setup. */
  verbalizerVariants: 8,
  variantNameChars: 60,
  /** All label words of all variants together. */
  variantWordsTotal: 5_000,
  /** Models on a grid's model axis. */
  gridModels: 4,
});

/**
 * One template line imported from another tool: its syntax spells a template more verbosely than
 * ours ("*sent_0*" for "[X]", "*mask*" for "[Z]"), never 4× as long, so a longer line can't become
 * a template and is refused before it is read.
 */
export const IMPORTED_TEMPLATE_LINE_CHARS = 4 * LIMITS.templateTextChars;
/** All the template lines pasted for one import (blank lines and surrounding spaces included). */
export const IMPORTED_TEMPLATES_CHARS = 2 * LIMITS.templates * IMPORTED_TEMPLATE_LINE_CHARS;
/** Another tool's label-word mapping: at most as long as the verbalizer text we read at all. */
export const IMPORTED_MAPPING_CHARS = LIMITS.verbalizerChars;

/** "owner/name". */
export const MODEL_ID_CHARS = 2 * LIMITS.modelIdPartChars + 1;

/** The keys an input row may have: "X", and "X1" … "X<slotNumber>". */
export const SLOT_KEYS_PER_ROW = LIMITS.slotNumber + 1;

const SLOT_NAME = /^X(?:[1-9][0-9]*)?$/;

/** The number of an input slot name ("X12" → 12, "X" → 0); NaN when it is not one. */
export function inputSlotNumber(name: string): number {
  if (!SLOT_NAME.test(name)) return NaN;
  return name === 'X' ? 0 : Number(name.slice(1));
}

/** Whether `key` names an input slot a setup may hold: X, X1 … X99. */
export function isInputSlotKey(key: string): boolean {
  return inputSlotNumber(key) <= LIMITS.slotNumber;
}

// The longest JSON text of a setup within these limits, as an export writes it (pretty-printed with
// two spaces): every string at its longest and made only of characters JSON escapes the longest way
// ("\u0001": six characters for one), every list full, plus room around every value for its key,
// quotes, separators and indentation. The JSON import reads up to this length, so an export at the
// limits always imports (checked by a test at the maximum sizes).
const ESCAPED = 6;
const AROUND = 64;
const FIXED = 4_096;
// A template's text and its demonstration template (`demo`) share the same limit.
const templateJson = ESCAPED * (LIMITS.templateIdChars + LIMITS.templateNameChars + 2 * LIMITS.templateTextChars);
const labelJson =
  ESCAPED * LIMITS.labelChars + 3 * AROUND + LIMITS.wordsPerLabel * (ESCAPED * LIMITS.wordChars + AROUND);
const rowJson = AROUND + SLOT_KEYS_PER_ROW * AROUND;

// Setup v2: variants (names, labels, words bounded in total), a second model, the grid's axes.
const variantsJson =
  LIMITS.verbalizerVariants *
    (ESCAPED * LIMITS.variantNameChars + AROUND + LIMITS.labels * (ESCAPED * LIMITS.labelChars + 3 * AROUND)) +
  LIMITS.variantWordsTotal * (ESCAPED * LIMITS.wordChars + AROUND);
const modelJson = ESCAPED * MODEL_ID_CHARS + 4 * AROUND;
const gridJson =
  LIMITS.templates * (ESCAPED * LIMITS.templateIdChars + AROUND) +
  (LIMITS.verbalizerVariants + 1) * (ESCAPED * LIMITS.variantNameChars + AROUND) +
  LIMITS.gridModels * modelJson +
  4 * AROUND;

/** Longest setup JSON text an import reads (characters); no setup within the limits exports longer. */
export const SETUP_JSON_CHARS =
  FIXED +
  variantsJson +
  modelJson +
  gridJson +
  ESCAPED * (LIMITS.nameChars + MODEL_ID_CHARS + LIMITS.templateIdChars) +
  LIMITS.templates * (templateJson + 4 * AROUND) +
  LIMITS.labels * labelJson +
  ESCAPED * LIMITS.totalInputChars +
  LIMITS.inputRows * rowJson;
