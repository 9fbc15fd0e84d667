import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/core/messages/index.ts';
import {
  addLabelCounts,
  ambiguousLabelValues,
  autoLabelMap,
  noExamplesReason,
  sortedLabelValues,
  labelCandidates,
  matchLabel,
  buildExamples,
  suggestMapping,
  templateSlots,
} from '../../src/core/dataset-mapping.ts';
import { detectFormat, parseDataset, parseDatasetAsync, type ParseScheduler } from '../../src/core/dataset-parse.ts';
import { allProblems, type Dataset, type DatasetParse } from '../../src/core/dataset.ts';
import { issue } from '../../src/core/issues.ts';
import { yieldToEventLoop } from '../../src/core/scheduling.ts';
import { parseTemplate, type Template } from '../../src/core/template.ts';

function ok(parse: DatasetParse): Dataset {
  if (!parse.ok) throw new Error(`expected a dataset, got ${parse.error.code}: ${formatIssue(parse.error)}`);
  return parse.dataset;
}

/** Pauses after every `every`-th check, like the browser does when a slice has run long enough. */
function pauseEvery(every: number): ParseScheduler {
  let n = 0;
  return { shouldYield: () => ++n % every === 0, yieldNow: yieldToEventLoop };
}

describe('parseDataset: CSV quirks', () => {
  it('reads a header and rows, with 1-based physical line numbers', () => {
    const d = ok(parseDataset('text,label\nA fine film.,positive\nDull.,negative\n'));
    expect(d.format).toBe('csv');
    expect(d.columns).toEqual(['text', 'label']);
    expect(d.rows).toEqual([
      { line: 2, endLine: 2, values: ['A fine film.', 'positive'] },
      { line: 3, endLine: 3, values: ['Dull.', 'negative'] },
    ]);
    expect(d.problems).toEqual([]);
    expect(d.totalRows).toBe(2);
    expect(d.lineCount).toBe(3);
  });

  it('strips a UTF-8 BOM (the first column name stays clean)', () => {
    const d = ok(parseDataset('\ufefftext,label\nhi,positive'));
    expect(d.columns).toEqual(['text', 'label']);
    expect(d.rows[0]).toEqual({ line: 2, endLine: 2, values: ['hi', 'positive'] });
  });

  it('CRLF, LF and CR line ends give the same rows and lines', () => {
    const lf = 'text,label\n"a, b",pos\nc,neg\n';
    for (const text of [lf, lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r')]) {
      const d = ok(parseDataset(text));
      expect(d.rows.map((r) => [r.line, r.values])).toEqual([
        [2, ['a, b', 'pos']],
        [3, ['c', 'neg']],
      ]);
    }
  });

  it('quoted fields keep commas, doubled quotes and line breaks; later rows keep their physical line', () => {
    const text =
      'text,label\r\n"He said ""wow"", then left",pos\r\n"line one\r\nline two\r\nline three",neg\r\nafter,pos\r\n';
    const d = ok(parseDataset(text));
    expect(d.rows).toEqual([
      { line: 2, endLine: 2, values: ['He said "wow", then left', 'pos'] },
      { line: 3, endLine: 5, values: ['line one\r\nline two\r\nline three', 'neg'] },
      { line: 6, endLine: 6, values: ['after', 'pos'] },
    ]);
  });

  it('lists rows with the wrong number of fields by line, and keeps the rest', () => {
    const text = ['text,label', 'good,pos', 'no label here', '"multi', 'line",neg,extra', 'fine,neg'].join('\n');
    const d = ok(parseDataset(text));
    expect(d.rows.map((r) => r.line)).toEqual([2, 6]);
    expect(d.problems).toEqual([
      { code: 'column-count', severity: 'warning', params: { line: 3, endLine: 3, found: 1, expected: 2 } },
      { code: 'column-count', severity: 'warning', params: { line: 4, endLine: 5, found: 3, expected: 2 } },
    ]);
    expect(d.totalRows).toBe(4);
  });

  it('reports a quote that is never closed (from its line to the end) instead of crashing', () => {
    const d = ok(parseDataset('text,label\nok,pos\n"never closed,neg\nmore,pos\n'));
    expect(d.rows.map((r) => r.line)).toEqual([2]);
    expect(d.problems).toEqual([{ code: 'malformed-quotes', severity: 'warning', params: { line: 3, endLine: 4 } }]);
  });

  it('skips empty and blank lines quietly; line numbers still count them', () => {
    const d = ok(parseDataset('text,label\n\n   \ngood,pos\n\n'));
    expect(d.rows).toEqual([{ line: 4, endLine: 4, values: ['good', 'pos'] }]);
    expect(d.problems).toEqual([]);
  });

  it('names empty and repeated header cells', () => {
    const d = ok(parseDataset(' text ,,text\na,b,c'));
    expect(d.columns).toEqual(['text', 'column 2', 'text (2)']);
  });

  it('a 10 MB cell is read whole, in CSV, TSV and JSONL: the reader cuts no cell (what a model cannot read is reported by the evaluation)', () => {
    const huge = 'word, '.repeat(1_750_000).trim();
    expect(huge.length).toBeGreaterThan(10_000_000);
    const texts = {
      csv: `text,label\nshort,a\n"${huge}",b\nlast,a\n`,
      tsv: `text\tlabel\nshort\ta\n${huge}\tb\nlast\ta\n`,
      jsonl: [
        { text: 'short', label: 'a' },
        { text: huge, label: 'b' },
        { text: 'last', label: 'a' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    } as const;
    for (const [format, text] of Object.entries(texts)) {
      const dataset = ok(parseDataset(text, { format: format as keyof typeof texts }));
      expect(dataset.problems, format).toEqual([]);
      expect(dataset.rows.map((r) => r.values[0]!.length)).toEqual([5, huge.length, 4]);
      expect(dataset.rows[1]!.values[0] === huge, format).toBe(true);
    }
  });

  it('empty input is an error, not an exception', () => {
    expect(parseDataset('')).toMatchObject({ ok: false, error: { code: 'data-empty' } });
    expect(parseDataset('\ufeff\n\n')).toMatchObject({ ok: false, error: { code: 'data-empty' } });
  });
});

describe('parseDataset: TSV and JSONL', () => {
  it('TSV: tabs separate, quotes still protect tabs and line breaks', () => {
    const d = ok(
      parseDataset('text\tlabel\n"a\tb"\tpos\n"two\nlines"\tneg\nplain, with comma\tpos\n', { fileName: 'x.tsv' }),
    );
    expect(d.format).toBe('tsv');
    expect(d.rows.map((r) => [r.line, r.endLine, r.values])).toEqual([
      [2, 2, ['a\tb', 'pos']],
      [3, 4, ['two\nlines', 'neg']],
      [5, 5, ['plain, with comma', 'pos']],
    ]);
  });

  it('JSONL: keys become columns (in order of first appearance); bad lines are listed by line', () => {
    const text =
      '\ufeff{"text":"a","label":"pos"}\r\n\r\nnot json\r\n[1,2]\r\n{"label":"neg","text":"b","extra":3,"flag":true,"nothing":null}\r\n';
    const d = ok(parseDataset(text));
    expect(d.format).toBe('jsonl');
    expect(d.columns).toEqual(['text', 'label', 'extra', 'flag', 'nothing']);
    // Values that are not strings are never turned into text: they are kept aside (nonText) for
    // buildExamples to refuse where text or a label is read.
    expect(d.rows).toEqual([
      { line: 1, endLine: 1, values: ['a', 'pos', '', '', ''] },
      {
        line: 5,
        endLine: 5,
        values: ['b', 'neg', '', '', ''],
        nonText: {
          2: { kind: 'number', json: '3' },
          3: { kind: 'boolean', json: 'true' },
          4: { kind: 'null', json: 'null' },
        },
      },
    ]);
    expect(d.problems.map((p) => [p.params.line, p.code])).toEqual([
      [3, 'invalid-json'],
      [4, 'not-an-object'],
    ]);
  });

  it('detects the format from the extension, else from the content', () => {
    expect(detectFormat('a,b', 'data.TSV')).toBe('tsv');
    expect(detectFormat('a\tb', 'data.csv')).toBe('csv');
    expect(detectFormat('{"a":1}\n')).toBe('jsonl');
    expect(detectFormat('text\tlabel\nx\ty')).toBe('tsv');
    expect(detectFormat('text,label\nx,y')).toBe('csv');
  });
});

describe('parseDatasetAsync', () => {
  it('gives exactly the same dataset as the one-go parse, wherever it pauses', async () => {
    const rows = Array.from({ length: 40 }, (_, i) =>
      i % 5 === 0
        ? `"row ${i}\r\nsecond line, still row ${i}",l${i % 3}`
        : i % 7 === 0
          ? `broken ${i}`
          : `row ${i},l${i % 3}`,
    );
    const text = '\ufefftext,label\r\n' + rows.join('\r\n') + '\r\n';
    const once = parseDataset(text);
    for (const every of [1, 2, 3, 7, 1000]) {
      expect(await parseDatasetAsync(text, {}, pauseEvery(every))).toEqual(once);
    }
    const jsonl = rows
      .map((r, i) => (i % 6 === 0 ? 'oops' : JSON.stringify({ text: r, label: `l${i % 3}` })))
      .join('\n');
    for (const every of [1, 4])
      expect(await parseDatasetAsync(jsonl, {}, pauseEvery(every))).toEqual(parseDataset(jsonl));
  });

  it('reports progress and can be stopped', async () => {
    const text = 'text,label\n' + Array.from({ length: 50 }, (_, i) => `r${i},x`).join('\n');
    const seen: number[] = [];
    await parseDatasetAsync(text, {}, { ...pauseEvery(10), onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[seen.length - 1]).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const controller = new AbortController();
    const stopping: ParseScheduler = {
      shouldYield: () => true,
      yieldNow: async () => controller.abort(),
      signal: controller.signal,
    };
    await expect(parseDatasetAsync(text, {}, stopping)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('parser properties', () => {
  it('never throws, whatever the text and format', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom<'auto' | 'csv' | 'tsv' | 'jsonl'>('auto', 'csv', 'tsv', 'jsonl'),
        (text, format) => {
          const result = parseDataset(text, { format });
          if (result.ok) {
            const d = result.dataset;
            for (const r of [...d.rows, ...d.problems.map((p) => p.params)]) {
              expect(r.line).toBeGreaterThanOrEqual(1);
              expect(r.endLine).toBeGreaterThanOrEqual(r.line);
            }
            for (const r of d.rows) if (d.format !== 'jsonl') expect(r.values.length).toBe(d.columns.length);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the async parse never throws either (and equals the sync one)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        async (text, every) => {
          expect(await parseDatasetAsync(text, {}, pauseEvery(every))).toEqual(parseDataset(text));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rows written with any mix of quoting and line ends come back with their values and physical lines', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '中'), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, fc.constantFrom('pos', 'neg')), { minLength: 1, maxLength: 15 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        (rows, eol, bom) => {
          const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
          let text = (bom ? '\ufeff' : '') + 'text,label' + eol;
          let line = 2;
          const expected: { line: number; endLine: number; values: string[] }[] = [];
          for (const [value, label] of rows) {
            const breaks = (value.match(/\r\n|\n|\r/g) ?? []).length;
            text += `${quote(value)},${label}${eol}`;
            // A lone CR inside a value followed by the row's own "\n" would be read as CRLF: not generated.
            expected.push({ line, endLine: line + breaks, values: [value, label] });
            line += breaks + 1;
          }
          const d = ok(parseDataset(text));
          expect(d.rows).toEqual(expected);
          expect(d.problems).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('mapping columns and labels', () => {
  const data = ok(
    parseDataset(
      [
        'id,review,Sentiment',
        '1,Great fun.,Positive',
        '2,Awful.,NEGATIVE',
        '3,,positive',
        '4,Meh.,neutral',
        '5,Nice.,',
        '6,Loved it.,positive',
      ].join('\n'),
    ),
  );

  it('guesses the slot and label columns by name, and matches label values ignoring case', () => {
    const m = suggestMapping(data, ['X'], ['positive', 'negative']);
    expect(m.slots).toEqual({ X: 'review' });
    expect(m.labelColumn).toBe('Sentiment');
    expect(Object.fromEntries(m.labelMap)).toEqual({
      positive: 'positive',
      Positive: 'positive',
      NEGATIVE: 'negative',
      neutral: null,
    });
    expect(Object.fromEntries(autoLabelMap(data, 'Sentiment', ['Positive']))).toMatchObject({
      positive: 'Positive',
      Positive: 'Positive',
      NEGATIVE: null,
    });
  });

  it('premise / hypothesis columns go to [X1] / [X2]', () => {
    const nli = ok(parseDataset('label,hypothesis,premise\nyes,b,a'));
    expect(suggestMapping(nli, ['X1', 'X2'], ['yes']).slots).toEqual({ X1: 'premise', X2: 'hypothesis' });
  });

  it('rows with missing text, no label or an unmapped label become problems with their lines', () => {
    const m = suggestMapping(data, ['X'], ['positive', 'negative']);
    const { examples, problems } = buildExamples(data, m, ['positive', 'negative']);
    expect(examples.map((e) => [e.line, e.gold, e.rawLabel, e.inputs.X])).toEqual([
      [2, 'positive', 'Positive', 'Great fun.'],
      [3, 'negative', 'NEGATIVE', 'Awful.'],
      [7, 'positive', 'positive', 'Loved it.'],
    ]);
    expect(problems).toEqual([
      { code: 'missing-text', severity: 'warning', params: { line: 4, endLine: 4, column: 'review' } },
      { code: 'unknown-label', severity: 'warning', params: { line: 5, endLine: 5, value: 'neutral' } },
      { code: 'missing-label', severity: 'warning', params: { line: 6, endLine: 6, column: 'Sentiment' } },
    ]);
    // Mapping the unknown value by hand brings its row in.
    const mapped = buildExamples(data, { ...m, labelMap: new Map(m.labelMap).set('neutral', 'negative') }, [
      'positive',
      'negative',
    ]);
    expect(mapped.examples.map((e) => e.line)).toEqual([2, 3, 5, 7]);
  });

  it('building in slices gives the same examples as building at once', () => {
    const m = suggestMapping(data, ['X'], ['positive', 'negative']);
    const whole = buildExamples(data, m, ['positive', 'negative']);
    const parts = [0, 2, 4].map((start) => buildExamples(data, m, ['positive', 'negative'], { start, end: start + 2 }));
    expect(parts.flatMap((p) => p.examples)).toEqual(whole.examples);
    expect(parts.flatMap((p) => p.problems)).toEqual(whole.problems);
    const merged = new Map<string, number>();
    for (const p of parts) addLabelCounts(merged, p.labelCounts);
    expect(sortedLabelValues(merged)).toEqual(sortedLabelValues(whole.labelCounts));
  });

  it('label counts leave out skipped rows: the row with empty text is not counted, the unmapped value is', () => {
    const m = suggestMapping(data, ['X'], ['positive', 'negative']);
    const { labelCounts } = buildExamples(data, m, ['positive', 'negative']);
    // Line 4 ("3,,positive") has no text: its "positive" is counted nowhere.
    expect(sortedLabelValues(labelCounts)).toEqual([
      { value: 'Positive', count: 1 },
      { value: 'NEGATIVE', count: 1 },
      { value: 'neutral', count: 1 },
      { value: 'positive', count: 1 },
    ]);
    // A slot without a column is a choice still to make, not a fault of the rows: they are counted.
    const unchosen = buildExamples(data, { ...m, slots: { X: null } }, ['positive', 'negative']);
    expect(unchosen.examples).toEqual([]);
    expect(unchosen.labelCounts.get('positive')).toBe(2);
  });
});

describe('JSONL values that are not strings, and the same rules for CSV / TSV', () => {
  const labels = ['positive', 'negative'];
  const jsonl = [
    '{"id": 1, "text": "A fine film.", "label": "positive"}',
    '{"id": 2, "text": "Dull.", "label": 0}',
    '{"id": 3, "text": 42, "label": "negative"}',
    '{"id": 4, "text": "Warm and funny.", "label": true}',
    '{"id": 5, "text": "Loud.", "label": null}',
    '{"id": 6, "text": {"en": "Nested"}, "label": "positive"}',
    '{"id": 7, "text": ["a", "list"], "label": "positive"}',
    '{"id": 8, "text": "No label key."}',
    '{"id": 9, "text": "   ", "label": "negative"}',
    '{"id": 10, "text": "Too long by far.", "label": "negative"}',
    '{"id": 11, "text": "Meh.", "label": "neutral"}',
  ].join('\n');

  it('a number, boolean, null, object or array in the text or label column is a bad row with its line, column and value', () => {
    const d = ok(parseDataset(jsonl));
    const m = suggestMapping(d, ['X'], labels);
    expect(m.slots).toEqual({ X: 'text' });
    expect(m.labelColumn).toBe('label');
    const { examples, problems, labelCounts } = buildExamples(d, m, labels);
    expect(examples.map((e) => [e.line, e.gold, e.inputs.X])).toEqual([
      [1, 'positive', 'A fine film.'],
      [10, 'negative', 'Too long by far.'],
    ]);
    const row = (line: number) => ({ line, endLine: line });
    expect(problems).toEqual([
      issue('non-string-value', 'warning', { ...row(2), column: 'label', role: 'label', kind: 'number', value: '0' }),
      issue('non-string-value', 'warning', { ...row(3), column: 'text', role: 'text', kind: 'number', value: '42' }),
      issue('non-string-value', 'warning', {
        ...row(4),
        column: 'label',
        role: 'label',
        kind: 'boolean',
        value: 'true',
      }),
      issue('non-string-value', 'warning', { ...row(5), column: 'label', role: 'label', kind: 'null', value: '' }),
      issue('non-string-value', 'warning', {
        ...row(6),
        column: 'text',
        role: 'text',
        kind: 'object',
        value: '{"en":"Nested"}',
      }),
      issue('non-string-value', 'warning', {
        ...row(7),
        column: 'text',
        role: 'text',
        kind: 'array',
        value: '["a","list"]',
      }),
      issue('missing-label', 'warning', { ...row(8), column: 'label' }),
      issue('missing-text', 'warning', { ...row(9), column: 'text' }),
      issue('unknown-label', 'warning', { ...row(11), value: 'neutral' }),
    ]);
    // A number where nothing reads text ("id") is no problem; the label counts hold only rows
    // without a fault of their own (the skipped "positive" and "negative" rows are not in them).
    expect(sortedLabelValues(labelCounts)).toEqual([
      { value: 'positive', count: 1 },
      { value: 'negative', count: 1 },
      { value: 'neutral', count: 1 },
    ]);
    // Non-string values are no label values: "0" and "true" are not offered for mapping.
    expect([...m.labelMap.keys()].sort()).toEqual(['negative', 'neutral', 'positive']);
    expect(examples.length + problems.length).toBe(d.totalRows);
  });

  it('the messages name the line, the column and the value, in English and Chinese', () => {
    const d = ok(parseDataset(jsonl));
    const { problems } = buildExamples(d, suggestMapping(d, ['X'], labels), labels);
    expect(problems.slice(0, 6).map((p) => formatIssue(p))).toEqual([
      'line 2: the label in "label" is a number (0), not a string — write it in quotes ("0") to use it',
      'line 3: the text in "text" is a number (42), not a string — write it in quotes ("42") to use it',
      'line 4: the label in "label" is a boolean (true), not a string — write it in quotes ("true") to use it',
      'line 5: the label in "label" is null, not a string',
      'line 6: the text in "text" is a JSON object ({"en":"Nested"}), not a string',
      'line 7: the text in "text" is a JSON array (["a","list"]), not a string',
    ]);
    expect(formatIssue(problems[0]!, 'zh')).toBe(
      '第 2 行：列“label”中的标签是数字（0），不是字符串——加上引号（"0"）才能使用',
    );
    expect(formatIssue(problems[3]!, 'zh')).toBe('第 5 行：列“label”中的标签是null，不是字符串');
    // A long object is shortened in the message.
    const long = ok(parseDataset(`{"text": {"k": "${'x'.repeat(200)}"}, "label": "positive"}\n`));
    const [p] = buildExamples(long, suggestMapping(long, ['X'], labels), labels).problems;
    expect(p!.params).toMatchObject({ kind: 'object' });
    expect([...(p!.params as { value: string }).value].length).toBe(40);
  });

  it('when no row has a usable label, the rows are what to fix (not the mapping)', () => {
    const d = ok(parseDataset('{"text": "a", "label": 1}\n{"text": "b", "label": 0}\n'));
    const m = suggestMapping(d, ['X'], labels);
    const built = buildExamples(d, m, labels);
    expect(built.examples).toEqual([]);
    expect(built.problems.map((p) => p.code)).toEqual(['non-string-value', 'non-string-value']);
    expect(noExamplesReason(m, ['X'], built.labelCounts.keys())).toBe('no-usable-row');
  });

  it('CSV, TSV and JSONL with the same (string) content give the same examples, skipped rows and label counts', () => {
    const rows: [string, string][] = [
      ['A fine film.', 'positive'],
      ['', 'positive'],
      ['Dull.', ''],
      ['   ', 'negative'],
      ['Warm.', '  '],
      ['Meh.', 'neutral'],
      ['Loud and long.', 'negative'],
    ];
    const csv = ['text,label', ...rows.map(([t, l]) => `"${t}",${l}`)].join('\n');
    const tsv = ['text\tlabel', ...rows.map(([t, l]) => `${t}\t${l}`)].join('\n');
    const jsonlText = rows.map(([text, label]) => JSON.stringify({ text, label })).join('\n');
    const results = [csv, tsv, jsonlText].map((text, i) => {
      const d = ok(parseDataset(text, { format: (['csv', 'tsv', 'jsonl'] as const)[i] }));
      const built = buildExamples(d, suggestMapping(d, ['X'], labels), labels);
      // Lines differ by the header line only.
      const shift = i === 2 ? 1 : 0;
      return {
        examples: built.examples.map((e) => [e.line + shift, e.gold, e.inputs.X]),
        problems: built.problems.map((p) => [p.params.line + shift, p.code]),
        counts: sortedLabelValues(built.labelCounts),
      };
    });
    expect(results[0]!.problems).toEqual([
      [3, 'missing-text'],
      [4, 'missing-label'],
      [5, 'missing-text'],
      [6, 'missing-label'],
      [7, 'unknown-label'],
    ]);
    expect(results[0]!.counts).toEqual([
      { value: 'positive', count: 1 },
      { value: 'neutral', count: 1 },
      { value: 'negative', count: 1 },
    ]);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe('label values and labels that differ only in case', () => {
  const csv = 'text,label\nfine,a\nbad,A\nodd,b\n';
  it('prefers the exact label, and reports values that match several labels by case only', () => {
    expect(matchLabel('a', ['A', 'a'])).toBe('a');
    expect(matchLabel('A', ['A', 'a'])).toBe('A');
    expect(matchLabel(' a ', ['A', 'a'])).toBe('a');
    expect(matchLabel('B', ['b', 'c'])).toBe('b');
    expect(matchLabel('b', ['B', 'b '])).toBe('b ');
    expect(matchLabel('x', ['X', 'x '])).toBe('x ');
    expect(labelCandidates('C', ['c', 'c '])).toEqual(['c', 'c ']);
    expect(matchLabel('C', ['c', 'c '])).toBeNull();
    const parsed = parseDataset(csv);
    if (!parsed.ok) throw new Error('parse failed');
    const m = suggestMapping(parsed.dataset, ['X'], ['A', 'a']);
    const { examples } = buildExamples(parsed.dataset, m, ['A', 'a']);
    expect(examples.map((e) => [e.inputs.X, e.gold])).toEqual([
      ['fine', 'a'],
      ['bad', 'A'],
    ]);
    expect(ambiguousLabelValues(['a', 'A', 'b'], ['A', 'a', 'b'])).toEqual([]);
    const shouting = parseDataset('text,label\nyes,POS\nno,NEG\n');
    if (!shouting.ok) throw new Error('parse failed');
    expect(ambiguousLabelValues(['POS', 'NEG'], ['pos', 'Pos', 'neg'])).toEqual([
      { value: 'POS', labels: ['pos', 'Pos'] },
    ]);
    const guess = suggestMapping(shouting.dataset, ['X'], ['pos', 'Pos', 'neg']);
    expect(guess.labelMap.get('POS')).toBeNull();
    expect(guess.labelMap.get('NEG')).toBe('neg');
  });

  it('maps labels named like Object.prototype members ("__proto__", "constructor") as ordinary labels', () => {
    const labels = ['__proto__', 'constructor', 'toString'];
    const parsed = parseDataset('text,label\none,__proto__\ntwo,constructor\nthree,toString\nfour,hasOwnProperty\n');
    if (!parsed.ok) throw new Error('parse failed');
    const m = suggestMapping(parsed.dataset, ['X'], labels);
    expect(m.labelMap.get('__proto__')).toBe('__proto__');
    const { examples, problems } = buildExamples(parsed.dataset, m, labels);
    expect(examples.map((e) => e.gold)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(problems).toEqual([
      { code: 'unknown-label', severity: 'warning', params: { line: 5, endLine: 5, value: 'hasOwnProperty' } },
    ]);
  });
});

describe('slots and problems across a mapping', () => {
  const template = (text: string): { template: Template } => {
    const parsed = parseTemplate(text);
    if (!parsed.ok) throw new Error(parsed.errors[0]!.code);
    return { template: parsed.template };
  };

  it("templateSlots: the union of the templates' slots, X first, then X1, X2, … by number", () => {
    expect(templateSlots([template('[X2] and [X10] [Z].'), template('[X1] [Z] [X2].')])).toEqual(['X1', 'X2', 'X10']);
    expect(templateSlots([template('[X] [Z].'), template('[Z]: [X]')])).toEqual(['X']);
    expect(templateSlots([])).toEqual([]);
  });

  it('allProblems: reading and mapping problems together, in line order', () => {
    const d = ok(parseDataset('text,label\nfine,positive\na,b,c\n"broken,positive\n', { format: 'csv' }));
    const parse = d.problems;
    expect(parse.length).toBeGreaterThan(0);
    const mapping = [
      issue('missing-label', 'warning', { line: 1, endLine: 1, column: 'label' }),
      issue('unknown-label', 'warning', { line: 9, endLine: 9, value: 'x' }),
    ];
    const all = allProblems(d, mapping);
    expect(all).toHaveLength(parse.length + 2);
    const lines = all.map((p) => p.params.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(all[0]).toEqual(mapping[0]);
    expect(all[all.length - 1]).toEqual(mapping[1]);
  });
});
