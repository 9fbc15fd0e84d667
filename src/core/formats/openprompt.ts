// OpenPrompt (Ding et al. 2022, "OpenPrompt: An Open-source Framework for Prompt-learning")
// ManualTemplate text and ManualVerbalizer label words ↔ ClozeLab.
//
// ManualTemplate text mixes plain text and Python dict blocks:
//   {"placeholder":"text_a"} It was {"mask"}.
// Blocks: {"placeholder":"text_a"|"text_b"} (with optional "post_processing": lambda …,
// "shortenable": bool), {"meta":"name"}, {"mask"}, {"text":"…"}, {"soft"} / {"soft":"…"},
// {"special":"<eos>"}. A block ends at the first "}"; there is no escape for "{" in plain text, so
// ClozeLab writes a literal "{" as {"text":"{"}. Spaces between parts collapse to one.
//
// ManualVerbalizer (defaults post_log_softmax=True, multi_token_handler="first"): a class's score is
// the mean over its words of log softmax-over-all-label-words, which gives the same distribution as
// ClozeLab's "Mean of logits (PET)" with "First sub-token only".

import { parseTemplate, type SlotModifier } from '../template.ts';
import type { Verbalizer } from '../verbalizer.ts';
import type { PromptSetup, TemplateEntry } from '../setup.ts';
import { escapeTemplateText, indexOfSlot, type ConvertResult, type FormatWarning } from './common.ts';
import { isPyDict, isPyRaw, pyString, tryReadPyLiteral, type PyValue } from './python-literal.ts';
import { adaptInputs, modelNotice } from './setup-parts.ts';

type Scoring = PromptSetup['scoring'];

const w = (code: string, message: string, params?: Record<string, string | number>): FormatWarning => ({
  code,
  message,
  ...(params ? { params } : {}),
});

/** ClozeLab's final punctuation set (template.ts), as Python's rstrip argument. */
const PUNCT = '.!?,;:…。！？，；：';
/** Python post_processing for a chain of modifiers (applied left to right, as ClozeLab does). */
export function postProcessing(modifiers: readonly SlotModifier[]): string | null {
  if (modifiers.length === 0) return null;
  let expr = 'x';
  for (const m of modifiers) {
    if (m === 'lower') expr = expr === 'x' ? 'x[:1].lower() + x[1:]' : `(lambda s: s[:1].lower() + s[1:])(${expr})`;
    else expr = `${expr === 'x' ? 'x' : `(${expr})`}.rstrip(${pyString(PUNCT)}).rstrip()`;
  }
  return `lambda x: ${expr}`;
}

const MODIFIER_CHAINS: SlotModifier[][] = [['lower'], ['nopunct'], ['lower', 'nopunct'], ['nopunct', 'lower']];
const normaliseCode = (s: string) => s.replace(/\s+/g, '');

