// English texts of every issue code (src/core/issues.ts), for the browser and the CLI alike.
import { percent, type IssueCatalog } from './catalog.ts';

/** "character 12" in a one-line template, "line 2, character 5" otherwise. */
const at = (p: { line: number; column: number; multiline: 0 | 1 }) =>
  p.multiline ? `line ${p.line}, character ${p.column}` : `character ${p.column}`;

/** A verbalizer issue at a place in the text. */
const onLine = (p: { line: number; column: number }, text: string) => `Line ${p.line}, column ${p.column}: ${text}`;

/** A data row problem: "line 3: …", "lines 3–5: …". */
const NOT_TEXT_KINDS = {
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  object: 'a JSON object',
  array: 'a JSON array',
} as const;

const onRow = (p: { line: number; endLine: number }, text: string) =>
  `${p.endLine > p.line ? `lines ${p.line}–${p.endLine}` : `line ${p.line}`}: ${text}`;

const thousands = (n: number) => n.toLocaleString('en-US');

const SLOT_HELP = 'Use [X] (or [X1], [X2], …) for inputs and [Z] for the answer.';

/** Expected JSON types, as a schema error names them. */
const TYPES: Record<string, string> = {
  object: 'an object',
  record: 'an object',
  string: 'a string',
  array: 'a list',
  number: 'a number',
  boolean: 'true or false',
};

/** Where a model file comes from (runtime errors' `where`). */
type Where = 'hub' | 'app' | 'folder' | 'disk' | '';
const FROM: Record<Where, string> = {
  hub: ' (from the Hugging Face Hub)',
  app: " (from this app's server)",
  folder: ' (in the folder you opened)',
  disk: ' (in the model folder)',
  '': '',
};
const MISSING_FIX: Record<Where, string> = {
  hub: 'Check the model id, and that the model has Transformers.js ONNX weights in this precision.',
  app: 'Whoever runs this app must add it to the model folder (npm run models:download).',
  folder: 'Add it to the folder and open the folder again.',
  disk: 'Add it to the model folder (npm run models:download), or choose another precision.',
  '': 'Re-create or re-download the model folder.',
};
const DAMAGED_FIX: Record<Where, string> = {
  hub: "In the app it was removed from the browser cache, so Load again downloads it anew; on the command line, delete the model from Transformers.js's cache folder first. If it stays damaged, the file on the Hub is broken.",
  app: 'Whoever runs this app must replace it (npm run models:download -- --verify <id> finds damaged files).',
  folder: 'Replace it with a good copy and open the folder again.',
  disk: 'Replace it with a good copy (npm run models:download -- --verify <id> finds damaged files).',
  '': 'Replace it with a good copy.',
};
const INCOMPLETE_FIX: Record<Where, string> = {
  hub: 'Load again when the connection is stable.',
  app: "Load again; if it keeps happening, check the app's server.",
  folder: 'Open the folder again.',
  disk: 'Load again.',
  '': 'Load again.',
};

