// Fuzzing the parsers that read user text, files and links: 10,000 generated cases each; and the
// editor's whole input space through save, reload, export and import.
// Whatever the input, no exception escapes; every failure is a typed value that says where
// (a span or a line) or what (a code and a path); and the parsers round-trip where they should.
// Smaller, more targeted properties live next to each module's tests (properties.test.ts,
// dataset.test.ts, share-link.test.ts, formats.test.ts); this file is the volume run.
import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { parseTemplate, type Template, type TemplateNode } from '../../src/core/template.ts';
import { formatVerbalizer, parseVerbalizer, type Verbalizer } from '../../src/core/verbalizer.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import type { DatasetFormat } from '../../src/core/dataset.ts';
import { decodeShareFragment, encodeShareFragment, linkChecksum } from '../../src/core/share-link.ts';
import { defaultSetup } from '../../src/core/setup.ts';
import { exportSetupJson, parseSetup, parseSetupJson } from '../../src/core/setup-parse.ts';
import { fitSetupToLimits } from '../../src/core/setup-fit.ts';
import { LIMITS } from '../../src/core/limits.ts';
import { autosaveWorkspace, restoreSavedWorkspace } from '../../src/store/autosave.ts';
import { WORKSPACE_BACKUP_KEY } from '../../src/store/persistence.ts';
import { followSavedSetups, readSavedSetups, saveSetup, SAVED_SETUPS_KEY } from '../../src/store/saved-setups.ts';
import {
  activeTemplate,
  createWorkspaceStore,
  inputFieldSlots,
  type WorkspaceStore,
} from '../../src/store/workspace.ts';
import { MemoryStorage } from '../memory-storage.ts';
import { escapeTemplateText } from '../../src/core/formats/common.ts';
import { formatIssue, formatSetupError } from '../../src/core/messages/index.ts';
import { importOpenPrompt } from '../../src/core/formats/openprompt.ts';
import { importLmBff } from '../../src/core/formats/lmbff.ts';
import { validSetup } from './setup-arbitrary.ts';

const RUNS = { numRuns: 10_000 };

// ---------------------------------------------------------------------------------------------
// Shared arbitraries: short strings, biased towards each grammar's special characters, plus
// arbitrary UTF-16 (lone surrogates included), graphemes (emoji, combining marks) and RTL text.

const weird = fc.constantFrom(
  '😀',
  '👩‍👩‍👧',
  'e\u0301',
  '\u0627\u0644\u0639\u0631\u0628\u064a\u0629',
  '\u202e',
  '\u200f',
  '\u0000',
  '\ud800',
  '中',
  'ß',
);
const mix = (special: fc.Arbitrary<string>, maxLength: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: fc.oneof(special, weird), maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
  );

// ---------------------------------------------------------------------------------------------
// Template

const templateText = mix(
  fc.constantFrom('[', ']', '\\', '|', 'X', 'Z', '1', '2', 'lower', 'nopunct', ' ', 'a', '.', '\n', '<mask>'),
  30,
);

/** A canonical re-serialisation of parsed nodes: escaped text, [X…|mod…] without spaces, [Z]. */
function serializeTemplate(template: Template): string {
  return template.nodes
    .map((n) =>
      n.kind === 'text'
        ? escapeTemplateText(n.text)
        : n.kind === 'mask'
          ? '[Z]'
          : `[${[n.slot, ...n.modifiers].join('|')}]`,
    )
    .join('');
}

/** Nodes without source spans, with adjacent text merged (the meaning of a template). */
function meaning(nodes: readonly TemplateNode[]): unknown[] {
  const out: unknown[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1] as { kind: string; text: string } | undefined;
    if (n.kind === 'text') {
      if (n.text === '') continue;
      if (last?.kind === 'text') last.text += n.text;
      else out.push({ kind: 'text', text: n.text });
    } else if (n.kind === 'input') out.push({ kind: 'input', slot: n.slot, modifiers: [...n.modifiers] });
    else out.push({ kind: 'mask' });
  }
  return out;
}