function modifiersFromPostProcessing(source: string): SlotModifier[] | null {
  const target = normaliseCode(source);
  return MODIFIER_CHAINS.find((chain) => normaliseCode(postProcessing(chain)!) === target) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Templates

/** ClozeLab template text → ManualTemplate text. */
export function templateToOpenPrompt(text: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const parsed = parseTemplate(text);
  if (!parsed.ok)
    return { ok: false, errors: parsed.errors.map((e) => w(`template-${e.code}`, e.message, e.params)), warnings };
  const numbered = parsed.template.slots.some((s) => s !== 'X');
  if (/^\s|\s$/.test(text))
    warnings.push(
      w(
        'openprompt-spaces',
        'OpenPrompt joins the parts of a template with single spaces; runs of spaces and tabs become one space, and spaces at the start or end are dropped.',
      ),
    );
  let out = '';
  for (const node of parsed.template.nodes) {
    if (node.kind === 'text') {
      let t = node.text;
      if (/[\r\n]/.test(t)) {
        warnings.push(
          w(
            'openprompt-newline',
            'OpenPrompt template files hold one template per line; the line break became a space.',
          ),
        );
        t = t.replace(/\r\n|[\r\n]/g, ' ');
      }
      if (/ {2,}|\t/.test(t))
        warnings.push(
          w(
            'openprompt-spaces',
            'OpenPrompt joins the parts of a template with single spaces; runs of spaces and tabs become one space, and spaces at the start or end are dropped.',
          ),
        );
      if (t.includes('{'))
        warnings.push(
          w(
            'openprompt-brace',
            'A literal "{" is written as {"text": "{"} (plain text cannot contain "{" in OpenPrompt).',
          ),
        );
      out += t.split('{').join('{"text": "{"}');
    } else if (node.kind === 'input') {
      const index = indexOfSlot(node.slot);
      const pp = postProcessing(node.modifiers);
      const extra = pp ? `, "post_processing": ${pp}` : '';
      if (!numbered || index < 2) {
        out += `{"placeholder":"text_${index === 0 ? 'a' : 'b'}"${extra}}`;
      } else {
        warnings.push(
          w(
            'openprompt-meta',
            `[${node.slot}] has no placeholder in OpenPrompt (only text_a and text_b); it is written as {"meta":"${node.slot}"}, so your InputExample needs meta["${node.slot}"].`,
            { slot: node.slot },
          ),
        );
        out += `{"meta":"${node.slot}"${extra}}`;
      }
    } else {
      out += '{"mask"}';
    }
  }
  if (parsed.template.nodes[0]?.kind === 'mask') {
    warnings.push(
      w(
        'mask-at-start',
        'OpenPrompt reads label words with a leading space (" great") even at the start of the prompt; ClozeLab uses the form a word has where [Z] stands. BERT-style models see no difference.',
      ),
    );
  }
  return { ok: true, value: out, warnings };
}

interface Block {
  prefixSpace: boolean;
  text?: string;
  dict?: Map<string, PyValue | undefined>;
}

/** Splits ManualTemplate text into parts the way OpenPrompt's parse_text does. */
function splitBlocks(text: string): { ok: true; blocks: Block[] } | { ok: false; error: FormatWarning } {
  const blocks: Block[] = [];
  let i = 0;
  while (i < text.length) {
    let prefixSpace = i > 0 && text[i - 1] === ' ';
    while (i < text.length && text[i] === ' ') {
      prefixSpace = true;
      i++;
    }
    if (i >= text.length) break;
    if (text[i] !== '{') {
      let j = i + 1;
      while (j < text.length && text[j] !== '{') j++;
      blocks.push({ prefixSpace, text: text.slice(i, j).replace(/ +$/, '') });
      i = j;
      continue;
    }
    const end = text.indexOf('}', i + 1);
    if (end < 0)
      return {
        ok: false,
        error: w('openprompt-unclosed', `The "{" at character ${i + 1} is never closed with "}".`, { column: i + 1 }),
      };
    const read = tryReadPyLiteral(text.slice(i, end + 1), { rawValues: true });
    if (!read.ok || !isPyDict(read.value)) {
      return {
        ok: false,
        error: w(
          'openprompt-block',
          `The block at character ${i + 1} is not a Python dict or set: ${read.ok ? 'unexpected value' : read.message}`,
          {
            column: i + 1,
            detail: read.ok ? '' : read.message,
          },
        ),
      };
    }
    blocks.push({ prefixSpace, dict: new Map(read.value.entries.map((e) => [String(e.key), e.value])) });
    i = end + 1;
  }
  return { ok: true, blocks };
}

const KNOWN_KEYS = new Set([
  'placeholder',
  'meta',
  'mask',
  'text',
  'soft',
  'special',
  'shortenable',
  'post_processing',
  'add_prefix_space',
]);

/** ManualTemplate text → ClozeLab template text. */
export function openPromptToTemplate(source: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const text = source.trim();
  if (text === '') return { ok: false, errors: [w('empty', 'The OpenPrompt template is empty.')], warnings };
  const split = splitBlocks(text);
  if (!split.ok) return { ok: false, errors: [split.error], warnings };

  // First pass: which inputs are used, to choose [X] or [X1], [X2], ….
  const inputIndex = new Map<string, number>();
  for (const b of split.blocks) {
    const placeholder = b.dict?.get('placeholder');
    if (placeholder === 'text_a') inputIndex.set('text_a', 0);
    if (placeholder === 'text_b') inputIndex.set('text_b', 1);
  }
  const metaIndex = (name: string): number => {
    const key = `meta:${name}`;
    if (!inputIndex.has(key)) {
      const numberedName = /^X([1-9][0-9]?)$/.exec(name);
      const taken = new Set(inputIndex.values());
      let idx = numberedName ? Number(numberedName[1]) - 1 : 2;
      while (!numberedName && taken.has(idx)) idx++;
      inputIndex.set(key, idx);
    }
    return inputIndex.get(key)!;
  };
  for (const b of split.blocks) {
    const meta = b.dict?.get('meta');
    if (typeof meta === 'string') metaIndex(meta);
  }
  const numbered = [...inputIndex.values()].some((i) => i > 0);

  let out = '';
  for (const b of split.blocks) {
    const prefix = b.prefixSpace ? ' ' : '';
    if (b.text !== undefined) {
      out += prefix + escapeTemplateText(b.text);
      continue;
    }
    const d = b.dict!;
    for (const key of d.keys()) {
      if (!KNOWN_KEYS.has(key))
        warnings.push(
          w('openprompt-unknown-key', `"${key}" in a template block has no ClozeLab meaning and is ignored.`, { key }),
        );
    }
    const modifiers = (): SlotModifier[] => {
      const pp = d.get('post_processing');
      if (pp === undefined) return [];
      const code = isPyRaw(pp) ? pp.source : typeof pp === 'string' ? pp : '';
      const mods = modifiersFromPostProcessing(code);
      if (mods) return mods;
      warnings.push(
        w(
          'openprompt-post-processing',
          `The post_processing "${code.slice(0, 80)}" cannot be expressed in ClozeLab (only [X|lower] and [X|nopunct] can); the input is used as written.`,
          { code: code.slice(0, 80) },
        ),
      );
      return [];
    };
    const shortenable = d.get('shortenable');
    const slot = (index: number) =>
      `[${numbered ? `X${index + 1}` : 'X'}${modifiers()
        .map((m) => `|${m}`)
        .join('')}]`;
    if (d.has('placeholder')) {
      const p = d.get('placeholder');
      if (p === 'text_a' || p === 'text_b') {
        if (shortenable === false)
          warnings.push(
            w(
              'openprompt-shortenable',
              'ClozeLab always shortens only the inputs when a prompt is too long; "shortenable": False is ignored.',
            ),
          );
        out += prefix + slot(p === 'text_a' ? 0 : 1);
      } else {
        warnings.push(
          w('openprompt-placeholder', `The placeholder ${JSON.stringify(p)} is not text_a or text_b; it is left out.`, {
            placeholder: typeof p === 'string' ? p : JSON.stringify(p),
          }),
        );
      }
    } else if (d.has('meta')) {
      const name = d.get('meta');
      if (typeof name !== 'string') {
        warnings.push(w('openprompt-placeholder', 'A "meta" block without a name is left out.', { placeholder: '' }));
        continue;
      }
      const index = metaIndex(name);
      if (!/^X[1-9][0-9]?$/.test(name)) {
        warnings.push(
          w('openprompt-meta-input', `{"meta":"${name}"} becomes the input [X${index + 1}].`, {
            name,
            slot: `X${index + 1}`,
          }),
        );
      }
      out += prefix + slot(index);
    } else if (d.has('mask')) {
      out += prefix + '[Z]';
    } else if (d.has('text')) {
      const t = d.get('text');
      out += prefix + escapeTemplateText(typeof t === 'string' ? t : '');
    } else if (d.has('soft')) {
      const s = d.get('soft');
      if (typeof s === 'string' && s !== '') {
        warnings.push(
          w(
            'openprompt-soft',
            `The soft tokens initialised from "${s}" become plain text: ClozeLab has no trainable prompts.`,
            { text: s },
          ),
        );
        out += prefix + escapeTemplateText(s);
      } else {
        warnings.push(
          w('openprompt-soft-dropped', 'A {"soft"} token (a trainable prompt vector) has no text and is left out.'),
        );
      }
    } else if (d.has('special')) {
      const special = d.get('special');
      warnings.push(
        w(
          'openprompt-special',
          `The special token ${JSON.stringify(special)} is left out: ClozeLab adds the model's own special tokens.`,
          { token: typeof special === 'string' ? special : JSON.stringify(special) },
        ),
      );
    } else {
      warnings.push(w('openprompt-empty-block', 'An empty template block is left out.'));
    }
  }
  const parsed = parseTemplate(out);
  if (!parsed.ok)
    return { ok: false, errors: parsed.errors.map((e) => w(`template-${e.code}`, e.message, e.params)), warnings };
  return { ok: true, value: out, warnings };
}

// ---------------------------------------------------------------------------------------------
// Label words

/** Verbalizer → {"class": ["word", …], …} (JSON, which is also a Python literal). */
export function verbalizerToOpenPrompt(v: Verbalizer): { classes: string[]; labelWords: string } {
  const body = v.labels
    .map((l) => `${JSON.stringify(l.label)}: [${l.words.map((x) => JSON.stringify(x)).join(', ')}]`)
    .join(', ');
  return { classes: v.labels.map((l) => l.label), labelWords: `{${body}}` };
}

/**
 * Label words → verbalizer. Accepts a dict {"class": ["w", …] or "w"}; a list of lists (or of
 * strings) in the order of `classes`; or OpenPrompt's .txt form, one class per line with its words
 * separated by commas (again in the order of `classes`).
 */
export function openPromptToVerbalizer(source: string, classesText = ''): ConvertResult<Verbalizer> {
  const warnings: FormatWarning[] = [];
  const text = source.trim();
  if (text === '') return { ok: false, errors: [w('empty', 'Paste the label words.')], warnings };
  const classes = readClasses(classesText);
  if (!classes.ok) return { ok: false, errors: [classes.error], warnings };
  const asWords = (value: PyValue | undefined, label: string): string[] | null => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value;
    warnings.push(w('label-words-shape', `The words of "${label}" must be a string or a list of strings.`, { label }));
    return null;
  };
  let pairs: { label: string; words: string[] | null }[];
  if (text.startsWith('{') || text.startsWith('[')) {
    const read = tryReadPyLiteral(text);
    if (!read.ok)
      return {
        ok: false,
        errors: [
          w('label-words-syntax', `The label words are not a Python/JSON literal: ${read.message}`, {
            detail: read.message,
          }),
        ],
        warnings,
      };
    if (isPyDict(read.value)) {
      pairs = read.value.entries.map((e) => ({ label: String(e.key), words: asWords(e.value, String(e.key)) }));
    } else if (Array.isArray(read.value)) {
      const list = read.value;
      if (classes.value.length !== list.length) {
        return {
          ok: false,
          errors: [
            w(
              'classes-needed',
              `A list of label words needs the class names too, one per entry (${list.length} here).`,
              { n: list.length },
            ),
          ],
          warnings,
        };
      }
      pairs = list.map((value, i) => ({ label: classes.value[i]!, words: asWords(value, classes.value[i]!) }));
    } else {
      return {
        ok: false,
        errors: [w('label-words-shape', 'The label words must be a dict or a list.', { label: '' })],
        warnings,
      };
    }
  } else {
    const lines = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (classes.value.length !== lines.length) {
      return {
        ok: false,
        errors: [
          w('classes-needed', `One line of words per class: give the ${lines.length} class names too.`, {
            n: lines.length,
          }),
        ],
        warnings,
      };
    }
    pairs = lines.map((line, i) => ({
      label: classes.value[i]!,
      words: line
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    }));
  }
  if (pairs.some((p) => p.words === null)) return { ok: false, errors: warnings.splice(0), warnings };
  const labels: Verbalizer['labels'] = [];
  for (const p of pairs) {
    if (labels.some((l) => l.label === p.label))
      return {
        ok: false,
        errors: [w('mapping-duplicate', `"${p.label}" appears twice.`, { label: p.label })],
        warnings,
      };
    const words = [...new Set(p.words!.map((x) => (x.startsWith('<!>') ? x.slice(3) : x)))].filter((x) => x !== '');
    if (p.words!.some((x) => x.startsWith('<!>'))) {
      warnings.push(
        w(
          'openprompt-no-prefix',
          `"<!>" (no leading space) on words of "${p.label}" is dropped: ClozeLab picks the space from the template.`,
          { label: p.label },
        ),
      );
    }
    if (words.length === 0)
      return { ok: false, errors: [w('mapping-word', `"${p.label}" has no words.`, { label: p.label })], warnings };
    labels.push({ label: p.label, words });
  }
  if (labels.length === 0) return { ok: false, errors: [w('mapping-empty', 'There are no labels.')], warnings };
  return { ok: true, value: { labels }, warnings };
}