export const en: IssueCatalog = {
  // Templates
  'empty-template':
    'The template is empty. Write a sentence with [X] for the input and [Z] for the answer, e.g. "[X] It was [Z]."',
  'missing-mask':
    'The template has no answer slot. Add [Z] where the model should fill in the answer, e.g. "[X] It was [Z]."',
  'duplicate-mask': (p) =>
    `[Z] appears more than once: the second one is at ${at(p)}. A template has exactly one answer slot.`,
  'unknown-slot': (p) => {
    switch (p.advice) {
      case 'mask':
        return `[${p.name}] at ${at(p)} is not a slot. Write [Z] where the model should fill in the answer; ClozeLab puts the model's own mask token there.`;
      case 'case':
        return `Unknown slot [${p.name}] at ${at(p)}. Slot names are upper-case: write [${p.name.toUpperCase()}]${p.name === 'z' ? ' for the answer' : ''}.`;
      case 'zero':
        return `Unknown slot [${p.name}] at ${at(p)}. Inputs are numbered from 1 without leading zeros: [X1], [X2], …`;
      case 'other':
        return `Unknown slot [${p.name}] at ${at(p)}. ${SLOT_HELP} To write a literal bracket, type \\[ or \\].`;
    }
  },
  'empty-slot': (p) => `Empty brackets "[]" at ${at(p)}. ${SLOT_HELP} To write literal brackets, type \\[\\].`,
  'unclosed-bracket': (p) =>
    `The "[" at ${at(p)} is never closed. Close the slot with "]" (e.g. [X]), or type \\[ for a literal bracket.`,
  'stray-bracket': (p) => `Unexpected "]" at ${at(p)} without a matching "[". To write a literal bracket, type \\].`,
  'unknown-modifier': (p) =>
    p.modifier === ''
      ? `Empty modifier after "|" in [${p.slot}…] at ${at(p)}. Available modifiers: lower, nopunct.`
      : `Unknown modifier "${p.modifier}" in [${p.slot}…] at ${at(p)}.${p.suggestion ? ` Modifiers are lower-case: "${p.suggestion}".` : ''} Available modifiers: lower (lowercase the first letter), nopunct (drop final punctuation).`,
  'mask-modifier': (p) => `The answer slot [Z] at ${at(p)} takes no modifiers; write just [Z].`,
  'mixed-inputs': (p) =>
    `[${p.slot}] at ${at(p)} is mixed with [${p.other}] used earlier, so it's unclear which input is which. Use either one input [X], or numbered inputs [X1], [X2], … — not both.`,
  'slot-number-too-high': (p) =>
    `[${p.slot}] at ${at(p)} is beyond the last input slot: numbered inputs go from [X1] to [X${p.max}].`,
  'too-many-slots': (p) =>
    `[${p.slot}] at ${at(p)} is one input slot too many: a template may use at most ${p.max} different inputs.`,
  'demo-slot-unknown': (p) =>
    `[${p.slot}] at ${at(p)} is not an input of the query's template (${p.slots || 'none'}): a demonstration can only use the inputs its example has.`,
  'no-input-slot': 'The template has no input slot [X], so every example gets the same prompt and the same prediction.',
  'slot-gap': (p) =>
    `The template uses [${p.slot}] but not ${p.missing}; those inputs will be ignored. Did you mean to number them consecutively?`,
  'duplicate-modifier': (p) =>
    `The modifier "${p.modifier}" appears twice in [${p.slot}…] at ${at(p)}; once is enough.`,
  'literal-mask-token': (p) =>
    `"${p.literal}" at ${at(p)} is plain text here, but the model's tokenizer may read it as a real mask token. Use [Z] for the answer slot, or reword it.`,

  // Verbalizers
  'empty-verbalizer':
    'No labels yet. Write one label per line, e.g. "positive: great, good" and "negative: terrible, bad".',
  'missing-colon': (p) =>
    onLine(p, `"${p.text}" has no ":". Write a label, a colon, then its words, e.g. "positive: great, good".`),
  'empty-label': (p) => onLine(p, 'The label name before ":" is empty. Write e.g. "positive: great, good".'),
  'duplicate-label': (p) => onLine(p, `The label "${p.label}" is defined twice. Put all its words on one line.`),
  'no-words': (p) =>
    onLine(
      p,
      `The label "${p.label}" has no words. List at least one after ":", e.g. "${p.label || 'positive'}: great".`,
    ),
  'duplicate-word': (p) => onLine(p, `"${p.word}" is listed twice for "${p.label}". Remove one.`),
  'shared-word': (p) =>
    onLine(p, `"${p.word}" is also a word for "${p.other}"; it adds the same score to both labels.`),
  'single-label': (p) => `Only one label ("${p.label}"): it will always be predicted. Add at least one more label.`,
  'empty-word': (p) => onLine(p, p.quoted ? 'Empty quoted word "" (ignored).' : 'Empty word between commas (ignored).'),
  'unclosed-quote': (p) => onLine(p, 'This quote is never closed. Close it with " on the same line.'),
  'unexpected-text': (p) => {
    switch (p.kind) {
      case 'after-quote':
        return onLine(p, 'Unexpected text after the closing quote. Separate words with commas.');
      case 'after-quote-label':
        return onLine(
          p,
          'Unexpected text after the closing quote. Separate words with commas, and end the label with ":".',
        );
      case 'quote':
        return onLine(
          p,
          'A quote inside a word. Put the whole word in quotes ("…") and write \\" for a quote inside it.',
        );
      case 'colon':
        return onLine(
          p,
          'A second ":" on this line. Only the label ends with ":"; put a word containing ":" in quotes.',
        );
    }
  },
  'verbalizer-too-large': (p) => `The verbalizer is too long (${p.length} characters; at most ${p.max}).`,
  'too-many-labels': (p) =>
    onLine(p, `Too many labels: at most ${p.max}. "${p.label}" and the labels after it are one too many.`),
  'line-break': (p) =>
    onLine(p, `"${p.text}" contains a line break (\\n or \\r). A label or word is one line; remove it or use a space.`),
  'label-too-long': (p) => onLine(p, `The label "${p.label}" is too long (${p.length} characters; at most ${p.max}).`),
  'too-many-words': (p) => onLine(p, `Too many words for "${p.label}": at most ${p.max}.`),
  'word-too-long': (p) => onLine(p, `The word "${p.word}" is too long (${p.length} characters; at most ${p.max}).`),

  // Label words and the model's tokenizer
  'multi-token': (p) => `"${p.word}" is ${p.n} tokens for this model (${p.pieces}); it is scored over ${p.n} masks.`,
  'unknown-token': (p) =>
    `"${p.word}" contains a token this model doesn't know (${p.pieces}); it is left out of the score. Pick another word.`,
  'empty-tokenization': (p) => `"${p.word}" gives no tokens for this model; it is left out of the score.`,
  'same-tokens': (p) =>
    p.sameLabel
      ? `"${p.word}" and "${p.other}" are the same tokens for this model, so "${p.label}" counts that word twice.`
      : `"${p.word}" (${p.label}) and "${p.other}" (${p.otherLabel}) are the same tokens for this model, so they can't tell the labels apart.`,

  // Scoring
  'no-usable-words': (p) => `"${p.label}" has no word this model can score; its probability is 0.`,
  'uniform-fallback': 'No label got any probability mass, so all labels are shown as equally likely.',
  approximated: 'Multi-token words were scored by their first sub-token only (an approximation).',
  truncated: (p) => `The input was too long for the model and was shortened by ${p.n} token(s) from its end.`,
  'invalid-score': (p) => `The model returned ${p.n} invalid score(s) (NaN or negative); they were treated as 0.`,
  'no-mask-content-free': 'Calibration uses only "N/A" and "" as content-free inputs (the mask token was not given).',

  // Setups (shown after the field they are about, in words: "Template 1, text: …")
  'not-object': 'A ClozeLab setup must be a JSON object.',
  'not-text': 'Expected JSON text.',
  'file-too-large': (p) => `The file is too large (${p.bytes} bytes).`,
  'json-too-large': (p) => `The setup is too large (${p.length} characters; at most ${p.max}).`,
  'json-invalid': (p) => `Not valid JSON: ${p.detail}`,
  'version-missing': (p) => `Missing "version" (this ClozeLab reads version ${p.current}).`,
  'version-newer': (p) =>
    `This setup was made by a newer ClozeLab (version ${p.version}); this one reads version ${p.current}. Please update.`,
  'version-unknown': (p) => `Unknown setup version ${p.version}.`,
  'too-many': (p) => `Too many entries (${p.count}; at most ${p.max}).`,
  'slots-per-row': (p) => `At most ${p.max} inputs per row.`,
  'model-id':
    'Model id must look like "owner/name" (e.g. "Xenova/bert-base-uncased"): letters, digits, "-", "_", "." only — no URLs or paths.',
  'template-id-format': 'Template id: letters, digits, "-" and "_" only.',
  'template-name-too-long': (p) => `A template name can be at most ${p.max} characters.`,
  'template-too-long': (p) => `A template can be at most ${p.max} characters.`,
  'demo-template-too-long': (p) => `A demonstration template can be at most ${p.max} characters.`,
  'no-templates': 'A setup needs at least one template.',
  'too-many-templates': (p) => `At most ${p.max} templates.`,
  'duplicate-template-id': (p) => `Two templates have the id "${p.id}".`,
  'active-template': (p) => `activeTemplateId "${p.id}" is not the id of any template.`,
  'no-labels': 'The verbalizer needs at least one label.',
  'label-empty': 'A label name cannot be empty.',
  'label-blank': 'A label name cannot be only spaces.',
  'label-newline': 'A label name cannot contain a line break.',
  'label-without-words': 'Each label needs at least one word.',
  'word-empty': 'A label word cannot be empty.',
  'word-newline': 'A label word cannot contain a line break.',
  'setup-duplicate-label': (p) => `The label "${p.label}" appears twice.`,
  'setup-duplicate-word': (p) => `The word "${p.word}" appears twice under "${p.label}".`,
  'too-many-inputs': (p) => `At most ${p.max} example inputs.`,
  'inputs-too-long': (p) => `The example inputs are too long together (${p.length} characters; at most ${p.max}).`,
  'slot-key': (p) => `"${p.key}" is not a slot name; input keys are X, or X1, X2, …`,
  'variant-name-empty': 'A verbalizer variant needs a name.',
  'variant-name-too-long': (p) => `A variant name can be at most ${p.max} characters.`,
  'variant-name-invalid': 'A variant name cannot be only spaces or contain a line break.',
  'variant-name-reserved': (p) => `"${p.name}" is the name of the main verbalizer; give the variant another name.`,
  'duplicate-variant-name': (p) => `Two verbalizer variants are called "${p.name}".`,
  'variant-label-missing': (p) =>
    `The variant "${p.variant}" has no words for the label "${p.label}"; a variant needs the same labels as the verbalizer.`,
  'variant-label-unknown': (p) =>
    `The variant "${p.variant}" has the label "${p.label}", which the verbalizer does not have; a variant needs the same labels as the verbalizer.`,
  'variant-words-too-many': (p) => `The verbalizer variants have ${p.count} words together; at most ${p.max}.`,
  'too-many-variants': (p) => `At most ${p.max} verbalizer variants.`,
  'grid-axis-empty': 'Each axis of the grid needs at least one entry.',
  'grid-template': (p) => `The grid names the template "${p.id}", which the setup does not have.`,
  'grid-verbalizer': (p) => `The grid names the verbalizer variant "${p.name}", which the setup does not have.`,
  'grid-compare-model': 'The grid uses the second model, but the setup has none.',
  'grid-duplicate': (p) => `The grid lists "${p.value}" twice.`,
  'wrong-type': (p) => `Wrong type: expected ${TYPES[p.expected] ?? p.expected}.`,
  'too-small': (p) =>
    p.origin === 'string'
      ? p.minimum <= 1
        ? 'Cannot be empty.'
        : `At least ${p.minimum} characters.`
      : `At least ${p.minimum} entries.`,
  'too-big': (p) => (p.origin === 'string' ? `At most ${p.maximum} characters.` : `At most ${p.maximum} entries.`),
  'invalid-option': (p) => `Invalid value: expected one of ${p.values}.`,
  'invalid-value': 'Invalid value.',

  // Share links
  'not-a-link': 'This is not a ClozeLab setup link.',
  'link-empty': (p) =>
    p.afterVersion ? 'The link has no setup in it.' : 'The link has no setup in it (nothing after "#s=").',
  'link-no-version': 'The link is damaged: it has no link-format version (it should start with "#s=<number>.").',
  'link-bad-escape': 'The link is damaged: it contains a broken %-escape.',
  'link-bad-checksum-field': 'The link is damaged: its checksum field is missing or not 8 hexadecimal digits.',
  'link-bad-character': (p) =>
    `The link is damaged: it contains the character ${JSON.stringify(p.char)}, which no ClozeLab link has.`,
  'unknown-version': (p) => `Unknown link format ${p.version}.`,
  'newer-version': (p) =>
    `This link was made by a newer ClozeLab (link format ${p.version}); this one reads formats up to ${p.current}. Please update ClozeLab.`,
  'link-too-long': (p) => `The link is too long (${p.length} characters; at most ${p.max}).`,
  'link-too-much-data': (p) => `The link unpacks to too much data (${p.length} characters; at most ${p.max}).`,
  damaged:
    'The link is damaged or incomplete: its content could not be unpacked. Ask for the link again, or copy all of it.',
  checksum:
    'The link was cut short or changed on its way: its checksum does not match its content. Ask for the link again, or copy all of it.',
  'not-json': 'The link is damaged or incomplete: it does not contain a ClozeLab setup.',
  'invalid-setup': "The link's setup is not valid.",
  'setup-not-shareable': 'This setup is not valid, so it cannot be shared.',
  'setup-too-large-for-link': (p) =>
    `This setup is too large for a link (${p.length} characters compressed; at most ${p.max}). Export it as a JSON file instead, or remove some example inputs.`,

  // Import from / export to LM-BFF and OpenPrompt
  'mapping-over-limit': (p) =>
    ({
      labels: `The label words name more than ${p.max} labels; a verbalizer holds at most ${p.max}.`,
      label: `The label "${p.label}" is longer than ${p.max} characters.`,
      words: `The label "${p.label}" has more than ${p.max} words; at most ${p.max} per label.`,
      word: `A word of the label "${p.label}" is longer than ${p.max} characters.`,
    })[p.what],
  'import-too-long': (p) =>
    `${{ templates: 'The templates are', template: 'This template is', mapping: 'The label-word mapping is' }[p.what]} too long to import (${thousands(p.length)} characters; at most ${thousands(p.max)}).`,
  'template-skipped': (p) => `The template "${p.template}" has errors and was not exported.`,
  'model-not-exported': (p) => `The model (${p.model}) is not part of the exported files; load it in your own code.`,
  'inputs-not-exported': (p) =>
    `The ${p.n} example input(s) are not part of an ${p.tool} template; export the setup as JSON to keep them.`,
  'mask-at-start': (p) =>
    `${p.tool} reads label words with a leading space (" great") even at the start of the prompt; ClozeLab uses the form a word has where [Z] stands (no space at the start). BERT-style models see no difference.`,
  'calibration-off': 'Calibration was switched off: LM-BFF does not calibrate.',
  'lmbff-template-empty': 'The LM-BFF template is empty.',
  'lmbff-no-templates': 'Paste at least one LM-BFF template.',
  'lmbff-no-calibration': "Calibration is not part of LM-BFF's prompt-based predictions; it is not exported.",
  'mapping-syntax': (p) => `The mapping is not a Python dict: ${p.detail}`,
  'mapping-shape': "The mapping must be a dict such as {'0':'terrible','1':'great'}.",
  'mapping-word': (p) => `The word for "${p.label}" must be a non-empty string.`,
  'mapping-duplicate': (p) => `"${p.label}" appears twice in the mapping.`,
  'mapping-empty': 'The mapping has no labels.',
  'lmbff-cls': "A *cls* in the middle of the template is left out: ClozeLab adds the model's own start token.",
  'lmbff-sep': (p) =>
    `*${p.part}* in the middle of the template has no ClozeLab equivalent (the two segments are joined); a space is put in its place.`,
  'lmbff-alias': (p) =>
    `"*${p.part}*" was read as *${p.alias}* (LM-BFF's own code spells it sent-_; it would read "${p.part}" as text).`,
  'lmbff-input-index': (p) =>
    `*${p.part}* refers to input ${p.input}; ClozeLab templates have at most ${p.max} inputs, so it is left out.`,
  'lmbff-upper': (p) =>
    `*${p.part}* upper-cases the first letter; ClozeLab has no such modifier, so the input is used as written.`,
  'lmbff-nopunct': (p) =>
    `*${p.part}* deletes the input's last character; ClozeLab's [X|nopunct] deletes final punctuation instead (the same for sentences that end in one punctuation mark).`,
  'lmbff-nopunct-export': (p) =>
    `[${p.slot}|nopunct] becomes ${p.part}, which deletes the last character whatever it is (ClozeLab deletes only final punctuation).`,
  'lmbff-demonstration': (p) =>
    `*${p.part}* is a demonstration's label word, but it is not in a demonstration (demonstrations follow the query's *mask* and a *sep+*); it is left out.`,
  'lmbff-demonstrations': (p) =>
    `The template carries ${p.n === 1 ? 'a demonstration' : `${p.n} demonstrations`}: the first one's pattern became the template's demonstration template. Demonstrations are used in the few-shot view, one per label, drawn from the training examples.`,
  'lmbff-demo-differs': (p) =>
    `${p.n === 1 ? 'One demonstration differs' : `${p.n} demonstrations differ`} from the first one; ClozeLab writes every demonstration with the first one's pattern.`,
  'lmbff-demo-extra': (p) =>
    `The text after the last demonstration (from "${p.part}") has no label word, so it is no demonstration; it is left out.`,
  'lmbff-demo-mask':
    "A *mask* inside a demonstration is left out: a demonstration shows its label word (*labelx_i*), and the prompt's only answer slot is the query's.",
  'lmbff-demo-input': (p) =>
    p.last < p.first
      ? `*${p.part}* in a demonstration refers to an input, but the query has none; it is left out.`
      : `*${p.part}* is not one of this demonstration's inputs (LM-BFF numbers them *sent_${p.first}* to *sent_${p.last}*); it is left out.`,
  'lmbff-demo-invalid': 'The demonstration template has errors, so the template is exported without demonstrations.',
  'lmbff-demo-export': (p) =>
    `The template is written with ${p.n} demonstrations (one per label) after the query, the way LM-BFF expands a template with --use_demo: inputs numbered after the query's, *labelx_j* for demonstration j's label word. For LM-BFF's own --use_demo, give it the query part alone.`,
  'demo-not-exported': (p) => `${p.tool} has no demonstrations: the demonstration template is not exported.`,
  'lmbff-unknown-variable': (p) =>
    `"${p.part}" is not a variable LM-BFF knows, so it is kept as text (as LM-BFF would).`,
  'lmbff-mask-space':
    '[Z] follows text without a space; LM-BFF\'s label words always carry a leading space, so imported back it becomes "… [Z]".',
  'lmbff-asterisk': 'LM-BFF templates cannot contain "*" (it separates variables); it was left out.',
  'lmbff-underscore': 'LM-BFF reads "_" as a space; the template\'s "_" cannot be written and becomes a space.',
  'lmbff-reserved-text': (p) => `The text "${p.text}" would be read as an LM-BFF variable.`,
  'lmbff-space-token': (p) =>
    `LM-BFF has no "+" form of ${p.variable}; the space before it is written as "_" and becomes a token of its own for BPE models.`,
  'lmbff-one-word': (p) =>
    `LM-BFF uses exactly one word per label: "${p.label}" keeps "${p.kept}"; ${p.dropped} cannot be exported.`,
  'lmbff-multiword': (p) => `"${p.word}" has several words; LM-BFF needs each label word to be a single token.`,
  'lmbff-label-ids':
    "LM-BFF keys the mapping by the dataset's label ids (e.g. '0', '1' or 'entailment'); rename the labels to your dataset's ids.",
  'openprompt-template-empty': 'The OpenPrompt template is empty.',
  'openprompt-no-templates': 'Paste at least one ManualTemplate text.',
  'openprompt-no-calibration':
    'Contextual calibration is not part of a ManualVerbalizer; call openprompt.utils.calibrate yourself.',
  'openprompt-newline': 'OpenPrompt template files hold one template per line; the line break became a space.',
  'openprompt-spaces':
    'OpenPrompt joins the parts of a template with single spaces; runs of spaces and tabs become one space, and spaces at the start or end are dropped.',
  'openprompt-brace': 'A literal "{" is written as {"text": "{"} (plain text cannot contain "{" in OpenPrompt).',
  'openprompt-meta': (p) =>
    `[${p.slot}] has no placeholder in OpenPrompt (only text_a and text_b); it is written as {"meta":"${p.slot}"}, so your InputExample needs meta["${p.slot}"].`,
  'openprompt-unclosed': (p) => `The "{" at character ${p.column} is never closed with "}".`,
  'openprompt-block': (p) =>
    `The block at character ${p.column} is not a Python dict or set: ${p.detail || 'unexpected value'}`,
  'openprompt-unknown-key': (p) => `"${p.key}" in a template block has no ClozeLab meaning and is ignored.`,
  'openprompt-post-processing': (p) =>
    `The post_processing "${p.code}" cannot be expressed in ClozeLab (only [X|lower] and [X|nopunct] can); the input is used as written.`,
  'openprompt-shortenable':
    'ClozeLab always shortens only the inputs when a prompt is too long; "shortenable": False is ignored.',
  'openprompt-placeholder': (p) => `The placeholder ${p.placeholder} is not text_a or text_b; it is left out.`,
  'openprompt-meta-unnamed': 'A "meta" block without a name is left out.',
  'openprompt-meta-input': (p) => `{"meta":"${p.name}"} becomes the input [${p.slot}].`,
  'openprompt-soft': (p) =>
    `The soft tokens initialised from "${p.text}" become plain text: ClozeLab has no trainable prompts.`,
  'openprompt-soft-dropped': 'A {"soft"} token (a trainable prompt vector) has no text and is left out.',
  'openprompt-special': (p) =>
    `The special token ${p.token} is left out: ClozeLab adds the model's own special tokens.`,
  'openprompt-empty-block': 'An empty template block is left out.',
  'openprompt-no-prefix': (p) =>
    `"<!>" (no leading space) on words of "${p.label}" is dropped: ClozeLab picks the space from the template.`,
  'openprompt-aggregation': (p) =>
    `ManualVerbalizer averages its words' log-probabilities, which is ClozeLab's "Mean of logits (PET)"; this setup's "${p.aggregation}" aggregation cannot be written.`,
  'openprompt-multitoken':
    'OpenPrompt reads all sub-tokens of a word at one mask (multi_token_handler "first", "max" or "mean"); ClozeLab\'s one-mask-per-sub-token scoring cannot be written. "first" is exported.',
  'openprompt-scoring-set':
    'Scoring was set to ManualVerbalizer\'s defaults: "Mean of logits (PET)", first sub-token only, no calibration.',
  'label-words-missing': 'Paste the label words.',
  'label-words-syntax': (p) => `The label words are not a Python/JSON literal: ${p.detail}`,
  'label-words-container': 'The label words must be a dict or a list.',
  'label-words-shape': (p) => `The words of "${p.label}" must be a string or a list of strings.`,
  'label-words-duplicate': (p) => `"${p.label}" appears twice.`,
  'label-words-no-words': (p) => `"${p.label}" has no words.`,
  'label-words-no-labels': 'There are no labels.',
  'classes-needed': (p) =>
    p.form === 'list'
      ? `A list of label words needs the class names too, one per entry (${p.n} here).`
      : `One line of words per class: give the ${p.n} class names too.`,
  'classes-syntax': 'The classes must be a list of names, e.g. ["negative", "positive"].',

  // Labelled data: why a file can't be read (completes "The data could not be read: …")
  'data-empty': 'it is empty — it needs a header line and at least one row.',
  'data-no-json-lines': 'it is empty — no JSON lines were found.',
  'data-no-columns': 'no line holds a JSON object, so there are no columns to choose from.',
  'data-too-large': (p) => `it is too large (${thousands(p.length)} characters; at most ${thousands(p.max)}).`,
  'data-unreadable': (p) => p.detail || 'something went wrong while reading it.',

  // Labelled data: rows that are left out
  'column-count': (p) => onRow(p, `${p.found} field${p.found === 1 ? '' : 's'}, but the header has ${p.expected}`),
  'malformed-quotes': (p) => onRow(p, 'a quoted field is not closed properly'),
  'invalid-json': (p) => onRow(p, `not valid JSON (${p.detail})`),
  'not-an-object': (p) => onRow(p, 'not a JSON object'),
  'missing-text': (p) => onRow(p, `the column "${p.column}" is empty`),
  'missing-label': (p) => onRow(p, `no label in the column "${p.column}"`),
  'non-string-value': (p) =>
    onRow(
      p,
      `the ${p.role === 'label' ? 'label' : 'text'} in "${p.column}" is ${NOT_TEXT_KINDS[p.kind]}${p.kind === 'null' ? '' : ` (${p.value})`}, not a string` +
        (p.kind === 'number' || p.kind === 'boolean' ? ` — write it in quotes ("${p.value}") to use it` : ''),
    ),
  'unknown-label': (p) => onRow(p, `the label "${p.value}" is not mapped to a verbalizer label`),

  // What an evaluation's numbers suggest
  'prediction-bias': (p) =>
    p.calibrated
      ? `Even with calibration the model predicts "${p.label}" for ${percent(p.value)} of the examples (only ${percent(p.reference)} are "${p.label}"). Try other label words or another template.`
      : `The model predicts "${p.label}" for ${percent(p.value)} of the examples, though only ${percent(p.reference)} are "${p.label}". This label bias is what calibration corrects: try it.`,
  'confused-pair': (p) =>
    `"${p.label}" and "${p.other}" are often mistaken for each other (${p.count} examples). Consider label words that tell them apart better, or merging the two labels.`,
  'low-recall': (p) =>
    `Low recall for "${p.label}" (${percent(p.value)}): most of its examples are predicted as something else${p.other ? `, mostly "${p.other}"` : ''}. Its label words may rarely fit this template; try other words, and check those examples for label noise.`,
  'low-precision': (p) =>
    `Low precision for "${p.label}" (${percent(p.value)}): it is predicted for many examples of other labels${p.other ? `, mostly "${p.other}"` : ''}. Its words may be too general, or the labels are imbalanced.`,
  'imbalanced-gold': (p) =>
    `The data is imbalanced: ${percent(p.value)} of the examples are "${p.label}". Accuracy can look good just by predicting it; compare macro-F1.`,
  'no-support': (p) =>
    `"${p.label}" has no examples in this data; its recall is undefined (—) and its F1 counts as 0 in macro-F1.`,
  'calibration-helps': (p) =>
    p.calibrated
      ? `Calibration lowers macro-F1 here: ${percent(p.reference)} without it, ${percent(p.value)} with it.`
      : `Calibration raises macro-F1 from ${percent(p.value)} to ${percent(p.reference)}.`,
  uniform: (p) =>
    `${p.count} example(s) gave no probability to any label (no usable label word?); they count as the first label.`,
  'unreadable-label-words': (p) =>
    p.all
      ? `This model can read none of the label words (labels: ${p.labels}): its tokenizer doesn't know them, so no label gets any probability and every example counts as the first label. Are the data and the label words in the model's language? Load a model for their language, or choose label words this model knows.`
      : `This model can read none of the label words of ${p.labels}: its tokenizer doesn't know them, so these labels are never predicted. Give them words this model knows (the verbalizer editor marks unknown words), or load a model for their language.`,

  // Evaluation notes
  'small-sample': (p) =>
    `Only ${thousands(p.n)} example${p.n === 1 ? '' : 's'}: with fewer than ${p.min}, one example more or less right moves accuracy by ${(100 / Math.max(1, p.n)).toFixed(1)} points. Read the 95% confidence intervals, not only the values, and evaluate more data before comparing setups.`,
  'truncated-examples': (p) =>
    `${thousands(p.n)} of ${thousands(p.total)} examples were truncated to fit the model; up to ${thousands(p.max)} tokens dropped from the end of ${p.slots} (the template and [Z] are never cut).` +
    (p.see === 'cli-file'
      ? ` See the truncated_tokens column of ${p.file}.`
      : p.see === 'cli-flag'
        ? ' See which ones with --predictions <file> (column truncated_tokens).'
        : ' They are marked in the example lists; the CSV export has the tokens dropped per example.'),

  // The model runtime (a summary; the runtime's own message says what exactly happened)
  'hub-unreachable': "The Hugging Face Hub can't be reached.",
  'file-missing': (p) => `${p.file || 'A file the model needs'} is missing${FROM[p.where]}. ${MISSING_FIX[p.where]}`,
  'not-masked-lm': 'This is not a masked language model (fill-mask), so it cannot score at [Z].',
  'corrupt-model': (p) =>
    `${p.file || 'A model file'}${FROM[p.where]} is damaged or cannot be read. ${DAMAGED_FIX[p.where]}`,
  'download-incomplete': (p) =>
    `${p.file || 'A model file'}${FROM[p.where]} did not arrive complete (the connection broke, or the file was cut short or differs from its checksum); nothing of it was kept. ${INCOMPLETE_FIX[p.where]}`,
  'out-of-memory': 'There is not enough memory to run this model.',
  'webgpu-unavailable': 'WebGPU is not available.',
  cancelled: 'The request was cancelled.',
  superseded: 'A newer request replaced this one.',
  'invalid-input': 'The input is not valid.',
  'not-loaded': 'The model is not loaded yet.',
  'worker-restarted': 'The model worker was restarted.',
  'worker-crashed': 'The model worker stopped unexpectedly.',
  unknown: 'Something went wrong.',
};