describe('fuzz: template parser', () => {
  it('never throws; issues are typed and positioned inside the source; ok ⇒ exactly one [Z]', () => {
    fc.assert(
      fc.property(templateText, (s) => {
        const r = parseTemplate(s);
        const issues = r.ok ? r.warnings : [...r.errors, ...r.warnings];
        if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
        for (const e of issues) {
          expect(typeof e.code).toBe('string');
          expect(formatIssue(e).length).toBeGreaterThan(0);
          expect(e.span.start).toBeGreaterThanOrEqual(0);
          expect(e.span.end).toBeGreaterThanOrEqual(e.span.start);
          expect(e.span.end).toBeLessThanOrEqual(s.length);
        }
        if (r.ok) expect(r.template.nodes.filter((n) => n.kind === 'mask')).toHaveLength(1);
      }),
      RUNS,
    );
  });

  it('parse → canonical text → parse gives the same nodes (and the canonical text is a fixed point)', () => {
    const piece = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .string({
            unit: fc.oneof(fc.constantFrom('[', ']', '\\', '|', ' ', 'a', 'X', 'Z', '\n'), weird),
            maxLength: 6,
          })
          .map(escapeTemplateText),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom('X', 'X1', 'X2'),
            fc.array(fc.constantFrom('lower', 'nopunct'), { maxLength: 2 }),
            fc.constantFrom('', ' '),
          )
          .map(([slot, mods, sp]) => `[${sp}${[slot, ...mods].join(`${sp}|${sp}`)}${sp}]`),
      },
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 5 }),
        fc.array(piece, { maxLength: 5 }),
        fc.constantFrom('[Z]', '[ Z ]'),
        (before, after, z) => {
          const source = [...before, z, ...after].join('');
          const first = parseTemplate(source);
          if (!first.ok) {
            // Only mixing [X] with numbered slots is an error among these pieces.
            expect(first.errors.map((e) => e.code)).toContain('mixed-inputs');
            return;
          }
          const canonical = serializeTemplate(first.template);
          const second = parseTemplate(canonical);
          expect(second.ok).toBe(true);
          if (!second.ok) return;
          expect(meaning(second.template.nodes)).toEqual(meaning(first.template.nodes));
          expect(second.template.slots).toEqual(first.template.slots);
          expect(serializeTemplate(second.template)).toBe(canonical);
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Verbalizer

describe('fuzz: verbalizer parser', () => {
  it('never throws; issues have a span inside the text and the line of their start', () => {
    const text = mix(fc.constantFrom('a', 'b', ':', ',', '"', '\\', '#', ' ', '\n', '\r', '\t'), 50);
    fc.assert(
      fc.property(text, (s) => {
        const r = parseVerbalizer(s);
        if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.ok ? r.warnings : [...r.errors, ...r.warnings]) {
          expect(typeof e.code).toBe('string');
          expect(formatIssue(e).length).toBeGreaterThan(0);
          expect(e.span.start).toBeGreaterThanOrEqual(0);
          expect(e.span.end).toBeGreaterThanOrEqual(e.span.start);
          expect(e.span.end).toBeLessThanOrEqual(s.length);
          if ('line' in e.params) expect(e.params.line).toBe(s.slice(0, e.span.start).split('\n').length);
        }
      }),
      RUNS,
    );
  });

  it('parse(format(v)) = v, and format(parse(format(v))) = format(v)', () => {
    const unit = fc.oneof(fc.constantFrom('a', 'b', ':', ',', '"', '\\', '#', ' ', "'"), weird);
    const label = fc.string({ unit, minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== '');
    const words = fc.uniqueArray(fc.string({ unit, minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });
    const verbalizer = fc
      .uniqueArray(fc.record({ label, words }), { minLength: 1, maxLength: 4, selector: (l) => l.label })
      .map((labels): Verbalizer => ({ labels }));
    fc.assert(
      fc.property(verbalizer, (v) => {
        const text = formatVerbalizer(v);
        const r = parseVerbalizer(text);
        if (!r.ok) throw new Error(JSON.stringify({ text, errors: r.errors }));
        expect(r.verbalizer).toEqual(v);
        expect(formatVerbalizer(r.verbalizer)).toBe(text);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Datasets

describe('fuzz: dataset parsers (CSV, TSV, JSONL)', () => {
  const formats = fc.constantFrom<DatasetFormat | 'auto'>('auto', 'csv', 'tsv', 'jsonl');
  const text = mix(fc.constantFrom('a', ',', '\t', '"', '\n', '\r\n', '{', '}', ':', '[', ']', '1', ' ', '\ufeff'), 60);

  it('never throws; errors are typed; every row and problem has a line inside the file', () => {
    fc.assert(
      fc.property(text, formats, (s, format) => {
        const r = parseDataset(s, { format });
        if (!r.ok) {
          expect(['data-empty', 'data-no-json-lines', 'data-no-columns', 'data-too-large']).toContain(r.error.code);
          expect(formatIssue(r.error).length).toBeGreaterThan(0);
          return;
        }
        const d = r.dataset;
        for (const row of [...d.rows, ...d.problems.map((p) => p.params)]) {
          expect(row.line).toBeGreaterThanOrEqual(1);
          expect(row.endLine).toBeGreaterThanOrEqual(row.line);
          expect(row.endLine).toBeLessThanOrEqual(Math.max(1, d.lineCount));
        }
        for (const p of d.problems) expect(typeof p.code).toBe('string');
        if (d.format !== 'jsonl') for (const row of d.rows) expect(row.values).toHaveLength(d.columns.length);
        expect(d.rows.length + d.problems.length).toBeLessThanOrEqual(d.totalRows + d.problems.length);
      }),
      RUNS,
    );
  });

  it('written rows read back: CSV/TSV with quoting, JSONL with JSON.stringify', () => {
    const cell = fc.string({
      unit: fc.oneof(fc.constantFrom('a', ' ', ',', '\t', '"', '\n', "'", '{'), weird),
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, fc.constantFrom('pos', 'neg')), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<DatasetFormat>('csv', 'tsv', 'jsonl'),
        (rows, format) => {
          // Values are trimmed on read, and the lone-CR / NUL cases are covered by dataset.test.ts.
          const values = rows
            .map(([v, l]) => [v.replace(/\r/g, ''), l] as const)
            .filter(([v]) => v.trim() === v && v !== '');
          fc.pre(values.length > 0);
          let written: string;
          if (format === 'jsonl') written = values.map(([text, label]) => JSON.stringify({ text, label })).join('\n');
          else {
            const sep = format === 'csv' ? ',' : '\t';
            const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
            written = [`text${sep}label`, ...values.map(([v, l]) => `${quote(v)}${sep}${l}`)].join('\n');
          }
          const r = parseDataset(written, { format });
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.dataset.problems).toEqual([]);
          expect(r.dataset.columns).toEqual(['text', 'label']);
          expect(r.dataset.rows.map((row) => row.values)).toEqual(values.map(([v, l]) => [v, l]));
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Share links

const LINK_CODES = [
  'not-a-link',
  'link-empty',
  'link-no-version',
  'link-bad-escape',
  'link-bad-checksum-field',
  'link-bad-character',
  'unknown-version',
  'newer-version',
  'link-too-long',
  'link-too-much-data',
  'damaged',
  'checksum',
  'not-json',
  'invalid-setup',
];

describe('fuzz: share-link decoder', () => {
  it('never throws on arbitrary fragments; a failure is one of the typed codes', () => {
    const frag = fc.oneof(
      mix(fc.constantFrom('#', 's', '=', '1', '2', '.', 'a', 'f', '0', '-', '+', '$', '%'), 40),
      fc
        .tuple(
          fc.constantFrom('#s=', 's=', '#s=2.', '#s=1.'),
          fc.string({ unit: fc.constantFrom(...'abcdef0123456789.-+$ABCxyz%'.split('')), maxLength: 60 }),
        )
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(frag, (hash) => {
        const r = decodeShareFragment(hash);
        if (!r.ok) {
          expect(LINK_CODES).toContain(r.error.code);
          expect(formatIssue(r.error).length).toBeGreaterThan(0);
          if (r.error.code === 'invalid-setup') expect(r.error.errors?.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('any JSON value in a well-formed link is validated: a setup, or invalid-setup with paths', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const json = JSON.stringify(value) ?? 'null';
        const r = decodeShareFragment(`#s=2.${linkChecksum(json)}.${LZString.compressToEncodedURIComponent(json)}`);
        if (r.ok) expect(parseSetup(r.setup).ok).toBe(true);
        else {
          expect(r.error.code).toBe('invalid-setup');
          for (const e of r.error.errors ?? []) expect(typeof e.path).toBe('string');
        }
      }),
      RUNS,
    );
  });

  it('one changed character of a valid link is caught or decodes to a valid setup', () => {
    const setup = validSetup({ rows: 2, text: 20 });
    fc.assert(
      fc.property(setup, fc.nat(), fc.constantFrom(...'aZ09-+$.=%'.split('')), (s, at, ch) => {
        const enc = encodeShareFragment(s);
        if (!enc.ok) return;
        const i = at % enc.fragment.length;
        const damaged = `#${enc.fragment.slice(0, i)}${ch}${enc.fragment.slice(i + 1)}`;
        const r = decodeShareFragment(damaged);
        if (r.ok) expect(parseSetup(r.setup).ok).toBe(true);
        else expect(LINK_CODES).toContain(r.error.code);
      }),
      { numRuns: 10_000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Setup importers

describe('fuzz: setup importers', () => {
  const base = defaultSetup();

  it('JSON: arbitrary text and arbitrary JSON never throw; failures name a path', () => {
    const text = fc.oneof(
      mix(fc.constantFrom('{', '}', '"', ':', ',', '[', ']', 'version', '1', 'templates', 'null'), 40),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
    );
    fc.assert(
      fc.property(text, (s) => {
        const r = parseSetupJson(s);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) {
            expect(typeof e.path).toBe('string');
            expect(formatSetupError(e).length).toBeGreaterThan(0);
          }
        }
      }),
      RUNS,
    );
  });

  it('OpenPrompt: any template text, label words and classes never throw; the result is a valid setup', () => {
    const tpl = mix(
      fc.constantFrom(
        '{',
        '}',
        '"',
        "'",
        ':',
        ',',
        'placeholder',
        'text_a',
        'text_b',
        'mask',
        'meta',
        ' ',
        'a',
        '\n',
        '[',
        ']',
      ),
      40,
    );
    const words = mix(fc.constantFrom('{', '}', '[', ']', '"', "'", ':', ',', 'pos', 'neg', ' ', '\n', '0', '1'), 40);
    const classes = mix(fc.constantFrom('[', ']', '"', "'", ',', 'a', ' ', '\n'), 20);
    fc.assert(
      fc.property(tpl, words, classes, (templates, labelWords, cls) => {
        const r = importOpenPrompt({ templates, labelWords, classes: cls }, base);
        if (r.ok) expect(parseSetup(r.value).ok).toBe(true);
        else {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(formatIssue(e).length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('LM-BFF: any template text and mapping never throw; the result is a valid setup', () => {
    const tpl = mix(
      fc.constantFrom('*', 'cls', 'sent_0', 'sent-1', 'sentl_0', 'mask', 'sep+', '_', '+', 'It', 'was', '.', ' ', '\n'),
      30,
    );
    const mapping = mix(fc.constantFrom('{', '}', "'", '"', ':', ',', '0', '1', 'great', ' ', '\n', '\\'), 30);
    fc.assert(
      fc.property(tpl, mapping, (templates, map) => {
        const r = importLmBff({ templates, mapping: map }, base);
        if (r.ok) expect(parseSetup(r.value).ok).toBe(true);
        else {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(formatIssue(e).length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The editor's whole input space (issue 13): whatever the editor accepts is saved (cut to the
// limits where it is longer, and nothing else changes), reloads, is kept as a saved setup,
// exports and imports — all to the same setup.

describe('fuzz: whatever the editor accepts round-trips through save, reload, export and import', () => {
  /** A text of up to `max` characters, often long (a pasted document). */
  const longText = (max: number) =>
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max }))
      .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
  const slotName = fc.oneof(
    fc.constant('X'),
    fc.integer({ min: 0, max: 2 * LIMITS.slotNumber }).map((n) => `X${n}`),
    fc.constantFrom('X01', 'x1', 'Z', 'MASK', ''),
  );
  const piece = fc.oneof(
    fc.string({ maxLength: 6 }),
    slotName.map((s) => `[${s}]`),
    slotName.map((s) => `[${s}|lower|nopunct]`),
    fc.constantFrom('[Z]', '\\[', ']', '[', '\n', '<mask>'),
  );
  /** Runs of numbered slots, up to more than a template may have. */
  const slotRun = fc
    .tuple(fc.integer({ min: 1, max: LIMITS.slotsPerTemplate + 5 }), fc.integer({ min: 0, max: LIMITS.slotNumber }))
    .map(([k, from]) => `${Array.from({ length: k }, (_, i) => `[X${from + i + 1}]`).join(' ')} [Z]`);
  const template = fc.oneof(
    { weight: 4, arbitrary: fc.array(piece, { maxLength: 12 }).map((p) => p.join('')) },
    { weight: 2, arbitrary: slotRun },
    { weight: 1, arbitrary: templateText },
    { weight: 1, arbitrary: longText(LIMITS.templateTextChars + 200).map((s) => `${s}[X] [Z]`) },
  );
  const verbalizer = fc.oneof(
    mix(fc.constantFrom('a', 'b', ':', ',', '"', '\\', '\\n', '\\r', '#', ' ', '\n', '\t'), 40),
    fc.constantFrom('positive: great\nnegative: bad', 'p: "a\\nb"\nn: c', 'p: a\np: b'),
    longText(LIMITS.labelChars + 20).map((s) => `pos: ${s.replace(/[\n\r,:#"]/g, 'x')}\nneg: bad`),
  );
  const input = fc.oneof(fc.string({ maxLength: 12 }), mix(weird, 8), longText(LIMITS.inputChars + 2_000));
  const action = fc.oneof(
    fc.record({ kind: fc.constant('template' as const), text: template }),
    fc.record({ kind: fc.constant('add-template' as const) }),
    fc.record({ kind: fc.constant('remove-template' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('activate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('rename' as const), name: fc.oneof(fc.string(), longText(250)) }),
    fc.record({ kind: fc.constant('verbalizer' as const), text: verbalizer }),
    fc.record({ kind: fc.constant('input' as const), row: fc.nat(), field: fc.nat(), value: input }),
    fc.record({ kind: fc.constant('add-row' as const) }),
    fc.record({ kind: fc.constant('remove-row' as const), row: fc.nat() }),
  );
  type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

  /** What a click or a keystroke in the editor does (the UI calls these store actions). */
  function apply(store: WorkspaceStore, a: Action): void {
    const s = store.getState();
    const { templates, inputs } = s.setup;
    switch (a.kind) {
      case 'template': {
        s.setTemplateText(activeTemplate(s.setup).id, a.text);
        return;
      }
      case 'add-template': {
        s.addTemplate();
        return;
      }
      case 'remove-template': {
        s.removeTemplate(templates[a.at % templates.length]!.id);
        return;
      }
      case 'activate': {
        s.setActiveTemplate(templates[a.at % templates.length]!.id);
        return;
      }
      case 'rename': {
        s.renameTemplate(activeTemplate(s.setup).id, a.name);
        return;
      }
      case 'verbalizer': {
        s.setVerbalizerText(a.text);
        return;
      }
      case 'input': {
        if (inputs.length === 0) return;
        const fields = inputFieldSlots(s.setup); // only the fields the editor shows
        s.setInput(a.row % inputs.length, fields[a.field % fields.length]!, a.value);
        return;
      }
      case 'add-row': {
        s.addInputRow();
        return;
      }
      case 'remove-row':
        if (inputs.length > 1) s.removeInputRow(a.row % inputs.length); // the button is disabled at one row
    }
  }

  it('after any edits: reload, saved setup, export and import give the saved (fitted) setup', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 14 }), (actions) => {
        const storage = new MemoryStorage();
        const store = createWorkspaceStore();
        const stopSaving = autosaveWorkspace(storage, store);
        for (const a of actions) apply(store, a);
        stopSaving();
        const { setup, verbalizerText } = store.getState();
        const kept = fitSetupToLimits(setup);
        if (kept.trimmed.length === 0) expect(kept.setup).toBe(setup);
        expect(parseSetup(kept.setup)).toEqual({ ok: true, setup: kept.setup });

        // Reload: the saved workspace is read back (never reset to the default).
        const reloaded = createWorkspaceStore();
        restoreSavedWorkspace(storage, reloaded);
        expect(reloaded.getState().setup).toEqual(kept.setup);
        expect(reloaded.getState().notices).toEqual([]);
        expect(storage.getItem(WORKSPACE_BACKUP_KEY)).toBeNull();
        if (actions.some((a) => a.kind === 'verbalizer'))
          expect(reloaded.getState().verbalizerText).toBe(verbalizerText);

        // Kept as a saved setup (before a link, preset or import replaces it).
        const stopKeeping = followSavedSetups(storage, null);
        try {
          const entry = saveSetup(setup, verbalizerText, 'before-link');
          expect(entry.ok).toBe(true);
          expect(readSavedSetups(storage.getItem(SAVED_SETUPS_KEY))).toMatchObject([
            { setup: kept.setup, verbalizerText },
          ]);
        } finally {
          stopKeeping();
        }

        // Export, import, export again: the same setup, the same file.
        const exported = exportSetupJson(setup);
        expect(exported.trimmed).toEqual(kept.trimmed);
        const imported = parseSetupJson(exported.text);
        expect(imported).toEqual({ ok: true, setup: kept.setup });
        if (imported.ok) expect(exportSetupJson(imported.setup).text).toBe(exported.text);
      }),
      { numRuns: 2_000 },
    );
  });
});