function readClasses(text: string): { ok: true; value: string[] } | { ok: false; error: FormatWarning } {
  const t = text.trim();
  if (t === '') return { ok: true, value: [] };
  if (t.startsWith('[') || t.startsWith('(')) {
    const read = tryReadPyLiteral(t);
    if (
      !read.ok ||
      !Array.isArray(read.value) ||
      !read.value.every((x) => typeof x === 'string' || typeof x === 'number')
    ) {
      return {
        ok: false,
        error: w('classes-syntax', 'The classes must be a list of names, e.g. ["negative", "positive"].'),
      };
    }
    return { ok: true, value: read.value.map(String) };
  }
  return {
    ok: true,
    value: t
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== ''),
  };
}

// ---------------------------------------------------------------------------------------------
// Scoring and whole setups

/** The ClozeLab scoring that matches ManualVerbalizer's defaults. */
export const OPENPROMPT_SCORING: Readonly<Pick<Scoring, 'aggregation' | 'multiToken' | 'calibrate'>> = Object.freeze({
  aggregation: 'logit-mean',
  multiToken: 'first-subtoken',
  calibrate: false,
});

function scoringWarnings(scoring: Scoring): FormatWarning[] {
  const out: FormatWarning[] = [];
  if (scoring.aggregation !== 'logit-mean') {
    out.push(
      w(
        'openprompt-aggregation',
        `ManualVerbalizer averages its words' log-probabilities, which is ClozeLab's "Mean of logits (PET)"; this setup's "${scoring.aggregation}" aggregation cannot be written.`,
        {
          aggregation: scoring.aggregation,
        },
      ),
    );
  }
  if (scoring.multiToken === 'all-subtokens') {
    out.push(
      w(
        'openprompt-multitoken',
        'OpenPrompt reads all sub-tokens of a word at one mask (multi_token_handler "first", "max" or "mean"); ClozeLab\'s one-mask-per-sub-token scoring cannot be written. "first" is exported.',
      ),
    );
  }
  if (scoring.calibrate) {
    out.push(
      w(
        'no-calibration',
        'Contextual calibration is not part of a ManualVerbalizer; call openprompt.utils.calibrate yourself.',
      ),
    );
  }
  return out;
}

export interface OpenPromptExport {
  /** ManualTemplate texts, one per ClozeLab template (a template file holds one per line). */
  templates: { name: string; text: string }[];
  classes: string[];
  /** ManualVerbalizer label_words as a dict literal. */
  labelWords: string;
  /** A Python snippet that builds the template and verbalizer. */
  python: string;
  warnings: FormatWarning[];
}

const quote1 = (s: string) =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

export function exportOpenPrompt(setup: PromptSetup): OpenPromptExport {
  const warnings: FormatWarning[] = [];
  const templates: OpenPromptExport['templates'] = [];
  const ordered = [...setup.templates].sort(
    (a, b) => Number(b.id === setup.activeTemplateId) - Number(a.id === setup.activeTemplateId),
  );
  for (const entry of ordered) {
    const name = entry.name || entry.id;
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: name } });
    const r = templateToOpenPrompt(entry.text);
    if (!r.ok) {
      warnings.push(
        ...r.errors.map(tag),
        w('template-skipped', `The template "${name}" has errors and was not exported.`, { template: name }),
      );
      continue;
    }
    warnings.push(...r.warnings.map(tag));
    templates.push({ name, text: r.value });
  }
  const { classes, labelWords } = verbalizerToOpenPrompt(setup.verbalizer);
  warnings.push(...scoringWarnings(setup.scoring), ...modelNotice(setup));
  if (setup.inputs.length > 0) {
    warnings.push(
      w(
        'inputs-not-exported',
        `The ${setup.inputs.length} example input(s) are not part of an OpenPrompt template; export the setup as JSON to keep them.`,
        { n: setup.inputs.length },
      ),
    );
  }
  const comment = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const python = [
    '# Exported from ClozeLab' + (setup.name ? `: ${comment(setup.name)}` : ''),
    `# Model used in ClozeLab: ${setup.model.id} (Transformers.js weights; load the matching PyTorch model, e.g. with openprompt.plms.load_plm)`,
    'from openprompt.prompts import ManualTemplate, ManualVerbalizer',
    '',
    ...templates.map(
      (t, i) =>
        `template${templates.length > 1 ? i + 1 : ''} = ManualTemplate(tokenizer=tokenizer, text=${quote1(t.text)})`,
    ),
    `verbalizer = ManualVerbalizer(tokenizer, classes=${JSON.stringify(classes)}, label_words=${labelWords}, multi_token_handler="first")`,
    '',
  ].join('\n');
  return { templates, classes, labelWords, python, warnings };
}

/**
 * ManualTemplate text(s) (one per line) and label words → a new setup based on `base` (model and
 * inputs kept, inputs re-keyed for the template's slots). Scoring is set to ManualVerbalizer's
 * defaults ("Mean of logits (PET)", first sub-token, no calibration).
 */
export function importOpenPrompt(
  input: { templates: string; labelWords: string; classes?: string },
  base: PromptSetup,
): ConvertResult<PromptSetup> {
  const warnings: FormatWarning[] = [];
  const errors: FormatWarning[] = [];
  const lines = input.templates
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0)
    return { ok: false, errors: [w('empty', 'Paste at least one ManualTemplate text.')], warnings };
  if (lines.length > 20)
    return { ok: false, errors: [w('too-many-templates', 'At most 20 templates.', { max: 20 })], warnings };
  const templates: TemplateEntry[] = [];
  lines.forEach((line, i) => {
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: `${i + 1}` } });
    const r = openPromptToTemplate(line);
    warnings.push(...r.warnings.map(tag));
    if (!r.ok) errors.push(...r.errors.map(tag));
    else templates.push({ id: `t${i + 1}`, name: `OpenPrompt ${i + 1}`, text: r.value });
  });
  const verbalizer = openPromptToVerbalizer(input.labelWords, input.classes ?? '');
  warnings.push(...verbalizer.warnings);
  if (!verbalizer.ok) errors.push(...verbalizer.errors);
  if (errors.length > 0 || !verbalizer.ok) return { ok: false, errors, warnings };
  const scoring: Scoring = { ...base.scoring, ...OPENPROMPT_SCORING };
  if (
    scoring.aggregation !== base.scoring.aggregation ||
    scoring.multiToken !== base.scoring.multiToken ||
    scoring.calibrate !== base.scoring.calibrate
  ) {
    warnings.push(
      w(
        'openprompt-scoring-set',
        'Scoring was set to ManualVerbalizer\'s defaults: "Mean of logits (PET)", first sub-token only, no calibration.',
      ),
    );
  }
  const setup: PromptSetup = {
    ...base,
    name: 'Imported from OpenPrompt',
    templates,
    activeTemplateId: templates[0]!.id,
    verbalizer: verbalizer.value,
    scoring,
    inputs: adaptInputs(base.inputs, templates[0]!.text),
  };
  return { ok: true, value: setup, warnings };
}
